// Bytes from a remote shell quoted for an error message: control and
// non-ASCII bytes escaped, so that a message stays one readable line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace otto {

// `bytes` with \n, \r, quotes and backslashes escaped and other bytes
// outside printable ASCII as \xNN: fit to quote between double quotes.
std::string printable(std::string_view bytes);

// The same for the last `keep` bytes only (what arrived most recently).
std::string printable_tail(std::string_view bytes, size_t keep = 200);

// A short quote of `bytes` (one line, say): blanks and control bytes at
// both ends trimmed, the rest as printable() gives it, cut to at most
// `max_chars` characters ending in "..." when longer (never inside an
// escape).
std::string printable_excerpt(std::string_view bytes, size_t max_chars = 100);

}  // namespace otto
