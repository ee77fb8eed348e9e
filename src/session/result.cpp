#include "session/result.hpp"

namespace otto {

int32_t aggregate_status(const std::vector<CommandResult> &commands) {
    for (const auto &c : commands)
        if (!status_is_ok(c.status)) return c.status;
    return OTTO_STATUS_SUCCESS;
}

CommandResult unsent_result(const std::string &command, int32_t status, std::string output, bool timed_out) {
    CommandResult r;
    r.command = command;
    r.status = status;
    r.retcode = -1;
    r.output = std::move(output);
    r.timed_out = timed_out;
    return r;
}

const char *status_name(int32_t status) {
    switch (status) {
        case OTTO_STATUS_SUCCESS: return "Success";
        case OTTO_STATUS_FAILED: return "Failed";
        case OTTO_STATUS_ERROR: return "Error";
        case OTTO_STATUS_SKIPPED: return "Skipped";
        case OTTO_STATUS_NOTRUN: return "NotRun";
        default: return "Unknown";
    }
}

}  // namespace otto
