// Base64 (RFC 4648, standard alphabet, padded): for moving bytes through
// shell commands, whose text cannot carry NUL, CR or arbitrary bytes, and
// for bytes in JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace otto {

// `data` encoded as lines of at most `line_length` characters (a multiple
// of 4), each ending in '\n'; nothing for empty data. A `line_length` of 0
// gives one unbroken string without any newline.
std::string base64_lines(std::string_view data, size_t line_length = 76);

// Decodes base64 text arriving in pieces (lines of any length): whitespace
// is skipped, and anything after padding or outside the alphabet is an
// error, so a damaged stream is caught rather than decoded into garbage.
class Base64Decoder {
public:
    // Appends the bytes `text` completes to `out`; false on bad input.
    bool feed(std::string_view text, std::string &out);
    // True if the input ended on a whole quantum (no dangling characters).
    bool complete() const { return pending_ == 0 && padding_ == 0; }

private:
    uint32_t bits_ = 0;
    int pending_ = 0;     // characters in bits_ (0-3)
    int padding_ = 0;     // '=' seen in the current quantum
    bool ended_ = false;  // a padded quantum ended the data
};

}  // namespace otto
