// A context's lab: its hosts by id and in order, and reservations.
#include <cjson/cJSON.h>

#include "capi/api_guard.hpp"
#include "capi/handles.hpp"
#include "fleet/lab_host_config.hpp"
#include "host/host.hpp"
#include "lab/reservations.hpp"
#include "session/result_json.hpp"

using otto::fail;
using otto::guarded;
using otto::require;

namespace {

const char *kind_name(int32_t kind) {
    switch (kind) {
        case OTTO_HOST_SSH: return "ssh";
        case OTTO_HOST_TELNET: return "telnet";
        default: return "local";
    }
}

cJSON *strings(const std::vector<std::string> &items) {
    cJSON *array = cJSON_CreateArray();
    for (const auto &s : items) cJSON_AddItemToArray(array, cJSON_CreateString(s.c_str()));
    return array;
}

cJSON *host_object(const otto::lab::LabHost &host) {
    otto::fleet::LabHostConfig made = otto::fleet::host_config_for(host);
    const otto::HostConfig &c = made.config;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", host.id.c_str());
    cJSON_AddStringToObject(o, "name", host.name.c_str());
    cJSON_AddStringToObject(o, "kind", kind_name(c.kind));
    if (c.kind != OTTO_HOST_LOCAL) {
        cJSON_AddStringToObject(o, "address", c.address.c_str());
        cJSON_AddNumberToObject(o, "port", c.port);
        cJSON_AddStringToObject(o, "user", c.user.c_str());
    }
    cJSON_AddItemToObject(o, "labs", strings(host.labs));
    cJSON_AddItemToObject(o, "resources", strings(host.resources));
    if (made.unsupported) cJSON_AddStringToObject(o, "unsupported", made.unsupported.message.c_str());
    return o;
}

}  // namespace

extern "C" {

const char *otto_context_lab_name(const otto_context *ctx) {
    return ctx != nullptr ? ctx->lab->lab().name.c_str() : "";
}

size_t otto_context_host_count(const otto_context *ctx) { return ctx != nullptr ? ctx->lab->size() : 0; }

const char *otto_context_host_id(const otto_context *ctx, size_t index) {
    if (ctx == nullptr || index >= ctx->lab->size()) return nullptr;
    return ctx->lab->lab().hosts[index].id.c_str();
}

int otto_context_get_host(otto_host **out, otto_context *ctx, const char *id) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        require(ctx, "ctx");
        require(id, "id");
        auto index = ctx->lab->find(id);
        if (!index) {
            std::string lab = ctx->lab_loaded ? "lab \"" + ctx->lab->lab().name + "\"" : "the context (no lab)";
            fail(OTTO_ENOTFOUND,
                 std::string("no host \"") + id + "\" in " + lab + "; its hosts: " + ctx->lab->known_ids());
        }
        otto::Error error;
        auto host = ctx->lab->host(*index, error);
        if (!host) fail(error.code, error.message);
        *out = host.get();
        return OTTO_OK;
    });
}

int otto_context_hosts_to_json(char **out, const otto_context *ctx) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        require(ctx, "ctx");
        cJSON *array = cJSON_CreateArray();
        for (const auto &h : ctx->lab->lab().hosts) cJSON_AddItemToArray(array, host_object(h));
        return otto::hand_out(out, otto::take_json_text(array));
    });
}

int otto_context_check_reservations(otto_context *ctx, const char *reservations_file, const char *user) {
    return guarded([&]() -> int {
        require(ctx, "ctx");
        require(reservations_file, "reservations_file");
        std::optional<std::string> who;
        if (user != nullptr) who = user;
        auto check = otto::lab::check_reservations(reservations_file, ctx->lab->lab(), who);
        switch (check.status) {
            case otto::lab::ReservationStatus::held: return OTTO_OK;
            case otto::lab::ReservationStatus::missing: fail(OTTO_ERESERVATION, check.message);
            case otto::lab::ReservationStatus::backend_error: break;
        }
        fail(OTTO_ERESBACKEND, check.message);
    });
}

}  // extern "C"
