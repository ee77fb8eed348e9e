// Splits a byte stream into lines for streaming events: each line without
// its '\n' and without '\r'; the last partial line comes out at flush().
#pragma once

#include <string>
#include <string_view>

#include "util/without_cr.hpp"

namespace otto {

class LineSplitter {
public:
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
                on_line(without_cr(piece, scratch_));
            } else {
                partial_.append(piece);
                on_line(without_cr(partial_, scratch_));
                partial_.clear();
            }
            start = nl + 1;
        }
        partial_.append(data.substr(start));
    }

    template <class OnLine>
    void flush(OnLine on_line) {
        if (partial_.empty()) return;
        on_line(without_cr(partial_, scratch_));
        partial_.clear();
    }

private:
    std::string partial_;
    std::string scratch_;  // a line's bytes without its CRs, when it has any
};

}  // namespace otto
