// The session suite runs unchanged over every host kind; each kind says how
// to build a host and what its shell does differently (SESSION-PROTOCOL
// §12.2 lists the rows where pipes and PTYs differ).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "otto_test.hpp"

namespace otto_test {

struct HostKind {
    enum class Transport { Local, Ssh, Telnet };
    std::string name;
    Transport transport = Transport::Local;  // SSH and telnet kinds use the test lab
    // Sets the options that make this kind; tests may add their own after.
    std::function<void(otto_host_opts *)> configure;
    bool pty = true;           // a terminal: ^C, echo, prompts, line limit
    size_t line_limit = 4000;  // 0: none
    bool ash = false;          // BusyBox ash (§4.6 background-job hazard)
    // The shell program, for tests that wrap it to count or slow its starts.
    std::vector<std::string> shell;
    // A one-shot's timeout ends everything the command started (a local
    // process session); over SSH and telnet only the command's own process
    // is signalled.
    bool oneshot_timeout_kills_children = true;
};

std::vector<HostKind> all_host_kinds();

}  // namespace otto_test

namespace otto_lab {
class Lab;
}

namespace otto_test {

// The loopback lab the SSH and telnet kinds use (started on first use).
const otto_lab::Lab &test_lab();

// Builds a host of `kind`; `extra` may set more options.
Host make_host(otto_context *ctx, const HostKind &kind, const std::function<void(otto_host_opts *)> &extra = {});

// A shell command line (for -c) that appends a line to `counter` and sleeps
// `delay` seconds before exec-ing the kind's shell: counts and slows starts.
std::vector<std::string> counting_shell(const HostKind &kind, const std::string &counter, double delay);

// Like counting_shell, but each start waits until `starts` shells have
// started: only shells started concurrently ever get going.
std::vector<std::string> barrier_shell(const HostKind &kind, const std::string &counter, int starts);

std::string kind_name(const ::testing::TestParamInfo<HostKind> &info);

// Test logs show a kind by its name.
inline void PrintTo(const HostKind &kind, std::ostream *os) { *os << kind.name; }

}  // namespace otto_test
