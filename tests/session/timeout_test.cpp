// Timeouts, recovery, death and replacement (SESSION-PROTOCOL §7, §8).
#include <cmath>
#include <thread>

#include "session_fixture.hpp"

namespace otto_test {
namespace {

class Timeout : public SessionTest {};

TEST_P(Timeout, InterruptsAndRecoversKeepingTheWorkingDirectory) {
    ASSERT_EQ(run(host(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    // Long enough for "started" to come back even on a loaded machine.
    auto opts = run_opts_with_timeout(2.0);
    auto c = run(host(), "echo started; sleep 999", opts.get()).only();
    EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(c.retcode, -1);
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.output, "timed out after 2 s\nstarted");
    EXPECT_LT(c.duration, 10.0);  // a hang guard only
    EXPECT_EQ(run(host(), "pwd").only().output, "/tmp");
    EXPECT_EQ(otto_host_shell_replacements(host()), 0u);
}

TEST_P(Timeout, UnprovableRecoveryDeclaresTheShellDeadAndReplacesIt) {
    ASSERT_EQ(run(host(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    // A program that ignores ^C and can only echo what it reads: it shows
    // the probe as typed, never its digits, so no recovery can be claimed.
    // The timeout leaves it time to start and ignore ^C even on a slow
    // machine: a ^C that came first would end it, and the shell would
    // recover.
    auto opts = run_opts_with_timeout(2.0);
    auto c = run(host(), "sh -c 'trap \"\" INT; while read -r l; do echo \"$l\"; done'", opts.get()).only();
    EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(c.retcode, -1);
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.output.rfind("timed out after 2 s; session lost", 0), 0u) << c.output;
    auto next = run(host(), "pwd").only();
    EXPECT_EQ(next.status, OTTO_STATUS_SUCCESS);
    EXPECT_NE(next.output, "/tmp");  // a fresh shell: cwd is back to the start
    EXPECT_EQ(otto_host_shell_replacements(host()), 1u);
}

TEST_P(Timeout, AForgedRecoverReplyNeverPassesForTheShell) {
    if (!shell_is_bash()) GTEST_SKIP() << "only bash shows a command its own frame";
    // The session's token, learnt from the END line a DEBUG trap sees in
    // $BASH_COMMAND (echo "<token>""END...): what a command can know.
    const std::string learn =
        "trap 'case $BASH_COMMAND in *END*) t=${BASH_COMMAND#*\\\"}; t=${t%%\\\"*}; trap - DEBUG;; esac' DEBUG";
    ASSERT_EQ(run(host(), learn).only().status, OTTO_STATUS_SUCCESS);
    ASSERT_EQ(run(host(), "echo ${#t} ${t:0:7}").only().output, "20 __OTTO_");  // "__OTTO_<12 digits>_"
    // A command that ignores ^C outlives its timeout while a job it left
    // answers the RECOVER probe with a reply made from the token (the
    // probe's own nonce it cannot see). The shell itself never answers: the
    // session is lost, and the next command runs on a fresh shell instead of
    // being typed into the busy one.
    auto opts = run_opts_with_timeout(1.0);
    auto c =
        run(host(),
            "trap '' INT; (sleep 1; for n in 1 2 3 4 5 6 7 8 9 10; do echo \"${t}RECOVER__0__\"; sleep 0.3; done) & "
            "sleep 60",
            opts.get())
            .only();
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.output.rfind("timed out after 1 s; session lost", 0), 0u) << c.output;
    auto next = run(host(), "echo next", run_opts_with_timeout(10.0).get()).only();
    EXPECT_EQ(next.output, "next");
    EXPECT_EQ(next.status, OTTO_STATUS_SUCCESS);
}

TEST_P(Timeout, InsideAPythonReplTheSessionIsDeclaredDead) {
    // The timeout leaves python time to start and install its ^C handler, so
    // the interrupt meets the REPL itself (§7.5).
    auto opts = run_opts_with_timeout(2.0);
    auto c = run(host(), "python3 -i -q", opts.get()).only();
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.output.rfind("timed out after 2 s; session lost", 0), 0u) << c.output;
    EXPECT_EQ(run(host(), "echo fresh").only().output, "fresh");
    EXPECT_EQ(otto_host_shell_replacements(host()), 1u);
}

TEST_P(Timeout, ExitIsTransportLossNotItsCode) {
    ASSERT_EQ(run(host(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    auto c = run(host(), "exit 42").only();
    EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(c.retcode, -1);
    EXPECT_FALSE(c.timed_out);
    EXPECT_EQ(c.output.rfind("session died unexpectedly (eof)", 0), 0u) << c.output;
    auto next = run(host(), "pwd").only();
    EXPECT_EQ(next.status, OTTO_STATUS_SUCCESS);
    EXPECT_NE(next.output, "/tmp");
    EXPECT_EQ(otto_host_shell_replacements(host()), 1u);
}

TEST_P(Timeout, UnclosedQuoteTimesOutAndTheSameShellRecovers) {
    ASSERT_EQ(run(host(), "export OTTO_MARK=kept").only().status, OTTO_STATUS_SUCCESS);
    auto opts = run_opts_with_timeout(0.5);
    auto c = run(host(), "echo \"unclosed", opts.get()).only();
    EXPECT_TRUE(c.timed_out);
    if (!kind().pty) {
        // Pipes carry no ^C to a shell waiting for input: §4.4 cannot be
        // recovered there, and the session is honestly declared lost.
        EXPECT_NE(c.output.find("session lost"), std::string::npos) << c.output;
        return;
    }
    EXPECT_EQ(c.output, "timed out after 0.5 s") << c.output;
    EXPECT_EQ(run(host(), "echo $OTTO_MARK").only().output, "kept");
    EXPECT_EQ(otto_host_shell_replacements(host()), 0u);
}

TEST_P(Timeout, ChattyCommandStillTimesOut) {
    // The timeout covers the whole command, not each read (L12).
    auto opts = run_opts_with_timeout(0.5);
    auto c = run(host(), "while :; do echo tick; sleep 0.01; done", opts.get()).only();
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(run(host(), "echo alive").only().output, "alive");
}

TEST_P(Timeout, InvalidTimeoutsAreRejected) {
    otto_run_opts *raw = nullptr;
    ASSERT_EQ(otto_run_opts_new(&raw), OTTO_OK);
    RunOpts opts(raw);
    EXPECT_EQ(otto_run_opts_set_timeout(opts.get(), 0.0), OTTO_EINVAL);
    EXPECT_EQ(otto_run_opts_set_timeout(opts.get(), -1.0), OTTO_EINVAL);
    EXPECT_EQ(otto_run_opts_set_timeout(opts.get(), std::nan("")), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("positive"), std::string::npos);
    EXPECT_EQ(otto_run_opts_set_timeout(opts.get(), INFINITY), OTTO_OK);
    EXPECT_EQ(run(host(), "echo inf", opts.get()).only().output, "inf");
}

TEST_P(Timeout, CancelCompletesAtOnceAndTheSessionRecoversBeforeItsNextOp) {
    ASSERT_EQ(run(host(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_run(&raw, host(), "echo go; sleep 999", nullptr, nullptr, nullptr), OTTO_OK);
    Op op(raw);
    EXPECT_EQ(otto_op_wait(op.get(), 300), OTTO_ETIMEDOUT);
    ASSERT_EQ(otto_op_cancel(op.get()), OTTO_OK);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_ECANCELED);
    EXPECT_EQ(otto_op_run_result(op.get()), nullptr);
    // The canceled command is interrupted before the next one runs, in the
    // same shell.
    auto next = run(host(), "pwd").only();
    EXPECT_EQ(next.output, "/tmp");
    EXPECT_EQ(otto_host_shell_replacements(host()), 0u);
}

TEST_P(Timeout, FiftyRacingRunsAfterDeathShareOneReplacement) {
    ASSERT_EQ(run(host(), "exit 1").only().status, OTTO_STATUS_ERROR);
    std::vector<Op> ops;
    for (int i = 0; i < 50; ++i) {
        otto_op *raw = nullptr;
        std::string cmd = "echo " + std::to_string(i);
        ASSERT_EQ(otto_host_run(&raw, host(), cmd.c_str(), nullptr, nullptr, nullptr), OTTO_OK);
        ops.emplace_back(raw);
    }
    for (int i = 0; i < 50; ++i) EXPECT_EQ(wait_run(ops[i].get()).only().output, std::to_string(i));
    EXPECT_EQ(otto_host_shell_replacements(host()), 1u);
}

TEST_P(Timeout, DefaultSessionRetriesAFailedHandshakeOnce) {
    TempDir dir;
    // A shell that prints nothing for longer than the handshake deadline the
    // first time, and starts at once the second time.
    std::string counter = dir.file("starts");
    std::string script = "n=$(cat '" + counter + "' 2>/dev/null | wc -l); echo x >> '" + counter +
                         "'; if [ \"$n\" -eq 0 ]; then exec sleep 30; fi; exec";
    for (auto &a : kind().shell) script += " '" + a + "'";
    auto slow_first = make_host(ctx(), kind(), [&](otto_host_opts *o) {
        const char *argv[] = {"sh", "-c", script.c_str()};
        ASSERT_EQ(otto_host_opts_set_shell(o, argv, 3), OTTO_OK);
        // The same deadline must also let the second shell start, a new
        // channel or a new login included, on a loaded machine.
        ASSERT_EQ(otto_host_opts_set_timing(o, OTTO_TIMING_HANDSHAKE, 3.0), OTTO_OK);
        ASSERT_EQ(otto_host_opts_set_timing(o, OTTO_TIMING_HANDSHAKE_RETRY, 0.1), OTTO_OK);
    });
    auto r = run(slow_first.get(), "echo second try");
    ASSERT_EQ(r.error, OTTO_OK) << r.error_message;
    EXPECT_EQ(r.only().output, "second try");
    EXPECT_EQ(count_lines(counter), 2u);
}

TEST_P(Timeout, AShellThatNeverBecomesReadyIsAnHonestError) {
    auto never = make_host(ctx(), kind(), [](otto_host_opts *o) {
        const char *argv[] = {"sleep", "30"};
        ASSERT_EQ(otto_host_opts_set_shell(o, argv, 2), OTTO_OK);
        ASSERT_EQ(otto_host_opts_set_timing(o, OTTO_TIMING_HANDSHAKE, 0.3), OTTO_OK);
        ASSERT_EQ(otto_host_opts_set_timing(o, OTTO_TIMING_HANDSHAKE_RETRY, 0.1), OTTO_OK);
    });
    auto r = run(never.get(), "echo hi");
    EXPECT_EQ(r.error, OTTO_EHANDSHAKE);
    EXPECT_NE(r.error_message.find("shell never became ready within 0.3 s"), std::string::npos) << r.error_message;
    auto missing = make_host(ctx(), kind(), [](otto_host_opts *o) {
        const char *argv[] = {"/nonexistent/shell"};
        ASSERT_EQ(otto_host_opts_set_shell(o, argv, 1), OTTO_OK);
        ASSERT_EQ(otto_host_opts_set_timing(o, OTTO_TIMING_HANDSHAKE_RETRY, 0.1), OTTO_OK);
    });
    r = run(missing.get(), "echo hi");
    EXPECT_NE(r.error, OTTO_OK);
    EXPECT_FALSE(r.error_message.empty());
}

OTTO_SESSION_SUITE(Timeout);

}  // namespace
}  // namespace otto_test
