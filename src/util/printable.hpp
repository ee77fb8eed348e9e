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

}  // namespace otto
