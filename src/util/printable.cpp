#include "util/printable.hpp"

namespace otto {

std::string printable(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else out += static_cast<char>(c);
    }
    return out;
}

std::string printable_tail(std::string_view bytes, size_t keep) {
    if (bytes.size() > keep) bytes = bytes.substr(bytes.size() - keep);
    return printable(bytes);
}

}  // namespace otto
