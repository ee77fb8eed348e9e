#include "fleet/fanout_result.hpp"

#include <cjson/cJSON.h>

#include "session/result.hpp"
#include "session/result_json.hpp"
#include "transfer/file_results.hpp"

namespace otto::fleet {

namespace {

int rank(int32_t status) {
    switch (status) {
        case OTTO_STATUS_SUCCESS: return 0;
        case OTTO_STATUS_SKIPPED: return 1;
        case OTTO_STATUS_NOTRUN: return 2;
        case OTTO_STATUS_FAILED: return 3;
        default: return 4;  // Error, and anything unknown
    }
}

cJSON *entry_object(const Operation &op) {
    if (op.error() != OTTO_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "status", status_name(OTTO_STATUS_ERROR));
        cJSON_AddStringToObject(o, "error", op.error_message());
        cJSON_AddNumberToObject(o, "code", op.error());
        return o;
    }
    if (auto *run = std::get_if<std::shared_ptr<const otto_run_result>>(&op.payload())) return to_json_object(**run);
    if (auto *cmd = std::get_if<std::shared_ptr<const otto_cmd_result>>(&op.payload())) return to_json_object(**cmd);
    if (auto *t = std::get_if<std::shared_ptr<const otto_transfer_result>>(&op.payload())) return to_json_object(**t);
    if (auto *f = std::get_if<std::shared_ptr<const otto_file_result>>(&op.payload())) return to_json_object(**f);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", status_name(OTTO_STATUS_SUCCESS));
    return o;
}

}  // namespace

int32_t op_status(const Operation &op) {
    if (op.error() != OTTO_OK) return OTTO_STATUS_ERROR;
    if (auto *run = std::get_if<std::shared_ptr<const otto_run_result>>(&op.payload())) return (*run)->status;
    if (auto *cmd = std::get_if<std::shared_ptr<const otto_cmd_result>>(&op.payload())) return (*cmd)->status;
    if (auto *t = std::get_if<std::shared_ptr<const otto_transfer_result>>(&op.payload())) return (*t)->status();
    return OTTO_STATUS_SUCCESS;
}

int32_t worse_status(int32_t a, int32_t b) { return rank(b) > rank(a) ? b : a; }

int32_t worst_status(const otto_fanout_result &result) {
    int32_t worst = OTTO_STATUS_SUCCESS;
    for (const auto &e : result.entries) worst = worse_status(worst, op_status(*e.op));
    return worst;
}

std::string to_json(const otto_fanout_result &result) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "lab", result.lab.c_str());
    cJSON_AddStringToObject(root, "status", status_name(worst_status(result)));
    cJSON *hosts = cJSON_AddObjectToObject(root, "hosts");
    for (const auto &e : result.entries) cJSON_AddItemToObject(hosts, e.host.c_str(), entry_object(*e.op));
    return take_json_text(root);
}

}  // namespace otto::fleet
