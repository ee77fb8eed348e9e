#include "session/result_json.hpp"

#include <cjson/cJSON.h>

#include <memory>
#include <stdexcept>
#include <string_view>

namespace otto {

namespace {

using JsonPtr = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;

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

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < bytes.size()) {
        uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// Text as a JSON string when it is UTF-8 without NULs, else as base64 under
// "<name>_base64".
void add_bytes(cJSON *object, const char *name, std::string_view bytes) {
    if (is_utf8(bytes) && bytes.find('\0') == std::string_view::npos) {
        cJSON_AddStringToObject(object, name, std::string(bytes).c_str());
    } else {
        cJSON_AddStringToObject(object, (std::string(name) + "_base64").c_str(), base64(bytes).c_str());
    }
}

}  // namespace

cJSON *to_json_object(const CommandResult &r) {
    cJSON *o = cJSON_CreateObject();
    add_bytes(o, "command", r.command);
    cJSON_AddStringToObject(o, "status", status_name(r.status));
    cJSON_AddBoolToObject(o, "is_ok", status_is_ok(r.status));
    cJSON_AddNumberToObject(o, "retcode", r.retcode);
    cJSON_AddBoolToObject(o, "timed_out", r.timed_out);
    cJSON_AddNumberToObject(o, "duration", r.duration);
    add_bytes(o, "output", r.output);
    if (!r.stderr_output.empty()) add_bytes(o, "stderr", r.stderr_output);
    if (!r.signal.empty()) cJSON_AddStringToObject(o, "signal", r.signal.c_str());
    return o;
}

std::string take_json_text(cJSON *root) {
    JsonPtr owner(root, cJSON_Delete);
    char *text = cJSON_PrintUnformatted(root);
    if (text == nullptr) throw std::bad_alloc();
    std::string out(text);
    cJSON_free(text);
    return out;
}

cJSON *to_json_object(const RunResult &result) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", status_name(result.status));
    cJSON_AddBoolToObject(o, "is_ok", status_is_ok(result.status));
    cJSON *commands = cJSON_AddArrayToObject(o, "commands");
    for (const auto &c : result.commands) cJSON_AddItemToArray(commands, to_json_object(c));
    return o;
}

std::string to_json(const CommandResult &result) { return take_json_text(to_json_object(result)); }

std::string to_json(const RunResult &result) { return take_json_text(to_json_object(result)); }

}  // namespace otto
