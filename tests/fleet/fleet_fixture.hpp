// The lab the fleet tests share: two sshd and three telnet consoles on
// loopback, written as otto lab "fleet" (tests/lab), plus helpers to open
// contexts on it and wait for fan-outs.
#pragma once

#include <string>
#include <vector>

#include "lab.hpp"
#include "otto_test.hpp"

namespace otto_test {

otto_lab::Lab &fleet_lab();
// The directory holding the lab file (lab.json) of lab "fleet".
const std::string &fleet_lab_dir();
// The ids the lab file gives, in file order (local not included).
std::vector<std::string> fleet_remote_ids();

struct FanoutOptsDeleter {
    void operator()(otto_fanout_opts *o) const { otto_fanout_opts_free(o); }
};
using FanoutOpts = std::unique_ptr<otto_fanout_opts, FanoutOptsDeleter>;

struct ContextSettings {
    std::string lab = "fleet";
    std::vector<std::string> paths;  // empty: fleet_lab_dir()
    std::string json;                // set: the lab as JSON text instead
    int dispatch = OTTO_DISPATCH_APP;
    bool dry_run = false;
    otto_log_cb log = nullptr;
    void *log_data = nullptr;
    size_t log_queue = 0;  // the capacity of the context's log queue; 0: none

    ContextSettings &with_lab(std::string name) { return lab = std::move(name), *this; }
    ContextSettings &with_paths(std::vector<std::string> p) { return paths = std::move(p), *this; }
    ContextSettings &with_json(std::string text) { return json = std::move(text), *this; }
    ContextSettings &on_loop_thread() { return dispatch = OTTO_DISPATCH_LOOP, *this; }
    ContextSettings &as_dry_run() { return dry_run = true, *this; }
    ContextSettings &logging_to(otto_log_cb cb, void *data) { return log = cb, log_data = data, *this; }
    ContextSettings &queueing_log(size_t capacity) { return log_queue = capacity, *this; }
};

// The context, or null with `error` (and the last error message) set.
Context open_lab_context(const ContextSettings &settings, int *error = nullptr);

FanoutOpts fanout_opts(const std::string &hosts_regex = "", bool include_local = false);

// Waits for a fan-out op (a hang fails the test).
void wait_fanout(otto_op *op);

// host id -> that host's op, in result order.
std::vector<std::pair<std::string, otto_op *>> fanout_entries(otto_op *op);

}  // namespace otto_test
