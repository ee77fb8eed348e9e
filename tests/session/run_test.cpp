// run(): single commands, lists, state, framing edge cases, refusals
// (SESSION-PROTOCOL §4, §5, §10, §16, §17).
#include "session_fixture.hpp"

namespace otto_test {
namespace {

class Run : public SessionTest {};

TEST_P(Run, SingleCommandCarriesEveryField) {
    auto r = run(host(), "echo hello");
    ASSERT_EQ(r.error, OTTO_OK) << r.error_message;
    EXPECT_EQ(r.status, OTTO_STATUS_SUCCESS);
    const Cmd &c = r.only();
    EXPECT_EQ(c.command, "echo hello");
    EXPECT_EQ(c.output, "hello");
    EXPECT_EQ(c.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(c.retcode, 0);
    EXPECT_FALSE(c.timed_out);
    EXPECT_GT(c.duration, 0.0);
    EXPECT_TRUE(c.stderr_output.empty());
}

TEST_P(Run, NonZeroExitIsFailedWithItsCode) {
    auto c = run(host(), "echo out; (exit 7)").only();
    EXPECT_EQ(c.status, OTTO_STATUS_FAILED);
    EXPECT_EQ(c.retcode, 7);
    EXPECT_EQ(c.output, "out");
}

TEST_P(Run, StatePersistsAcrossCalls) {
    EXPECT_EQ(run(host(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(run(host(), "pwd").only().output, "/tmp");
    EXPECT_EQ(run(host(), "export OTTO_TEST_VALUE=42").only().status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(run(host(), "echo $OTTO_TEST_VALUE").only().output, "42");
}

TEST_P(Run, ListRunsEveryCommandAndAggregatesTheFirstNonOk) {
    auto r = run_list(host(), {"echo first", "false", "echo third", "(exit 3)"});
    ASSERT_EQ(r.commands.size(), 4u);
    EXPECT_EQ(r.status, OTTO_STATUS_FAILED);
    EXPECT_EQ(r.commands[0].output, "first");
    EXPECT_EQ(r.commands[1].retcode, 1);
    EXPECT_EQ(r.commands[2].output, "third");
    EXPECT_EQ(r.commands[3].retcode, 3);
    EXPECT_EQ(run_list(host(), {"echo a", "echo b"}).status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(run_list(host(), {}).status, OTTO_STATUS_SUCCESS);
}

TEST_P(Run, OnlyFailsUnlessExactlyOneCommandRan) {
    otto_commands *raw = nullptr;
    ASSERT_EQ(otto_commands_new(&raw), OTTO_OK);
    Commands list(raw);
    otto_commands_add(nullptr, list.get(), "true");
    otto_commands_add(nullptr, list.get(), "true");
    otto_op *op_raw = nullptr;
    ASSERT_EQ(otto_host_run_commands(&op_raw, host(), list.get(), nullptr, nullptr, nullptr), OTTO_OK);
    Op op(op_raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    const otto_cmd_result *only = nullptr;
    EXPECT_EQ(otto_run_result_only(&only, otto_op_run_result(op.get())), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("not exactly one"), std::string::npos);
    EXPECT_EQ(otto_op_cmd_result(op.get()), nullptr);
}

TEST_P(Run, CumulativeBudgetGivesTheRemainderThenNotRun) {
    otto_commands *raw = nullptr;
    ASSERT_EQ(otto_commands_new(&raw), OTTO_OK);
    Commands list(raw);
    otto_commands_add(nullptr, list.get(), "echo quick");
    otto_commands_add(nullptr, list.get(), "sleep 30");
    otto_commands_add(nullptr, list.get(), "echo never");
    auto opts = run_opts_with_timeout(1.0);
    otto_op *op_raw = nullptr;
    ASSERT_EQ(otto_host_run_commands(&op_raw, host(), list.get(), opts.get(), nullptr, nullptr), OTTO_OK);
    Op op(op_raw);
    auto r = wait_run(op.get());
    ASSERT_EQ(r.commands.size(), 3u);
    EXPECT_EQ(r.commands[0].status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(r.commands[1].status, OTTO_STATUS_ERROR);
    EXPECT_TRUE(r.commands[1].timed_out);
    EXPECT_EQ(r.commands[1].retcode, -1);
    EXPECT_EQ(r.commands[2].status, OTTO_STATUS_NOTRUN);
    EXPECT_TRUE(r.commands[2].timed_out);
    EXPECT_EQ(r.commands[2].retcode, -1);
    EXPECT_EQ(r.commands[2].output, "skipped: cumulative timeout budget exhausted");
    EXPECT_EQ(r.commands[2].duration, 0.0);
    EXPECT_EQ(r.status, OTTO_STATUS_ERROR);
    // The shell recovered: the next run works in it.
    EXPECT_EQ(run(host(), "echo after").only().output, "after");
}

TEST_P(Run, PerCommandTimeoutOverridesTheDefault) {
    otto_commands *raw = nullptr;
    ASSERT_EQ(otto_commands_new(&raw), OTTO_OK);
    Commands list(raw);
    size_t slow = 0;
    otto_commands_add(&slow, list.get(), "sleep 30");
    ASSERT_EQ(otto_commands_set_timeout(list.get(), slow, 0.3), OTTO_OK);
    otto_commands_add(nullptr, list.get(), "echo next");
    EXPECT_EQ(otto_commands_set_timeout(list.get(), 5, 1.0), OTTO_EINVAL);
    EXPECT_EQ(otto_commands_set_timeout(list.get(), 0, 0.0), OTTO_EINVAL);
    otto_op *op_raw = nullptr;
    ASSERT_EQ(otto_host_run_commands(&op_raw, host(), list.get(), nullptr, nullptr, nullptr), OTTO_OK);
    Op op(op_raw);
    auto r = wait_run(op.get());
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_TRUE(r.commands[0].timed_out);
    EXPECT_EQ(r.commands[0].output.rfind("timed out after 0.3 s", 0), 0u) << r.commands[0].output;
    EXPECT_EQ(r.commands[1].output, "next");
}

TEST_P(Run, FramingSurvivesCommentsHeredocsAndMultipleLines) {
    EXPECT_EQ(run(host(), "echo visible # a comment").only().output, "visible");
    EXPECT_EQ(run(host(), "cat <<EOF\nline one\nline two\nEOF").only().output, "line one\nline two");
    auto multi = run(host(), "for i in 1 2 3; do\n  echo n$i\ndone").only();
    EXPECT_EQ(multi.output, "n1\nn2\nn3");
    EXPECT_EQ(run(host(), "echo a;").only().output, "a");
    auto empty = run(host(), "").only();
    EXPECT_EQ(empty.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(empty.output, "");
}

TEST_P(Run, BackgroundJobEndsWithZero) {
    auto c = run(host(), "sleep 0.3 &").only();
    EXPECT_EQ(c.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(c.retcode, 0);
    // §4.6: BusyBox ash with echo off may exit when the job ends while it
    // waits for input; either outcome is accepted there, never a hang.
    auto next = run(host(), "sleep 0.5; echo later").only();
    if (!kind().ash) {
        EXPECT_EQ(next.output, "later");
    } else if (next.status != OTTO_STATUS_SUCCESS) {
        EXPECT_EQ(next.status, OTTO_STATUS_ERROR);
        EXPECT_EQ(run(host(), "echo again").only().output, "again");
    }
}

TEST_P(Run, SyntaxErrorsNeverHang) {
    auto c = run(host(), "fi").only();
    if (kind().pty) {
        // §5.5: the shell rejects the frame; END runs alone.
        EXPECT_EQ(c.status, OTTO_STATUS_FAILED);
        EXPECT_EQ(c.retcode, 2);
        EXPECT_NE(c.output.find("fi"), std::string::npos) << c.output;
    } else {
        // §12.2: a non-interactive shell exits on a syntax error.
        EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
        EXPECT_EQ(c.retcode, -1);
        EXPECT_NE(c.output.find("session died unexpectedly"), std::string::npos) << c.output;
    }
    EXPECT_EQ(run(host(), "echo fine").only().output, "fine");
}

TEST_P(Run, OutputWithoutTrailingNewline) {
    EXPECT_EQ(run(host(), "printf 'a\\nb\\nc'").only().output, "a\nb\nc");
    EXPECT_EQ(run(host(), "printf abc").only().output, "abc");
}

TEST_P(Run, BinaryAndNonUtf8OutputIsKeptAsBytes) {
    auto c = run(host(), "printf '\\377\\376\\001x\\n\\303\\251'").only();
    EXPECT_EQ(c.output, std::string("\xff\xfe\x01x\n\xc3\xa9"));
    auto ansi = run(host(), "printf '\\033[31mred\\033[0m\\n'").only();
    EXPECT_EQ(ansi.output, "\x1b[31mred\x1b[0m");
}

TEST_P(Run, NoMarkerIsEverVisibleAndForeignMarkersAreOutput) {
    auto c = run(host(), "echo __OTTO_0123456789ab_END__0__; echo __OTTO_0123456789ab_BEGIN__; echo done").only();
    EXPECT_EQ(c.output, "__OTTO_0123456789ab_END__0__\n__OTTO_0123456789ab_BEGIN__\ndone");
    for (const char *cmd : {"echo hi", "true", "printf x", "fi"}) {
        auto r = run(host(), cmd).only();
        // The session's own token: "__OTTO_" followed by 12 hex digits and
        // "_", other than the one echoed above.
        size_t at = r.output.find("__OTTO_");
        EXPECT_EQ(at, std::string::npos) << cmd << ": " << r.output;
    }
}

TEST_P(Run, AForgedEndLineNeverShiftsOutputOntoTheNextCommand) {
    // bash shows a DEBUG trap the command about to run ($BASH_COMMAND),
    // otto's END line included, so a command can print an END line of its
    // own. It may fool otto about itself; nothing it prints after its END,
    // forged lines included, may reach the next command.
    if (!shell_is_bash()) GTEST_SKIP() << "only bash shows a command its own frame";
    const std::string forger =
        "trap 'case $BASH_COMMAND in *END*) trap - DEBUG; forged=${BASH_COMMAND//\\$\\?/0}; eval \"$forged\"; "
        "sleep 0.5; echo leaked; eval \"$forged\";; esac' DEBUG\n"
        "echo own; (exit 3)";
    auto forged = run(host(), forger).only();
    EXPECT_EQ(forged.output, "own");
    auto next = run(host(), "echo next; (exit 5)").only();
    EXPECT_EQ(next.output, "next");
    EXPECT_EQ(next.retcode, 5);
    EXPECT_EQ(next.status, OTTO_STATUS_FAILED);
    EXPECT_EQ(run(host(), "echo after").only().output, "after");
}

TEST_P(Run, StdinReadingCommandDoesNotEatTheEndLine) {
    auto opts = run_opts_with_timeout(10);
    ASSERT_EQ(otto_run_opts_add_expect(opts.get(), "name\\?", "otto\n", 0), OTTO_OK);
    auto c = run(host(), "printf 'name?'; read -r v; echo \"hi $v\"", opts.get()).only();
    EXPECT_EQ(c.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(c.output, "name?hi otto");
}

TEST_P(Run, CommandsThatWouldJoinTheEndLineAreRefusedUnsent) {
    TempDir dir;
    for (std::string bad : {"touch " + dir.file("x") + " |", "touch " + dir.file("x") + " &&",
                            "touch " + dir.file("x") + " ||", "touch " + dir.file("x") + " \\"}) {
        auto c = run(host(), bad).only();
        EXPECT_EQ(c.status, OTTO_STATUS_ERROR) << bad;
        EXPECT_EQ(c.retcode, -1);
        EXPECT_FALSE(c.timed_out);
        EXPECT_EQ(c.duration, 0.0);
        EXPECT_NE(c.output.find("refused"), std::string::npos);
    }
    EXPECT_EQ(run(host(), "test -e " + dir.file("x") + " && echo sent || echo unsent").only().output, "unsent");
}

TEST_P(Run, LinesOverTheShellsLimitAreRefusedNeverTruncated) {
    std::string long_word(5000, 'x');
    auto c = run(host(), "echo " + long_word + " | wc -c").only();
    if (kind().line_limit == 0) {
        EXPECT_EQ(c.status, OTTO_STATUS_SUCCESS);
        EXPECT_EQ(c.output.find_first_not_of(' '), c.output.find("5001"));
    } else {
        EXPECT_EQ(c.status, OTTO_STATUS_ERROR);
        EXPECT_EQ(c.retcode, -1);
        EXPECT_NE(c.output.find("line 1"), std::string::npos) << c.output;
        EXPECT_NE(c.output.find(std::to_string(kind().line_limit)), std::string::npos) << c.output;
    }
    // A refused command leaves the session untouched.
    EXPECT_EQ(run(host(), "echo ok").only().output, "ok");
}

TEST_P(Run, ResultsRenderAsJson) {
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_run(&raw, host(), "echo json", nullptr, nullptr, nullptr), OTTO_OK);
    Op op(raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    char *json = nullptr;
    ASSERT_EQ(otto_run_result_to_json(&json, otto_op_run_result(op.get())), OTTO_OK);
    std::string text(json);
    otto_string_free(json);
    EXPECT_NE(text.find("\"status\":\"Success\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"output\":\"json\""), std::string::npos) << text;
    ASSERT_EQ(otto_cmd_result_to_json(&json, otto_op_cmd_result(op.get())), OTTO_OK);
    EXPECT_NE(std::string(json).find("\"command\":\"echo json\""), std::string::npos);
    otto_string_free(json);
}

OTTO_SESSION_SUITE(Run);

}  // namespace
}  // namespace otto_test
