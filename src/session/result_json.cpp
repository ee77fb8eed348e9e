#include "session/result_json.hpp"

#include <cjson/cJSON.h>

#include <memory>
#include <stdexcept>
#include <string_view>

#include "util/json_bytes.hpp"

namespace otto {

namespace {

using JsonPtr = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;

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
