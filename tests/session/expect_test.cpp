// Expects inside run() and send()/expect() (SESSION-PROTOCOL §6, §9).
#include "session_fixture.hpp"

namespace otto_test {
namespace {

class Expects : public SessionTest {};

TEST_P(Expects, AnswersAPromptDuringACommand) {
    auto opts = run_opts_with_timeout(10);
    ASSERT_EQ(otto_run_opts_add_expect(opts.get(), "Password:", "s3cret\n", OTTO_EXPECT_SECRET), OTTO_OK);
    auto c = run(host(), "printf 'Password:'; read -r v; echo got=$v", opts.get()).only();
    EXPECT_EQ(c.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(c.output, "Password:got=s3cret");
}

TEST_P(Expects, FireAgainOnLaterOccurrencesAndNeverOnTheSameBytes) {
    auto opts = run_opts_with_timeout(10);
    ASSERT_EQ(otto_run_opts_add_expect(opts.get(), "continue\\? ", "y\n", 0), OTTO_OK);
    auto c = run(host(), "for i in 1 2 3; do printf 'continue? '; read -r a; echo \"$i$a\"; done", opts.get()).only();
    EXPECT_EQ(c.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(c.output, "continue? 1y\ncontinue? 2y\ncontinue? 3y");
}

TEST_P(Expects, PerCommandExpectsReplaceRunLevelOnes) {
    otto_commands *raw = nullptr;
    ASSERT_EQ(otto_commands_new(&raw), OTTO_OK);
    Commands list(raw);
    size_t own = 0;
    otto_commands_add(&own, list.get(), "printf 'A? '; read -r v; echo \"[$v]\"");
    ASSERT_EQ(otto_commands_add_expect(list.get(), own, "A\\? ", "from-item\n", 0), OTTO_OK);
    otto_commands_add(nullptr, list.get(), "printf 'A? '; read -r v; echo \"[$v]\"");
    auto opts = run_opts_with_timeout(20);
    ASSERT_EQ(otto_run_opts_add_expect(opts.get(), "A\\? ", "from-run\n", 0), OTTO_OK);
    otto_op *op_raw = nullptr;
    ASSERT_EQ(otto_host_run_commands(&op_raw, host(), list.get(), opts.get(), nullptr, nullptr), OTTO_OK);
    Op op(op_raw);
    auto r = wait_run(op.get());
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_EQ(r.commands[0].output, "A? [from-item]");
    EXPECT_EQ(r.commands[1].output, "A? [from-run]");
}

TEST_P(Expects, BadPatternsAreRefusedAtSubmission) {
    otto_run_opts *raw = nullptr;
    ASSERT_EQ(otto_run_opts_new(&raw), OTTO_OK);
    RunOpts opts(raw);
    EXPECT_EQ(otto_run_opts_add_expect(opts.get(), "([", "x", 0), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("(["), std::string::npos);
    otto_op *op = nullptr;
    EXPECT_EQ(otto_host_expect(&op, host(), "a**b(", 1.0, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_EQ(op, nullptr);
    EXPECT_EQ(otto_host_expect(&op, host(), "ok", 0.0, nullptr, nullptr), OTTO_EINVAL);
}

TEST_P(Expects, SendAndExpectDriveAnInteractiveProgram) {
    ASSERT_EQ(send(host(), "python3 -i -q -c ''\n"), OTTO_OK);
    std::string match;
    ASSERT_EQ(expect(host(), ">>> ", 10.0, &match), OTTO_OK) << match;
    ASSERT_EQ(send(host(), "print('otto_' + 'test')\n"), OTTO_OK);
    ASSERT_EQ(expect(host(), ">>> ", 10.0, &match), OTTO_OK);
    EXPECT_NE(match.find("otto_test"), std::string::npos) << match;
    ASSERT_EQ(send(host(), "exit()\n"), OTTO_OK);
    EXPECT_EQ(run(host(), "echo back in the shell").only().output, "back in the shell");
}

TEST_P(Expects, TimedOutExpectConsumesNothing) {
    ASSERT_EQ(send(host(), "echo first-line; echo second-line\n"), OTTO_OK);
    std::string match;
    ASSERT_EQ(expect(host(), "first-line", 10.0, &match), OTTO_OK);
    EXPECT_EQ(expect(host(), "will-never-appear", 0.3, &match), OTTO_ETIMEDOUT);
    // The bytes that arrived meanwhile are all still there.
    ASSERT_EQ(expect(host(), "second-line", 10.0, &match), OTTO_OK);
    EXPECT_EQ(match.find("first-line"), std::string::npos);
    EXPECT_NE(match.find("second-line"), std::string::npos);
}

TEST_P(Expects, ExpectErrorsNameThePattern) {
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_expect(&raw, host(), "no-such-text", 0.2, nullptr, nullptr), OTTO_OK);
    Op op(raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_ETIMEDOUT);
    EXPECT_NE(std::string(otto_op_error_message(op.get())).find("no-such-text"), std::string::npos);
}

TEST_P(Expects, ExpectSeesATransportLoss) {
    ASSERT_EQ(send(host(), "exit 0\n"), OTTO_OK);
    std::string match;
    int rc = expect(host(), "never-printed", 10.0, &match);
    EXPECT_TRUE(rc == OTTO_EIO || rc == OTTO_EDEAD) << otto_strerror(rc);
    EXPECT_EQ(run(host(), "echo replaced").only().output, "replaced");
}

TEST_P(Expects, NamedSessionsSupportSendAndExpect) {
    auto session = open_session(host(), "repl");
    ASSERT_TRUE(session);
    ASSERT_EQ(send(session.get(), "python3 -i -q -c ''\n"), OTTO_OK);
    ASSERT_EQ(expect(session.get(), ">>> ", 10.0), OTTO_OK);
    ASSERT_EQ(send(session.get(), "print(6*7)\n"), OTTO_OK);
    std::string match;
    ASSERT_EQ(expect(session.get(), "42", 10.0, &match), OTTO_OK);
    ASSERT_EQ(send(session.get(), "exit()\n"), OTTO_OK);
    EXPECT_EQ(run(session.get(), "echo named").only().output, "named");
}

OTTO_SESSION_SUITE(Expects);

}  // namespace
}  // namespace otto_test
