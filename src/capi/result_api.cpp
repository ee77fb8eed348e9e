// Read-only views of results, events and log entries, and their JSON.
#include <cstdlib>
#include <cstring>

#include "capi/api_guard.hpp"
#include "loop/records.hpp"
#include "session/result.hpp"
#include "session/result_json.hpp"

using otto::fail;
using otto::guarded;
using otto::require;

namespace {

const char *bytes_of(const std::string &s, size_t *len) {
    if (len) *len = s.size();
    return s.c_str();
}

}  // namespace

extern "C" {

int otto_status_is_ok(int32_t status) { return otto::status_is_ok(status) ? 1 : 0; }

const char *otto_status_name(int32_t status) { return otto::status_name(status); }

int32_t otto_run_result_status(const otto_run_result *result) {
    return result != nullptr ? result->status : OTTO_STATUS_ERROR;
}

size_t otto_run_result_count(const otto_run_result *result) { return result != nullptr ? result->commands.size() : 0; }

const otto_cmd_result *otto_run_result_get(const otto_run_result *result, size_t index) {
    if (result == nullptr || index >= result->commands.size()) return nullptr;
    return &result->commands[index];
}

int otto_run_result_only(const otto_cmd_result **out, const otto_run_result *result) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        require(result, "result");
        if (result->commands.size() != 1)
            fail(OTTO_EINVAL,
                 "the run holds " + std::to_string(result->commands.size()) + " command results, not exactly one");
        *out = &result->commands.front();
        return OTTO_OK;
    });
}

const char *otto_cmd_result_command(const otto_cmd_result *r) { return r != nullptr ? r->command.c_str() : ""; }

const char *otto_cmd_result_output(const otto_cmd_result *r, size_t *len) {
    if (r == nullptr) {
        if (len) *len = 0;
        return "";
    }
    return bytes_of(r->output, len);
}

const char *otto_cmd_result_stderr(const otto_cmd_result *r, size_t *len) {
    if (r == nullptr) {
        if (len) *len = 0;
        return "";
    }
    return bytes_of(r->stderr_output, len);
}

int32_t otto_cmd_result_status(const otto_cmd_result *r) { return r != nullptr ? r->status : OTTO_STATUS_ERROR; }
int32_t otto_cmd_result_retcode(const otto_cmd_result *r) { return r != nullptr ? r->retcode : -1; }
int otto_cmd_result_timed_out(const otto_cmd_result *r) { return r != nullptr && r->timed_out ? 1 : 0; }
double otto_cmd_result_duration(const otto_cmd_result *r) { return r != nullptr ? r->duration : 0.0; }

const char *otto_cmd_result_signal(const otto_cmd_result *r) {
    return r != nullptr && !r->signal.empty() ? r->signal.c_str() : nullptr;
}

int otto_run_result_to_json(char **out, const otto_run_result *result) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        return otto::hand_out(out, otto::to_json(*require(result, "result")));
    });
}

int otto_cmd_result_to_json(char **out, const otto_cmd_result *result) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        return otto::hand_out(out, otto::to_json(*require(result, "result")));
    });
}

int32_t otto_event_kind(const otto_event *event) { return event != nullptr ? event->kind : -1; }

const char *otto_event_data(const otto_event *event, size_t *len) {
    if (event == nullptr) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = event->size;
    return event->data;
}

size_t otto_event_command_index(const otto_event *event) { return event != nullptr ? event->command_index : 0; }

void otto_event_progress(const otto_event *event, uint64_t *done, uint64_t *total) {
    bool progress = event != nullptr && event->kind == OTTO_EVENT_PROGRESS;
    if (done != nullptr) *done = progress ? event->done : 0;
    if (total != nullptr) *total = progress ? event->total : 0;
}

int32_t otto_log_entry_level(const otto_log_entry *e) { return e != nullptr ? e->level : -1; }
int32_t otto_log_entry_kind(const otto_log_entry *e) { return e != nullptr ? e->kind : -1; }
const char *otto_log_entry_host(const otto_log_entry *e) { return e != nullptr ? e->host.c_str() : ""; }
const char *otto_log_entry_session(const otto_log_entry *e) { return e != nullptr ? e->session.c_str() : ""; }

const char *otto_log_entry_text(const otto_log_entry *e, size_t *len) {
    if (e == nullptr) {
        if (len) *len = 0;
        return "";
    }
    return bytes_of(e->text, len);
}

void otto_log_entry_free(otto_log_entry *entry) { delete entry; }

}  // extern "C"
