#include "util/shell_quote.hpp"

namespace otto {

std::string shell_quote(std::string_view word) {
    std::string quoted = "'";
    for (char c : word) {
        if (c == '\'') quoted += "'\\''";  // close, escaped quote, reopen
        else quoted += c;
    }
    quoted += '\'';
    return quoted;
}

std::string shell_command_line(const std::vector<std::string> &argv) {
    std::string line;
    for (const auto &word : argv) {
        if (!line.empty()) line += ' ';
        line += shell_quote(word);
    }
    return line;
}

}  // namespace otto
