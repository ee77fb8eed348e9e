// Bytes in JSON: UTF-8 text as a string, anything else as base64.
#pragma once

#include <string>
#include <string_view>

struct cJSON;

namespace otto {

bool is_utf8(std::string_view bytes);
// Adds `bytes` to `object` as the string `name` when they are UTF-8 without
// NULs, else base64-encoded as "<name>_base64".
void add_bytes(cJSON *object, const char *name, std::string_view bytes);

}  // namespace otto
