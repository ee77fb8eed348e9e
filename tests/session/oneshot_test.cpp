// One-shot commands: fresh processes, concurrent, stdout and stderr apart.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "session_fixture.hpp"

namespace otto_test {
namespace {

class Oneshot : public SessionTest {};

TEST_P(Oneshot, FreshProcessWithSeparateStreams) {
    auto c = oneshot(host(), "echo out; echo err >&2; exit 3");
    EXPECT_EQ(c.status, OTTO_STATUS_FAILED);
    EXPECT_EQ(c.retcode, 3);
    EXPECT_EQ(c.output, "out\n");
    EXPECT_EQ(c.stderr_output, "err\n");
    EXPECT_EQ(c.command, "echo out; echo err >&2; exit 3");
    EXPECT_EQ(oneshot(host(), "true").status, OTTO_STATUS_SUCCESS);
}

TEST_P(Oneshot, SharesNoStateWithTheSessionOrEachOther) {
    ASSERT_EQ(run(host(), "cd /tmp; export OTTO_SHARED=yes").only().status, OTTO_STATUS_SUCCESS);
    auto c = oneshot(host(), "cd /var; echo \"[$OTTO_SHARED]\"");
    EXPECT_EQ(c.output, "[]\n");
    EXPECT_NE(oneshot(host(), "pwd").output, "/var\n");
    EXPECT_EQ(run(host(), "pwd").only().output, "/tmp");
}

TEST_P(Oneshot, RunConcurrently) {
    // Each waits for the other's file: only concurrent execution finishes.
    TempDir dir;
    std::string a = dir.file("a"), b = dir.file("b");
    std::string first = "touch " + a + "; while [ ! -e " + b + " ]; do sleep 0.01; done; echo one";
    std::string second = "touch " + b + "; while [ ! -e " + a + " ]; do sleep 0.01; done; echo two";
    auto opts = run_opts_with_timeout(20);
    otto_op *r1 = nullptr, *r2 = nullptr;
    ASSERT_EQ(otto_host_oneshot(&r1, host(), first.c_str(), opts.get(), nullptr, nullptr), OTTO_OK);
    ASSERT_EQ(otto_host_oneshot(&r2, host(), second.c_str(), opts.get(), nullptr, nullptr), OTTO_OK);
    Op op1(r1), op2(r2);
    ASSERT_EQ(otto_op_wait(op1.get(), kHangMs), OTTO_OK);
    ASSERT_EQ(otto_op_wait(op2.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(copy_cmd(otto_op_cmd_result(op1.get())).output, "one\n");
    EXPECT_EQ(copy_cmd(otto_op_cmd_result(op2.get())).output, "two\n");
}

TEST_P(Oneshot, TimeoutKillsEverythingItStarted) {
    TempDir dir;
    // Connected first: over SSH the timeout would otherwise cover the login.
    ASSERT_EQ(oneshot(host(), "true").status, OTTO_STATUS_SUCCESS);
    auto opts = run_opts_with_timeout(1.0);
    std::string marker = dir.file("survivor"), pid_file = dir.file("pid");
    auto c = oneshot(host(), "echo $$ > " + pid_file + "; echo partial; (sleep 2; touch " + marker + ") & sleep 999",
                     opts.get());
    EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(c.retcode, -1);
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.output, "timed out after 1 s\npartial\n");
    if (!kind().oneshot_timeout_kills_children) {
        // Nothing on this transport ends them: the test does, by the process
        // group of the shell it started (its own session, from sshd).
        pid_t shell = static_cast<pid_t>(std::atol(read_file(pid_file).c_str()));
        ASSERT_GT(shell, 1);
        if (kill(-shell, SIGKILL) != 0) kill(shell, SIGKILL);
        return;
    }
    // The background child was killed with the rest of the session.
    auto check = oneshot(host(), "sleep 2.5; test -e " + marker + " && echo survived || echo gone");
    EXPECT_EQ(check.output, "gone\n");
}

TEST_P(Oneshot, SignalEndsAreReported) {
    auto c = oneshot(host(), "kill -TERM $$");
    EXPECT_EQ(c.status, OTTO_STATUS_FAILED);
    EXPECT_EQ(c.retcode, 128 + 15);
    EXPECT_EQ(c.signal, "TERM");
}

TEST_P(Oneshot, StreamsStdoutAndStderrLinesApart) {
    struct Seen {
        std::vector<std::pair<int, std::string>> events;
        static void on_event(otto_op *, const otto_event *ev, void *ud) {
            size_t len = 0;
            const char *d = otto_event_data(ev, &len);
            static_cast<Seen *>(ud)->events.emplace_back(otto_event_kind(ev), std::string(d, len));
        }
    } seen;
    otto_run_opts *raw = nullptr;
    ASSERT_EQ(otto_run_opts_new(&raw), OTTO_OK);
    RunOpts opts(raw);
    otto_run_opts_set_event_cb(opts.get(), &Seen::on_event, &seen);
    otto_op *raw_op = nullptr;
    ASSERT_EQ(otto_host_oneshot(&raw_op, host(), "echo a; sleep 0.1; echo b >&2; sleep 0.1; printf c", opts.get(),
                                nullptr, nullptr),
              OTTO_OK);
    Op op(raw_op);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    auto c = copy_cmd(otto_op_cmd_result(op.get()));
    // App-mode dispatch, before the op is freed (afterwards none of its
    // callbacks would run).
    size_t ran = 0;
    otto_context_dispatch(&ran, ctx(), 0);
    ASSERT_EQ(seen.events.size(), 3u);
    EXPECT_EQ(seen.events[0], std::make_pair(int{OTTO_EVENT_OUTPUT_LINE}, std::string("a")));
    EXPECT_EQ(seen.events[1], std::make_pair(int{OTTO_EVENT_STDERR_LINE}, std::string("b")));
    EXPECT_EQ(seen.events[2], std::make_pair(int{OTTO_EVENT_OUTPUT_LINE}, std::string("c")));
    EXPECT_EQ(c.output, "a\nc");
}

// A console one-shot reads its output back through a shell loop line by
// line: 100 MB in one line, or millions of lines, are beyond its purpose.
bool console(const HostKind &kind) { return kind.transport == HostKind::Transport::Telnet; }

// Output without a newline is held only up to the output limit, not whole:
// 100 MB in one line under a 1 MiB limit costs about 1 MiB.
TEST_P(Oneshot, ALineWithoutNewlineCostsAboutTheOutputLimit) {
    if (console(kind())) GTEST_SKIP() << "console one-shots read lines through a shell loop";
    otto_run_opts *raw = nullptr;
    ASSERT_EQ(otto_run_opts_new(&raw), OTTO_OK);
    RunOpts opts(raw);
    ASSERT_EQ(otto_run_opts_set_output_limit(opts.get(), 1 << 20), OTTO_OK);
    ASSERT_EQ(otto_run_opts_set_timeout(opts.get(), 600), OTTO_OK);
    const uint64_t bytes = kMemoryIsMeasurable ? 100'000'000 : 10'000'000;
    struct Case {
        std::string command;
        char fill;
    };
    // NULs, then a progress bar redrawn with '\r' and never a '\n'.
    std::vector<Case> cases{{"head -c " + std::to_string(bytes) + " /dev/zero; exit 3", '\0'},
                            {"yes | head -c " + std::to_string(bytes) + " | tr 'y\\n' 'p\\r'; exit 3", '\r'}};
    for (const auto &c : cases) {
        MemoryPeak peak;
        auto r = oneshot(host(), c.command, opts.get());
        if (kMemoryIsMeasurable) {
            EXPECT_LT(peak.growth_kib(), 64 * 1024) << c.command;
        }
        EXPECT_EQ(r.status, OTTO_STATUS_FAILED) << c.command;
        EXPECT_EQ(r.retcode, 3) << c.command;
        // The head, whole reads of it up to the limit, then the notice.
        size_t kept = r.output.rfind("\n[otto: output truncated: ");
        ASSERT_NE(kept, std::string::npos) << c.command;
        EXPECT_LE(kept, 1u << 20) << c.command;
        EXPECT_GT(kept, 1u << 19) << c.command;
        EXPECT_EQ(r.output.substr(kept),
                  "\n[otto: output truncated: " + std::to_string(bytes - kept) + " more bytes were not kept]")
            << c.command;
        EXPECT_EQ(r.output[1], c.fill) << c.command;
    }
}

// In App mode a caller that takes events but only waits on the op gets
// them inside otto_op_wait, while the one-shot's output waits in its pipe
// or channel instead of millions of queued events.
TEST_P(Oneshot, WaitingAloneDeliversEveryLineWithBoundedMemory) {
    struct Seen {
        uint64_t lines = 0;
        bool in_order = true;
        static void on_event(otto_op *, const otto_event *ev, void *ud) {
            auto *self = static_cast<Seen *>(ud);
            size_t len = 0;
            const char *data = otto_event_data(ev, &len);
            self->lines += 1;
            if (otto_event_kind(ev) != OTTO_EVENT_OUTPUT_LINE || std::string(data, len) != std::to_string(self->lines))
                self->in_order = false;
        }
    } seen;
    otto_run_opts *raw = nullptr;
    ASSERT_EQ(otto_run_opts_new(&raw), OTTO_OK);
    RunOpts opts(raw);
    ASSERT_EQ(otto_run_opts_set_event_cb(opts.get(), &Seen::on_event, &seen), OTTO_OK);
    ASSERT_EQ(otto_run_opts_set_output_limit(opts.get(), 0), OTTO_OK);
    ASSERT_EQ(otto_run_opts_set_timeout(opts.get(), 600), OTTO_OK);
    // Short lines: each queued event costs more than its bytes. A console
    // reads them back through a shell loop: fewer there, still well past
    // the point where its shell stops being read.
    const bool many = kMemoryIsMeasurable && !console(kind());
    const uint64_t lines = console(kind()) ? 100'000 : many ? 5'000'000 : 500'000;
    MemoryPeak peak;
    otto_op *op_raw = nullptr;
    ASSERT_EQ(otto_host_oneshot(&op_raw, host(), ("seq 1 " + std::to_string(lines)).c_str(), opts.get(), nullptr,
                                nullptr),
              OTTO_OK);
    Op op(op_raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs * 5), OTTO_OK);
    auto r = copy_cmd(otto_op_cmd_result(op.get()));
    EXPECT_EQ(r.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(seen.lines, lines);
    EXPECT_TRUE(seen.in_order);
    if (many) {
        EXPECT_LT(peak.growth_kib(), 64 * 1024);
    }
}

// A caller that only waits gets every event of the op from otto_op_wait,
// also when the command ended before the wait began: with a few lines
// queued, and with so many that the op stopped reading and the command's
// last output waits unread (in a pipe, in libssh, in a console's
// connection) for the events to be dispatched.
TEST_P(Oneshot, AWaitAfterTheCommandEndedStillDeliversEveryEvent) {
    struct Seen {
        uint64_t lines = 0;
        bool in_order = true;
        static void on_event(otto_op *, const otto_event *ev, void *ud) {
            auto *self = static_cast<Seen *>(ud);
            size_t len = 0;
            const char *data = otto_event_data(ev, &len);
            self->lines += 1;
            if (std::string(data, len) != std::to_string(self->lines)) self->in_order = false;
        }
    };
    // 40,000 short lines stop the reading (its events cost over 4 MiB) and
    // are few enough (230 KB) to be sent whole before it resumes.
    for (uint64_t lines : {uint64_t{100}, uint64_t{40'000}}) {
        Seen seen;
        otto_run_opts *raw = nullptr;
        ASSERT_EQ(otto_run_opts_new(&raw), OTTO_OK);
        RunOpts opts(raw);
        ASSERT_EQ(otto_run_opts_set_event_cb(opts.get(), &Seen::on_event, &seen), OTTO_OK);
        otto_op *op_raw = nullptr;
        ASSERT_EQ(otto_host_oneshot(&op_raw, host(), ("seq 1 " + std::to_string(lines)).c_str(), opts.get(), nullptr,
                                    nullptr),
                  OTTO_OK);
        Op op(op_raw);
        // Nobody dispatches meanwhile: the command ends with its events
        // queued.
        std::this_thread::sleep_for(std::chrono::seconds(3));
        ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
        auto r = copy_cmd(otto_op_cmd_result(op.get()));
        EXPECT_EQ(r.status, OTTO_STATUS_SUCCESS) << lines;
        EXPECT_EQ(seen.lines, lines);
        EXPECT_TRUE(seen.in_order) << lines;
    }
}

OTTO_SESSION_SUITE(Oneshot);

}  // namespace
}  // namespace otto_test
