// A line without its carriage returns, for the session reader and the
// one-shot line splitter alike.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace otto {

// `line` without any '\r': `line` itself when it has none (most lines, so
// no copy), else its bytes copied into `scratch` without them.
inline std::string_view without_cr(std::string_view line, std::string &scratch) {
    size_t cr = line.find('\r');
    if (cr == std::string_view::npos) return line;
    scratch.assign(line.substr(0, cr));
    // Copies the runs between CRs whole: a PTY ends every line in one.
    for (size_t from = cr + 1; from < line.size();) {
        size_t next = std::min(line.find('\r', from), line.size());
        scratch.append(line.substr(from, next - from));
        from = next + 1;
    }
    return scratch;
}

}  // namespace otto
