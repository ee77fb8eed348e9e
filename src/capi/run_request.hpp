// A run as the C API describes it (one command or a list, with run options),
// turned into what a RunJob takes. Shared by host, session and fan-out calls.
#pragma once

#include <optional>
#include <vector>

#include "capi/handles.hpp"
#include "host/host_backend.hpp"
#include "host/host_config.hpp"
#include "session/run_job.hpp"

namespace otto {

struct RunRequest {
    std::vector<CommandItem> items;
    RunSettings settings;
    EventSink events;
};

// Either `single` or `commands` (the other NULL). Compiles the expects, so a
// bad pattern fails the submitting call.
RunRequest run_request(const otto_commands *commands, const char *single, const otto_run_opts *opts);

// A one-shot as the C API describes it; its timeout defaults per host.
struct OneshotRequest {
    OneshotSpec spec;
    std::optional<double> timeout;  // unset: the host's command timeout
    EventSink events;

    OneshotSpec for_host(const HostConfig &config) const {
        OneshotSpec s = spec;
        s.timeout = timeout.value_or(config.command_timeout);
        return s;
    }
};

OneshotRequest oneshot_request(const char *command, const otto_run_opts *opts);

}  // namespace otto
