// Test helpers over the public C API: RAII owners and blocking shortcuts,
// so tests read like the behaviour they check.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "otto.h"

namespace otto_test {

struct ContextDeleter {
    void operator()(otto_context *c) const { EXPECT_EQ(otto_context_free(c), OTTO_OK); }
};
struct HostDeleter {
    void operator()(otto_host *h) const { otto_host_free(h); }
};
struct SessionDeleter {
    void operator()(otto_session *s) const { otto_session_free(s); }
};
struct OpDeleter {
    void operator()(otto_op *o) const { otto_op_free(o); }
};
struct RunOptsDeleter {
    void operator()(otto_run_opts *o) const { otto_run_opts_free(o); }
};
struct CommandsDeleter {
    void operator()(otto_commands *c) const { otto_commands_free(c); }
};
struct HostOptsDeleter {
    void operator()(otto_host_opts *o) const { otto_host_opts_free(o); }
};
struct ContextOptsDeleter {
    void operator()(otto_context_opts *o) const { otto_context_opts_free(o); }
};

using Context = std::unique_ptr<otto_context, ContextDeleter>;
using Host = std::unique_ptr<otto_host, HostDeleter>;
using Session = std::unique_ptr<otto_session, SessionDeleter>;
using Op = std::unique_ptr<otto_op, OpDeleter>;
using RunOpts = std::unique_ptr<otto_run_opts, RunOptsDeleter>;
using Commands = std::unique_ptr<otto_commands, CommandsDeleter>;
using HostOpts = std::unique_ptr<otto_host_opts, HostOptsDeleter>;
using ContextOpts = std::unique_ptr<otto_context_opts, ContextOptsDeleter>;

// Generous bound on any wait: only there to turn a hang into a failure.
constexpr int kHangMs = 60'000;

// A copy of one command result.
struct Cmd {
    std::string command;
    std::string output;
    std::string stderr_output;
    int status = -1;
    int retcode = -2;
    bool timed_out = false;
    double duration = 0;
    std::string signal;
};

// A copy of a run result, or the op's error.
struct Run {
    int error = OTTO_OK;
    std::string error_message;
    int status = -1;
    std::vector<Cmd> commands;
    const Cmd &only() const {
        EXPECT_EQ(commands.size(), 1u);
        return commands.at(0);
    }
};

Cmd copy_cmd(const otto_cmd_result *r);
Run copy_run(otto_op *op);

Context make_context(int dispatch = OTTO_DISPATCH_APP, bool dry_run = false);

// Waits for `op` (failing the test on a hang) and returns a copy of its run
// result.
Run wait_run(otto_op *op);

// Blocking conveniences.
Run run(otto_host *host, const std::string &command, otto_run_opts *opts = nullptr);
Run run(otto_session *session, const std::string &command, otto_run_opts *opts = nullptr);
Run run_list(otto_host *host, const std::vector<std::string> &commands, otto_run_opts *opts = nullptr);
Cmd oneshot(otto_host *host, const std::string &command, otto_run_opts *opts = nullptr);
int send(otto_host *host, const std::string &text);
int send(otto_session *session, const std::string &text);
// Returns the op's error; the match goes to `match`.
int expect(otto_host *host, const std::string &pattern, double timeout, std::string *match = nullptr);
int expect(otto_session *session, const std::string &pattern, double timeout, std::string *match = nullptr);
Session open_session(otto_host *host, const std::string &name, int *error = nullptr);

RunOpts run_opts_with_timeout(double seconds);

// A fresh empty directory, removed at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string &path() const { return path_; }
    std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string read_file(const std::string &path);

// How much the process's resident memory peaks above what it is now: the
// kernel's high-water mark (VmHWM) is reset at construction, so earlier
// tests' peaks do not hide this one's.
class MemoryPeak {
public:
    MemoryPeak();
    long growth_kib() const;

private:
    long start_kib_ = 0;
};

// Built with a sanitizer: every call is slower, so big workloads shrink.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
// Sanitizers' allocators hold freed memory back (quarantine, shadow): the
// process size says nothing there, and memory bounds are checked by the
// plain build.
constexpr bool kMemoryIsMeasurable = !kSanitized;
size_t count_lines(const std::string &path);

}  // namespace otto_test
