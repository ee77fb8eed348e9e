#pragma once

#include <string>

namespace otto {

// `digits` lowercase hex digits from the kernel's CSPRNG.
std::string random_hex(size_t digits);

}  // namespace otto
