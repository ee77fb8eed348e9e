// A strict RFC 8259 scanner that records where every value of a JSON text is.
//
// Why it exists: cJSON, the project's JSON library, parses values but forgets
// where they were (no line or column), cannot tell `2` from `2.0` once parsed,
// and accepts text that RFC 8259 forbids (leading zeros, raw control
// characters in strings, any byte below 0x21 as whitespace, invalid UTF-8).
// Lab messages must name line:column (LAB-FORMAT §13.2), integers must be told
// from fractions (§3.6) and the JSON must be strict (§3.1). So the same text is
// scanned once here, strictly, into a tree of positions that mirrors cJSON's
// tree node for node: child i of a position node is child i of the cJSON node,
// even when an object repeats a key. cJSON still provides the values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otto::lab {

enum class JsonKind { object, array, string, number, boolean, null };

struct PositionNode {
    JsonKind kind = JsonKind::null;
    size_t offset = 0;        // first byte of the value
    size_t key_offset = 0;    // object members: the key's opening quote
    std::string number_text;  // numbers: the token exactly as written
    std::vector<PositionNode> children;
};

struct SyntaxError {
    size_t offset = 0;
    std::string path;  // the innermost value being read, as messages print it
    std::string message;
};

struct LocatedText {
    PositionNode root;
    std::optional<SyntaxError> error;  // set: `root` is incomplete
};

// Deeper nesting is rejected: lab files are shallow, and the scanner (like
// cJSON) recurses.
inline constexpr size_t kMaxJsonDepth = 128;

LocatedText locate(std::string_view text);

}  // namespace otto::lab
