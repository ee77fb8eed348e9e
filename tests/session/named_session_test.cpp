// Named sessions and the registry (SESSION-PROTOCOL §14).
#include <set>

#include "session_fixture.hpp"

namespace otto_test {
namespace {

class Named : public SessionTest {
protected:
    // A host whose shells start slowly and record each start in a file.
    Host counting_host(const std::string &counter) {
        return make_host(ctx(), kind(), [&](otto_host_opts *o) {
            auto argv = counting_shell(kind(), counter, 0.3);
            std::vector<const char *> args;
            for (auto &a : argv) args.push_back(a.c_str());
            ASSERT_EQ(otto_host_opts_set_shell(o, args.data(), args.size()), OTTO_OK);
        });
    }

    std::vector<Op> open_many(otto_host *h, const std::string &name, int n) {
        std::vector<Op> ops;
        for (int i = 0; i < n; ++i) {
            otto_op *raw = nullptr;
            EXPECT_EQ(otto_host_open_session(&raw, h, name.c_str(), nullptr, nullptr), OTTO_OK);
            ops.emplace_back(raw);
        }
        return ops;
    }

    std::vector<Session> take_all(std::vector<Op> &ops) {
        std::vector<Session> sessions;
        for (auto &op : ops) {
            EXPECT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
            EXPECT_EQ(otto_op_error(op.get()), OTTO_OK) << otto_op_error_message(op.get());
            otto_session *s = nullptr;
            EXPECT_EQ(otto_op_take_session(&s, op.get()), OTTO_OK);
            sessions.emplace_back(s);
        }
        return sessions;
    }
};

TEST_P(Named, SessionsKeepSeparateState) {
    auto s1 = open_session(host(), "worker1");
    auto s2 = open_session(host(), "worker2");
    ASSERT_TRUE(s1 && s2);
    EXPECT_STREQ(otto_session_name(s1.get()), "worker1");
    EXPECT_EQ(run(s1.get(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(run(s2.get(), "cd /var").only().status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(run(s1.get(), "pwd").only().output, "/tmp");
    EXPECT_EQ(run(s2.get(), "pwd").only().output, "/var");
    EXPECT_NE(run(host(), "pwd").only().output, "/tmp");  // the default session is a third shell
}

TEST_P(Named, ConcurrentOpensOfOneNameShareOneShell) {
    TempDir dir;
    auto h = counting_host(dir.file("starts"));
    auto ops = open_many(h.get(), "shared", 30);
    auto sessions = take_all(ops);
    std::set<otto_session *> distinct;
    for (auto &s : sessions) distinct.insert(s.get());
    EXPECT_EQ(distinct.size(), 1u);
    EXPECT_EQ(count_lines(dir.file("starts")), 1u);
    EXPECT_TRUE(otto_session_is_alive(sessions[0].get()));

    // After it dies, racing opens get exactly one replacement.
    EXPECT_EQ(run(sessions[0].get(), "exit 3").only().status, OTTO_STATUS_ERROR);
    EXPECT_FALSE(otto_session_is_alive(sessions[0].get()));
    auto again_ops = open_many(h.get(), "shared", 30);
    auto again = take_all(again_ops);
    std::set<otto_session *> replacements;
    for (auto &s : again) replacements.insert(s.get());
    EXPECT_EQ(replacements.size(), 1u);
    EXPECT_NE(*replacements.begin(), sessions[0].get());
    EXPECT_EQ(count_lines(dir.file("starts")), 2u);
    EXPECT_EQ(run(again[0].get(), "echo new").only().output, "new");
}

TEST_P(Named, DifferentNamesOpenInParallel) {
    // Each shell waits until all three have started: were opens of different
    // names serialised (one lock for the host), the first would never become
    // ready and the test would fail on its deadline. That deadline is long:
    // BusyBox telnetd listens with a backlog of one, so the kernel drops the
    // third simultaneous SYN and the client's retransmissions (after 1 s, then
    // 2 s more) can land it late.
    TempDir dir;
    auto h = make_host(ctx(), kind(), [&](otto_host_opts *o) {
        auto argv = barrier_shell(kind(), dir.file("starts"), 3);
        std::vector<const char *> args;
        for (auto &a : argv) args.push_back(a.c_str());
        ASSERT_EQ(otto_host_opts_set_shell(o, args.data(), args.size()), OTTO_OK);
        ASSERT_EQ(otto_host_opts_set_timing(o, OTTO_TIMING_HANDSHAKE, 20.0), OTTO_OK);
    });
    auto a = open_many(h.get(), "a", 1);
    auto b = open_many(h.get(), "b", 1);
    auto c = open_many(h.get(), "c", 1);
    take_all(a);
    take_all(b);
    take_all(c);
    EXPECT_EQ(count_lines(dir.file("starts")), 3u);
}

TEST_P(Named, ADeadNamedSessionStaysDeadAndFailsFast) {
    auto s = open_session(host(), "mortal");
    ASSERT_TRUE(s);
    EXPECT_EQ(run(s.get(), "exit 0").only().status, OTTO_STATUS_ERROR);
    EXPECT_FALSE(otto_session_is_alive(s.get()));
    otto_op *op = nullptr;
    EXPECT_EQ(otto_session_send(&op, s.get(), "x", 1, nullptr, nullptr), OTTO_EDEAD);
    EXPECT_EQ(otto_session_expect(&op, s.get(), "x", 1.0, nullptr, nullptr), OTTO_EDEAD);
    auto r = run(s.get(), "echo never");
    EXPECT_EQ(r.error, OTTO_OK);
    EXPECT_EQ(r.only().status, OTTO_STATUS_ERROR);
    EXPECT_EQ(r.only().output, "session is dead");
    EXPECT_EQ(r.only().duration, 0.0);
}

TEST_P(Named, ClosingAStaleHandleKeepsItsReplacementRegistered) {
    auto old_handle = open_session(host(), "svc");
    ASSERT_TRUE(old_handle);
    EXPECT_EQ(run(old_handle.get(), "exit 0").only().status, OTTO_STATUS_ERROR);
    auto replacement = open_session(host(), "svc");
    ASSERT_TRUE(replacement);
    ASSERT_NE(replacement.get(), old_handle.get());
    EXPECT_EQ(run(replacement.get(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);

    otto_op *raw = nullptr;
    ASSERT_EQ(otto_session_close(&raw, old_handle.get(), nullptr, nullptr), OTTO_OK);
    Op closing(raw);
    ASSERT_EQ(otto_op_wait(closing.get(), kHangMs), OTTO_OK);
    ASSERT_EQ(otto_session_close(&raw, old_handle.get(), nullptr, nullptr), OTTO_OK);  // idempotent
    Op closing_again(raw);
    ASSERT_EQ(otto_op_wait(closing_again.get(), kHangMs), OTTO_OK);

    auto same = open_session(host(), "svc");
    EXPECT_EQ(same.get(), replacement.get());
    EXPECT_EQ(run(same.get(), "pwd").only().output, "/tmp");
}

TEST_P(Named, ClosingASessionDeregistersItAndItsOpsFail) {
    auto s = open_session(host(), "short");
    ASSERT_TRUE(s);
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_session_close(&raw, s.get(), nullptr, nullptr), OTTO_OK);
    Op closing(raw);
    ASSERT_EQ(otto_op_wait(closing.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_session_run(&raw, s.get(), "echo x", nullptr, nullptr, nullptr), OTTO_ECLOSED);
    auto fresh = open_session(host(), "short");
    ASSERT_TRUE(fresh);
    EXPECT_NE(fresh.get(), s.get());
}

TEST_P(Named, EmptyAndNullNamesAreInvalid) {
    otto_op *op = nullptr;
    EXPECT_EQ(otto_host_open_session(&op, host(), "", nullptr, nullptr), OTTO_EINVAL);
    EXPECT_EQ(otto_host_open_session(&op, host(), nullptr, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_EQ(op, nullptr);
}

OTTO_SESSION_SUITE(Named);

}  // namespace
}  // namespace otto_test
