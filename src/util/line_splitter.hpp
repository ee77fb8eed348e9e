// Splits a byte stream into lines for streaming events: each line without
// its '\n' and without '\r'; the last partial line comes out at flush().
#pragma once

#include <string>
#include <string_view>

namespace otto {

class LineSplitter {
public:
    template <class OnLine>
    void feed(std::string_view data, OnLine on_line) {
        size_t start = 0;
        while (true) {
            size_t nl = data.find('\n', start);
            if (nl == std::string_view::npos) break;
            partial_.append(data.substr(start, nl - start));
            emit(on_line);
            start = nl + 1;
        }
        partial_.append(data.substr(start));
    }

    template <class OnLine>
    void flush(OnLine on_line) {
        if (!partial_.empty()) emit(on_line);
    }

private:
    template <class OnLine>
    void emit(OnLine &on_line) {
        std::string line;
        line.reserve(partial_.size());
        for (char c : partial_)
            if (c != '\r') line.push_back(c);
        partial_.clear();
        on_line(std::string_view(line));
    }

    std::string partial_;
};

}  // namespace otto
