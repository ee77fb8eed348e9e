// Periodic tasks (reference 001): a run repeated on a host or a session, and
// polls of several hosts where a slow one is skipped, not waited for.
#include <algorithm>
#include <map>
#include <mutex>

#include "fleet_fixture.hpp"

namespace otto_test {
namespace {

struct RepeatOptsDeleter {
    void operator()(otto_repeat_opts *o) const { otto_repeat_opts_free(o); }
};
using RepeatOpts = std::unique_ptr<otto_repeat_opts, RepeatOptsDeleter>;

RepeatOpts repeat_opts(double interval, uint64_t count) {
    otto_repeat_opts *raw = nullptr;
    EXPECT_EQ(otto_repeat_opts_new(&raw), OTTO_OK);
    RepeatOpts opts(raw);
    EXPECT_EQ(otto_repeat_opts_set_interval(raw, interval), OTTO_OK);
    EXPECT_EQ(otto_repeat_opts_set_count(raw, count), OTTO_OK);
    return opts;
}

Commands commands_of(const std::vector<std::string> &list) {
    otto_commands *raw = nullptr;
    EXPECT_EQ(otto_commands_new(&raw), OTTO_OK);
    for (const auto &c : list) EXPECT_EQ(otto_commands_add(nullptr, raw, c.c_str()), OTTO_OK);
    return Commands(raw);
}

struct Runs {
    std::mutex mutex;
    std::vector<std::pair<uint64_t, std::string>> seen;  // index, output
    static void record(otto_op *run, uint64_t index, void *data) {
        auto *self = static_cast<Runs *>(data);
        const otto_cmd_result *c = otto_op_cmd_result(run);
        std::lock_guard lock(self->mutex);
        self->seen.emplace_back(index, c != nullptr ? otto_cmd_result_output(c, nullptr) : otto_op_error_message(run));
    }
};

TEST(Periodic, ARepeatRunsItsCountInThePersistentShell) {
    auto ctx = open_lab_context(ContextSettings().on_loop_thread());
    ASSERT_TRUE(ctx);
    for (const char *id : {"ssh0", "shell0", "local"}) {
        otto_host *host = nullptr;
        ASSERT_EQ(otto_context_get_host(&host, ctx.get(), id), OTTO_OK);
        auto list = commands_of({"n=$((${n:-0} + 1)); echo run $n"});
        auto opts = repeat_opts(0.1, 3);
        Runs runs;
        otto_op *raw = nullptr;
        ASSERT_EQ(otto_host_repeat(&raw, host, list.get(), nullptr, opts.get(), &Runs::record, &runs, nullptr, nullptr),
                  OTTO_OK);
        Op op(raw);
        ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
        EXPECT_EQ(otto_op_error(op.get()), OTTO_OK) << otto_op_error_message(op.get());
        EXPECT_EQ(otto_op_kind(op.get()), OTTO_OP_REPEAT);
        std::lock_guard lock(runs.mutex);
        // The shell kept n from run to run: one session, three runs, in order.
        EXPECT_EQ(runs.seen, (std::vector<std::pair<uint64_t, std::string>>{{0, "run 1"}, {1, "run 2"}, {2, "run 3"}}))
            << id;
    }
}

TEST(Periodic, ARepeatOnANamedSessionUntilCanceled) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    otto_host *host = nullptr;
    ASSERT_EQ(otto_context_get_host(&host, ctx.get(), "ssh1"), OTTO_OK);
    auto session = open_session(host, "poller");
    ASSERT_TRUE(session);
    ASSERT_EQ(run(session.get(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    auto list = commands_of({"pwd"});
    auto opts = repeat_opts(0.05, 0);  // no count, no duration: until canceled
    Runs runs;
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_session_repeat(&raw, session.get(), list.get(), nullptr, opts.get(), &Runs::record, &runs, nullptr,
                                  nullptr),
              OTTO_OK);
    Op op(raw);
    // App dispatch: the per-run callback runs here. Cancel after two runs.
    for (int i = 0; i < 600; ++i) {
        otto_context_dispatch(nullptr, ctx.get(), 100);
        std::lock_guard lock(runs.mutex);
        if (runs.seen.size() >= 2) break;
    }
    ASSERT_EQ(otto_op_cancel(op.get()), OTTO_OK);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_ECANCELED);
    std::lock_guard lock(runs.mutex);
    ASSERT_GE(runs.seen.size(), 2u);
    EXPECT_EQ(runs.seen[0], (std::pair<uint64_t, std::string>{0, "/tmp"}));
    EXPECT_EQ(runs.seen[1], (std::pair<uint64_t, std::string>{1, "/tmp"}));
}

TEST(Periodic, BadSchedulesAreRefused) {
    otto_repeat_opts *raw = nullptr;
    ASSERT_EQ(otto_repeat_opts_new(&raw), OTTO_OK);
    RepeatOpts opts(raw);
    EXPECT_EQ(otto_repeat_opts_set_interval(raw, 0), OTTO_EINVAL);
    EXPECT_EQ(otto_repeat_opts_set_interval(raw, -1), OTTO_EINVAL);
    EXPECT_EQ(otto_repeat_opts_set_duration(raw, -0.5), OTTO_EINVAL);
}

struct Ticks {
    std::mutex mutex;
    std::vector<uint64_t> order;                                  // tick indices as reported
    std::map<std::string, std::map<uint64_t, int32_t>> statuses;  // host -> tick -> status
    std::map<std::string, std::string> skip_reason;
    static void record(const otto_fanout_result *tick, uint64_t index, void *data) {
        auto *self = static_cast<Ticks *>(data);
        std::lock_guard lock(self->mutex);
        self->order.push_back(index);
        for (size_t i = 0; i < otto_fanout_result_count(tick); ++i) {
            std::string host = otto_fanout_result_host(tick, i);
            int32_t status = otto_fanout_result_host_status(tick, i);
            self->statuses[host][index] = status;
            const otto_cmd_result *c = otto_op_cmd_result(otto_fanout_result_op(tick, i));
            if (status == OTTO_STATUS_SKIPPED && c != nullptr)
                self->skip_reason[host] = otto_cmd_result_output(c, nullptr);
        }
    }
    size_t count(const std::string &host, int32_t status) {
        size_t n = 0;
        for (auto &[index, s] : statuses[host]) n += s == status ? 1 : 0;
        return n;
    }
};

TEST(Periodic, APollSkipsASlowHostWithoutDelayingTheFastOnes) {
    auto ctx = open_lab_context(ContextSettings().on_loop_thread());
    ASSERT_TRUE(ctx);
    // ssh0's shell is made slow: each of its runs takes 3.5 s, its ticks 1 s.
    otto_host *slow = nullptr;
    ASSERT_EQ(otto_context_get_host(&slow, ctx.get(), "ssh0"), OTTO_OK);
    ASSERT_EQ(run(slow, "export OTTO_SLOW=3.5").only().status, OTTO_STATUS_SUCCESS);
    auto list = commands_of({"sleep ${OTTO_SLOW:-0}; echo polled"});
    auto opts = repeat_opts(1.0, 4);
    auto hosts = fanout_opts("^(ssh0|ssh1|shell0)$");
    Ticks ticks;
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_context_poll_hosts(&raw, ctx.get(), list.get(), nullptr, hosts.get(), opts.get(), &Ticks::record,
                                      &ticks, nullptr, nullptr),
              OTTO_OK);
    Op op(raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_OK) << otto_op_error_message(op.get());
    EXPECT_EQ(otto_op_kind(op.get()), OTTO_OP_POLL);

    std::lock_guard lock(ticks.mutex);
    std::vector<uint64_t> sorted = ticks.order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<uint64_t>{0, 1, 2, 3}));  // every tick reported once
    // Tick 0 waited for the slow run; tick 1, with the fast hosts only, did not.
    auto position = [&](uint64_t index) { return std::find(ticks.order.begin(), ticks.order.end(), index); };
    EXPECT_LT(position(1), position(0));
    // The slow host was busy with tick 0 during ticks 1 and 2 at least.
    EXPECT_GE(ticks.count("ssh0", OTTO_STATUS_SKIPPED), 2u);
    EXPECT_EQ(ticks.skip_reason["ssh0"], "skipped: still running tick 0");
    EXPECT_EQ(ticks.statuses["ssh0"][0], OTTO_STATUS_SUCCESS);
    for (const char *fast : {"ssh1", "shell0"}) {
        EXPECT_EQ(ticks.statuses[fast].size(), 4u) << fast;
        EXPECT_GT(ticks.count(fast, OTTO_STATUS_SUCCESS), ticks.count("ssh0", OTTO_STATUS_SUCCESS)) << fast;
    }
}

}  // namespace
}  // namespace otto_test
