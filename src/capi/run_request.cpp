#include "capi/run_request.hpp"

#include <mutex>

namespace otto {

namespace {

std::vector<Expect> compile_expects(const std::vector<ExpectSpec> &specs) {
    std::vector<Expect> expects;
    for (const auto &spec : specs)
        expects.push_back({Pattern::compile(spec.pattern, spec.flags), spec.response, spec.flags});
    return expects;
}

}  // namespace

RunRequest run_request(const otto_commands *commands, const char *single, const otto_run_opts *opts) {
    RunRequest r;
    if (opts != nullptr) {
        std::lock_guard lock(opts->mutex);
        r.settings.budget = opts->timeout;
        r.settings.expects = compile_expects(opts->expects);
        r.settings.retain_limit = opts->output_limit;
        r.events = opts->events;
    }
    if (single != nullptr) {
        r.items.push_back({single, std::nullopt, std::nullopt});
    } else {
        std::lock_guard lock(commands->mutex);
        for (const auto &item : commands->items) {
            CommandItem c{item.command, item.timeout, std::nullopt};
            if (item.expects) c.expects = compile_expects(*item.expects);
            r.items.push_back(std::move(c));
        }
    }
    return r;
}

OneshotRequest oneshot_request(const char *command, const otto_run_opts *opts) {
    OneshotRequest r;
    r.spec.command = command;
    if (opts != nullptr) {
        std::lock_guard lock(opts->mutex);
        r.timeout = opts->timeout;
        r.spec.retain_limit = opts->output_limit;
        r.events = opts->events;
    }
    return r;
}

}  // namespace otto
