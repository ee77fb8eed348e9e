#pragma once

#include <string>

namespace otto {

// `digits` lowercase hex digits from the kernel's CSPRNG.
std::string random_hex(size_t digits);

// The same, taken from a per-thread pool of the kernel's random bytes that
// is refilled a few KiB at a time: for values drawn per command (the frame
// nonces), where a system call each would show in the per-command cost.
std::string pooled_random_hex(size_t digits);

}  // namespace otto
