#include "lab/json_path.hpp"

#include <cstdio>

namespace otto::lab {

namespace {

bool is_identifier(std::string_view name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!letter && !(digit && i > 0)) return false;
    }
    return true;
}

}  // namespace

JsonPath JsonPath::member(std::string_view name) const {
    JsonPath p = *this;
    p.segments_.push_back({Kind::member, std::string(name)});
    return p;
}

JsonPath JsonPath::data_key(std::string_view key) const {
    JsonPath p = *this;
    p.segments_.push_back({Kind::data_key, std::string(key)});
    return p;
}

JsonPath JsonPath::index(size_t i) const {
    JsonPath p = *this;
    p.segments_.push_back({Kind::index, {}, i});
    return p;
}

std::string JsonPath::str() const {
    std::string out;
    for (const auto &s : segments_) {
        switch (s.kind) {
            case Kind::index: out += "[" + std::to_string(s.index) + "]"; break;
            case Kind::member:
                if (is_identifier(s.name)) {
                    if (!out.empty()) out += '.';
                    out += s.name;
                    break;
                }
                [[fallthrough]];
            case Kind::data_key: out += "[" + json_quote(s.name) + "]"; break;
        }
    }
    return out;
}

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace otto::lab
