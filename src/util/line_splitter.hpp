// Splits a byte stream into lines for streaming events: each line without
// its '\n' and without '\r'; the last partial line comes out at flush(),
// and a line too long to hold comes out in pieces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/line_pieces.hpp"
#include "util/without_cr.hpp"

namespace otto {

class LineSplitter {
public:
    // A line longer than `piece_size` bytes goes out as pieces of that size
    // (util/line_pieces.hpp): the splitter never holds more.
    explicit LineSplitter(size_t piece_size = line_piece_size(UINT64_MAX)) : piece_size_(piece_size) {}
    void set_piece_size(size_t piece_size) { piece_size_ = piece_size; }

    // Lines that arrive whole are handed on as views of `data`, without a
    // copy; only a line split across reads is gathered first, and one with
    // CRs is copied without them. A view lives only for its call.
    template <class OnLine>
    void feed(std::string_view data, OnLine on_line) {
        size_t start = 0;
        while (true) {
            size_t nl = data.find('\n', start);
            if (nl == std::string_view::npos) break;
            std::string_view piece = data.substr(start, nl - start);
            if (partial_.empty()) {
                hand_on(piece, on_line);
            } else {
                partial_.append(piece);
                hand_on(partial_, on_line);
                partial_.clear();
            }
            continues_ = false;
            start = nl + 1;
        }
        std::string_view rest = data.substr(start);
        // Strictly longer: a line of exactly the piece size still ends whole.
        while (partial_.size() + rest.size() > piece_size_) {
            size_t take = piece_size_ - partial_.size();
            partial_.append(rest.substr(0, take));
            rest.remove_prefix(take);
            hand_on(partial_, on_line);
            partial_.clear();
            continues_ = true;
        }
        partial_.append(rest);
    }

    template <class OnLine>
    void flush(OnLine on_line) {
        if (partial_.empty()) return;
        hand_on(partial_, on_line);
        partial_.clear();
        continues_ = false;
    }

private:
    template <class OnLine>
    void hand_on(std::string_view line, OnLine &on_line) {
        std::string_view clean = without_cr(line, scratch_);
        // The rest of a line already passed on in pieces: only its bytes.
        if (continues_ && clean.empty()) return;
        on_line(clean);
    }

    size_t piece_size_;
    bool continues_ = false;  // the line in progress was passed on in part
    std::string partial_;
    std::string scratch_;  // a line's bytes without its CRs, when it has any
};

}  // namespace otto
