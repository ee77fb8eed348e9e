// Everything a host needs to know about itself, fixed at creation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "otto.h"
#include "session/shell.hpp"

namespace otto {

struct HostConfig {
    std::string id = "local";
    int32_t kind = OTTO_HOST_LOCAL;
    bool keep_history = false;
    int32_t frame = OTTO_FRAME_BASH;
    int32_t log_mode = OTTO_LOG_MODE_NORMAL;
    ShellTimings timings;
    double command_timeout = 30.0;
    double handshake_retry_delay = 2.0;
    double close_exit_wait = 1.0;
    double close_term_wait = 5.0;

    // Local host
    bool pty = true;
    std::vector<std::string> shell_argv{"bash", "--norc", "--noprofile"};
};

}  // namespace otto
