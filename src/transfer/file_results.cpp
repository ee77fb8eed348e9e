#include "transfer/file_results.hpp"

#include <cjson/cJSON.h>

#include "session/result.hpp"
#include "session/result_json.hpp"
#include "util/json_bytes.hpp"

int32_t otto_transfer_result::status() const {
    bool all_notrun = !files.empty();
    for (const auto &f : files) {
        if (f.status == OTTO_STATUS_ERROR) return OTTO_STATUS_ERROR;
        if (f.status != OTTO_STATUS_NOTRUN) all_notrun = false;
    }
    return all_notrun ? OTTO_STATUS_NOTRUN : OTTO_STATUS_SUCCESS;
}

namespace otto {

cJSON *to_json_object(const otto_file_result &result) {
    cJSON *o = cJSON_CreateObject();
    add_bytes(o, "data", result.data);
    cJSON *entries = cJSON_AddArrayToObject(o, "entries");
    for (const auto &e : result.entries) {
        cJSON *item = cJSON_CreateObject();
        add_bytes(item, "name", e.name);
        cJSON_AddNumberToObject(item, "size", static_cast<double>(e.size));
        cJSON_AddNumberToObject(item, "mode", e.mode);
        cJSON_AddNumberToObject(item, "mtime", static_cast<double>(e.mtime));
        cJSON_AddNumberToObject(item, "uid", e.uid);
        cJSON_AddNumberToObject(item, "gid", e.gid);
        cJSON_AddItemToArray(entries, item);
    }
    return o;
}

cJSON *to_json_object(const otto_transfer_result &result) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", status_name(result.status()));
    cJSON *files = cJSON_AddArrayToObject(o, "files");
    for (const auto &f : result.files) {
        cJSON *item = cJSON_CreateObject();
        add_bytes(item, "source", f.source);
        add_bytes(item, "destination", f.destination);
        cJSON_AddStringToObject(item, "status", status_name(f.status));
        cJSON_AddNumberToObject(item, "bytes", static_cast<double>(f.bytes));
        if (f.error != OTTO_OK) {
            cJSON_AddStringToObject(item, "error", f.message.c_str());
            cJSON_AddNumberToObject(item, "code", f.error);
        }
        cJSON_AddItemToArray(files, item);
    }
    return o;
}

std::string to_json(const otto_file_result &result) { return take_json_text(to_json_object(result)); }
std::string to_json(const otto_transfer_result &result) { return take_json_text(to_json_object(result)); }

}  // namespace otto
