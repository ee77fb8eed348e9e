// One output stream of a one-shot (stdout or stderr), whatever carries it:
// bytes kept up to the retention limit and the rest only counted, plus the
// line splitter that feeds streaming events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/headline.hpp"
#include "util/line_splitter.hpp"
#include "util/output_guess.hpp"

namespace otto {

struct OneshotOutput {
    std::string kept;
    uint64_t dropped = 0;
    // How big the output may get (util/output_guess.hpp), 0: no guess.
    uint64_t size_guess = 0;
    LineSplitter lines;

    // The retention limit also bounds a line in progress (util/line_pieces.hpp).
    void bound_lines(uint64_t retain_limit) { lines.set_piece_size(line_piece_size(retain_limit)); }

    // Keeps `data` while the stream stays within `retain_limit` bytes; once
    // anything is dropped, everything after is dropped too (no holes).
    void keep(std::string_view data, uint64_t retain_limit) {
        if (dropped == 0 && kept.size() + data.size() <= retain_limit) {
            reserve_output_guess(kept, size_guess, retain_limit, data.size());
            kept.append(data);
        } else {
            dropped += data.size();
        }
    }

    // The kept bytes, with a note saying how much was not kept.
    std::string take_text() {
        release_unused_guess(kept);
        std::string text = std::move(kept);
        kept.clear();
        if (dropped > 0) text += "\n[otto: output truncated: " + std::to_string(dropped) + " more bytes were not kept]";
        return text;
    }
};

}  // namespace otto
