// Splits a byte stream into lines for streaming events: each line without
// its '\n' and without '\r'; the last partial line comes out at flush().
#pragma once

#include <string>
#include <string_view>

namespace otto {

class LineSplitter {
public:
    // Lines that arrive whole are handed on as views of `data`, without a
    // copy; only a line split across reads is gathered first.
    template <class OnLine>
    void feed(std::string_view data, OnLine on_line) {
        size_t start = 0;
        while (true) {
            size_t nl = data.find('\n', start);
            if (nl == std::string_view::npos) break;
            std::string_view piece = data.substr(start, nl - start);
            if (partial_.empty()) {
                emit(piece, on_line);
            } else {
                partial_.append(piece);
                emit(partial_, on_line);
                partial_.clear();
            }
            start = nl + 1;
        }
        partial_.append(data.substr(start));
    }

    template <class OnLine>
    void flush(OnLine on_line) {
        if (partial_.empty()) return;
        emit(partial_, on_line);
        partial_.clear();
    }

private:
    // `line` as it is when it holds no '\r' (the usual case), else a copy
    // without them. The view lives only for the call.
    template <class OnLine>
    static void emit(std::string_view line, OnLine &on_line) {
        if (line.find('\r') == std::string_view::npos) {
            on_line(line);
            return;
        }
        std::string clean;
        clean.reserve(line.size());
        for (char c : line)
            if (c != '\r') clean.push_back(c);
        on_line(std::string_view(clean));
    }

    std::string partial_;
};

}  // namespace otto
