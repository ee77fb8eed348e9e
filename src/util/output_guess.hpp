// Sizing a command's kept output from a guess: the size of the last output
// on the same shell or host, since scripts tend to run the same command in
// a loop. Growing a megabyte by doubling allocates and touches about twice
// its size in fresh pages, which the allocator often returns to the kernel
// between commands; one allocation of the guessed size touches it once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace otto {

// Before the first append of `first_bytes` to an empty `text`: room for
// `guess` bytes, never more than `limit` (what may be kept at all).
inline void reserve_output_guess(std::string &text, uint64_t guess, uint64_t limit, size_t first_bytes) {
    if (text.empty() && guess > first_bytes) text.reserve(static_cast<size_t>(std::min(guess, limit)));
}

// Before `text` is handed out: gives back what a guess too big left unused.
inline void release_unused_guess(std::string &text) {
    if (text.capacity() > 2 * text.size() + 4096) text.shrink_to_fit();
}

}  // namespace otto
