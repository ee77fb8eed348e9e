#include "util/base64.hpp"

namespace otto {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string base64_lines(std::string_view data, size_t line_length) {
    std::string out;
    size_t encoded = (data.size() + 2) / 3 * 4;
    out.reserve(encoded + (line_length > 0 ? encoded / line_length + 1 : 0));
    size_t column = 0;
    auto put = [&](char c) {
        out += c;
        if (++column == line_length) {
            out += '\n';
            column = 0;
        }
    };
    size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        uint32_t v = static_cast<uint8_t>(data[i]) << 16 | static_cast<uint8_t>(data[i + 1]) << 8 |
                     static_cast<uint8_t>(data[i + 2]);
        put(kAlphabet[v >> 18 & 63]);
        put(kAlphabet[v >> 12 & 63]);
        put(kAlphabet[v >> 6 & 63]);
        put(kAlphabet[v & 63]);
    }
    if (size_t rest = data.size() - i; rest > 0) {
        uint32_t v = static_cast<uint8_t>(data[i]) << 16;
        if (rest == 2) v |= static_cast<uint8_t>(data[i + 1]) << 8;
        put(kAlphabet[v >> 18 & 63]);
        put(kAlphabet[v >> 12 & 63]);
        put(rest == 2 ? kAlphabet[v >> 6 & 63] : '=');
        put('=');
    }
    if (column != 0 && line_length > 0) out += '\n';
    return out;
}

bool Base64Decoder::feed(std::string_view text, std::string &out) {
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (c == '=') {
            // Padding ends a quantum of 2 or 3 characters, and the data.
            if (ended_ || pending_ < 2) return false;
            if (pending_ + ++padding_ < 4) continue;
            if (pending_ == 2) {
                out += static_cast<char>(bits_ >> 4 & 0xff);
            } else {
                out += static_cast<char>(bits_ >> 10 & 0xff);
                out += static_cast<char>(bits_ >> 2 & 0xff);
            }
            bits_ = 0;
            pending_ = 0;
            padding_ = 0;
            ended_ = true;
            continue;
        }
        int v = value_of(c);
        if (v < 0 || padding_ > 0 || ended_) return false;
        bits_ = bits_ << 6 | static_cast<uint32_t>(v);
        if (++pending_ == 4) {
            out += static_cast<char>(bits_ >> 16 & 0xff);
            out += static_cast<char>(bits_ >> 8 & 0xff);
            out += static_cast<char>(bits_ & 0xff);
            bits_ = 0;
            pending_ = 0;
        }
    }
    return true;
}

}  // namespace otto
