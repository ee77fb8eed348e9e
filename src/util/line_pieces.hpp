// How long a line of output may grow before it is passed on in pieces: the
// session reader and the one-shot line splitter hold a line in progress
// until its '\n' arrives, and output without one (`cat /dev/zero`, a
// progress bar redrawn with '\r') would otherwise be held whole, whatever
// the output limit. A line longer than this goes out as pieces of this size
// (streamed one after the other, joined again in the kept output), so the
// output limit bounds what a line costs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace otto {

// Even with a tiny output limit (0 for callers that only stream), a line
// is held up to this much, so ordinary long lines still stream whole.
constexpr size_t kMinLinePiece = 64 * 1024;

inline size_t line_piece_size(uint64_t output_limit) {
    return static_cast<size_t>(std::clamp<uint64_t>(output_limit, kMinLinePiece, SIZE_MAX / 2));
}

}  // namespace otto
