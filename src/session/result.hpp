// Command and run results: plain values, immutable once an op completes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "otto.h"

struct otto_cmd_result {
    std::string command;
    std::string output;
    std::string stderr_output;  // one-shots only
    int32_t status = OTTO_STATUS_NOTRUN;
    int32_t retcode = -1;
    bool timed_out = false;
    double duration = 0.0;
    std::string signal;  // one-shots ended by a signal: "KILL"
    // Not part of the result: the command could not be followed (the loop
    // ran out of memory reading it), and its op fails with this code, the
    // output being the message.
    int op_error = 0;
};

struct otto_run_result {
    int32_t status = OTTO_STATUS_SUCCESS;
    std::vector<otto_cmd_result> commands;
};

namespace otto {

using CommandResult = ::otto_cmd_result;
using RunResult = ::otto_run_result;

inline bool status_is_ok(int32_t status) { return status == OTTO_STATUS_SUCCESS || status == OTTO_STATUS_SKIPPED; }

// Aggregate status: the first non-ok one, else Success.
int32_t aggregate_status(const std::vector<CommandResult> &commands);

// A result for a command that was never written to a shell.
CommandResult unsent_result(const std::string &command, int32_t status, std::string output, bool timed_out = false);

const char *status_name(int32_t status);

}  // namespace otto
