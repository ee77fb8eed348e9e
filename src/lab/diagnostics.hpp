// Collected lab errors and warnings (LAB-FORMAT §13.2, §13.4).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace otto::lab {

// Messages are kept in the order they were found and printed in file and
// position order: validation finds most in that order, but checks that need
// the whole lab (duplicate ids, hops) come later.
class Diagnostics {
public:
    // Reports the first this many errors, then a count of the rest (§13.4).
    static constexpr size_t kReportedErrors = 50;

    // `file_order` is the file's place in the search order; `offset` the byte
    // the message is about (0 for messages about a whole file).
    void add(size_t file_order, size_t offset, std::string text);
    bool empty() const { return entries_.empty(); }
    size_t size() const { return entries_.size(); }

    // Every message, sorted, at most kReportedErrors of them plus a last line
    // "... and N more errors" when some were left out.
    std::vector<std::string> report() const;
    // Every message, sorted, none left out (warnings).
    std::vector<std::string> all() const;

private:
    struct Entry {
        size_t file_order;
        size_t offset;
        std::string text;
    };
    std::vector<Entry> entries_;
};

}  // namespace otto::lab
