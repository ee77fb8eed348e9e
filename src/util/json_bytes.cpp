#include "util/json_bytes.hpp"

#include <cjson/cJSON.h>

#include <cstdint>
#include <string>

#include "util/base64.hpp"

namespace otto {

bool is_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else return false;
        if (i + extra >= s.size()) return false;
        for (size_t k = 1; k <= extra; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
        i += extra + 1;
    }
    return true;
}

void add_bytes(cJSON *object, const char *name, std::string_view bytes) {
    if (is_utf8(bytes) && bytes.find('\0') == std::string_view::npos) {
        cJSON_AddStringToObject(object, name, std::string(bytes).c_str());
    } else {
        cJSON_AddStringToObject(object, (std::string(name) + "_base64").c_str(), base64_lines(bytes, 0).c_str());
    }
}

}  // namespace otto
