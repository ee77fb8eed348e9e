// JSON paths as lab messages print them (LAB-FORMAT §13.2): member names
// joined with '.', indices as [n], and names that are not identifiers (or
// that are data, like the logins of a legacy creds map) as ["..."].
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace otto::lab {

class JsonPath {
public:
    // A field name: printed bare when it is an identifier.
    JsonPath member(std::string_view name) const;
    // A key of a map whose keys are data: always printed as ["..."].
    JsonPath data_key(std::string_view key) const;
    JsonPath index(size_t i) const;

    bool empty() const { return segments_.empty(); }
    std::string str() const;

private:
    enum class Kind { member, data_key, index };
    struct Segment {
        Kind kind;
        std::string name;
        size_t index = 0;
    };
    std::vector<Segment> segments_;
};

// `text` as a JSON string literal, quotes included; control characters are
// escaped so that a message stays one printable line.
std::string json_quote(std::string_view text);

}  // namespace otto::lab
