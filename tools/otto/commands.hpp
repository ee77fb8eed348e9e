// The subcommands. Each returns the process's exit code.
#pragma once

#include <string>
#include <vector>

#include "live_output.hpp"
#include "otto.h"

namespace otto_cli {

struct FanoutArgs {
    enum class Mode { Run, Exec, Put, Get } mode = Mode::Run;
    std::string hosts;  // the regex; empty: every host
    bool serial = false;
    size_t limit = 0;
    double timeout = 0;  // 0: the hosts' own command timeout
    bool include_local = false;
    bool json = false;
    std::vector<std::string> command;  // run, exec; put and get: the files, then the directory
};

// `otto run`: each argument a command, run in order in each host's
// persistent shell. `otto exec`: the arguments joined into one command line,
// run as a one-shot. `otto put`: local files into a directory on each host.
// `otto get`: files of each host into DIR/<host id>/.
int fanout_command(otto_context *ctx, const FanoutArgs &args, const OutputStyle &style);

// Throws CliError(kExitUsage) saying what is wrong when the operands make no
// fan-out: no command; for put and get, not files and a directory, or files
// the transfers would refuse on every host (otto_put_check, otto_get_check).
// Contacts no host.
void check_operands(const FanoutArgs &args);

// `otto hosts`: the lab's hosts, as a table or JSON.
int hosts_command(otto_context *ctx, bool json);

// The exit code for a worst status: its value, 0 for the ok ones.
int exit_code_for(int32_t status);

}  // namespace otto_cli
