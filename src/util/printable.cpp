#include "util/printable.hpp"

namespace otto {

namespace {

void append_printable(std::string &out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
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

bool blank_or_control(char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }

}  // namespace

std::string printable(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) append_printable(out, c);
    return out;
}

std::string printable_tail(std::string_view bytes, size_t keep) {
    if (bytes.size() > keep) bytes = bytes.substr(bytes.size() - keep);
    return printable(bytes);
}

std::string printable_excerpt(std::string_view bytes, size_t max_chars) {
    while (!bytes.empty() && blank_or_control(bytes.front())) bytes.remove_prefix(1);
    while (!bytes.empty() && blank_or_control(bytes.back())) bytes.remove_suffix(1);
    static constexpr std::string_view kCut = "...";
    std::string out;
    size_t fits_with_cut = 0;  // the longest whole-escape prefix that leaves room for kCut
    for (unsigned char c : bytes) {
        append_printable(out, c);
        if (out.size() + kCut.size() <= max_chars) fits_with_cut = out.size();
        if (out.size() > max_chars) {
            out.resize(fits_with_cut);
            out += kCut;
            break;
        }
    }
    return out;
}

}  // namespace otto
