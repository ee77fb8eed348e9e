// The engine: the loop thread, the three ways to observe completion, where
// callbacks run, errors, deadlock refusal, and context teardown.
#include <poll.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "host_kinds.hpp"
#include "otto_test.hpp"

namespace otto_test {
namespace {

// poll(), again after a signal: the process takes SIGCHLD from the shells
// and one-shots it runs, and any thread may be the one interrupted.
int poll_in(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    int r;
    do {
        r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r == 1 && (p.revents & POLLIN) ? 1 : r;
}

bool readable(int fd) { return poll_in(fd, 0) == 1; }

Host local_host(otto_context *ctx) { return make_host(ctx, all_host_kinds().front()); }

struct Recorder {
    std::mutex mutex;
    std::vector<std::thread::id> threads;
    std::vector<int> errors;
    std::atomic<int> calls{0};
    static void on_done(otto_op *op, void *ud) {
        auto *self = static_cast<Recorder *>(ud);
        std::lock_guard lock(self->mutex);
        self->threads.push_back(std::this_thread::get_id());
        self->errors.push_back(otto_op_error(op));
        ++self->calls;
    }
};

TEST(Engine, LoopModeCallbacksRunOnOneLoopThread) {
    auto ctx = make_context(OTTO_DISPATCH_LOOP);
    auto host = local_host(ctx.get());
    Recorder rec;
    std::vector<Op> ops;
    for (int i = 0; i < 5; ++i) {
        otto_op *raw = nullptr;
        ASSERT_EQ(otto_host_run(&raw, host.get(), "true", nullptr, &Recorder::on_done, &rec), OTTO_OK);
        ops.emplace_back(raw);
    }
    for (auto &op : ops) ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    for (int i = 0; i < 1000 && rec.calls.load() < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard lock(rec.mutex);
    ASSERT_EQ(rec.threads.size(), 5u);
    std::set<std::thread::id> distinct(rec.threads.begin(), rec.threads.end());
    EXPECT_EQ(distinct.size(), 1u);
    EXPECT_NE(*distinct.begin(), std::this_thread::get_id());
}

TEST(Engine, AppModeCallbacksRunOnlyInsideDispatchOnTheCallersThread) {
    auto ctx = make_context(OTTO_DISPATCH_APP);
    auto host = local_host(ctx.get());
    Recorder rec;
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_run(&raw, host.get(), "echo x", nullptr, &Recorder::on_done, &rec), OTTO_OK);
    Op op(raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(rec.calls.load(), 0);
    EXPECT_TRUE(readable(otto_context_notify_fd(ctx.get())));
    size_t ran = 0;
    ASSERT_EQ(otto_context_dispatch(&ran, ctx.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(ran, 1u);
    EXPECT_EQ(rec.calls.load(), 1);
    EXPECT_EQ(rec.threads.at(0), std::this_thread::get_id());
    EXPECT_FALSE(readable(otto_context_notify_fd(ctx.get())));
    // Ops with a callback never enter the completion queue.
    otto_op *none = nullptr;
    EXPECT_EQ(otto_context_next_completion(&none, ctx.get(), 0), OTTO_ETIMEDOUT);
}

TEST(Engine, CompletionQueueReceivesOpsWithoutCallbackAndDrivesTheNotifyFd) {
    auto ctx = make_context();
    auto host = local_host(ctx.get());
    int fd = otto_context_notify_fd(ctx.get());
    ASSERT_GE(fd, 0);
    EXPECT_FALSE(readable(fd));
    otto_op *a = nullptr, *b = nullptr;
    ASSERT_EQ(otto_host_run(&a, host.get(), "echo a", nullptr, nullptr, nullptr), OTTO_OK);
    ASSERT_EQ(otto_host_oneshot(&b, host.get(), "echo b", nullptr, nullptr, nullptr), OTTO_OK);
    Op opa(a), opb(b);
    std::set<otto_op *> seen;
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(poll_in(fd, kHangMs), 1);
        otto_op *done = nullptr;
        ASSERT_EQ(otto_context_next_completion(&done, ctx.get(), 0), OTTO_OK);
        EXPECT_TRUE(otto_op_is_done(done));
        seen.insert(done);
    }
    EXPECT_EQ(seen, (std::set<otto_op *>{a, b}));
    EXPECT_FALSE(readable(fd));
    EXPECT_EQ(otto_op_kind(a), OTTO_OP_RUN);
    EXPECT_EQ(otto_op_kind(b), OTTO_OP_ONESHOT);
}

TEST(Engine, FreeingAQueuedOpRemovesItFromTheQueue) {
    auto ctx = make_context();
    auto host = local_host(ctx.get());
    otto_op *a = nullptr;
    ASSERT_EQ(otto_host_run(&a, host.get(), "true", nullptr, nullptr, nullptr), OTTO_OK);
    ASSERT_EQ(otto_op_wait(a, kHangMs), OTTO_OK);
    EXPECT_TRUE(readable(otto_context_notify_fd(ctx.get())));
    otto_op_free(a);
    EXPECT_FALSE(readable(otto_context_notify_fd(ctx.get())));
    otto_op *none = nullptr;
    EXPECT_EQ(otto_context_next_completion(&none, ctx.get(), 0), OTTO_ETIMEDOUT);
}

TEST(Engine, WakeupInterruptsABlockingPollAndMarksTheFd) {
    auto ctx = make_context();
    std::atomic<int> result{1};
    std::thread waiter([&] {
        otto_op *op = nullptr;
        result = otto_context_next_completion(&op, ctx.get(), -1);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(otto_context_wakeup(ctx.get()), OTTO_OK);
    waiter.join();
    EXPECT_EQ(result.load(), OTTO_ETIMEDOUT);
    ASSERT_EQ(otto_context_wakeup(ctx.get()), OTTO_OK);
    EXPECT_TRUE(readable(otto_context_notify_fd(ctx.get())));
    size_t ran = 5;
    ASSERT_EQ(otto_context_dispatch(&ran, ctx.get(), -1), OTTO_OK);  // returns at once: woken
    EXPECT_EQ(ran, 0u);
    EXPECT_FALSE(readable(otto_context_notify_fd(ctx.get())));
}

TEST(Engine, AThreadWaitingInDispatchDoesNotBlockOthers) {
    auto ctx = make_context();
    std::thread waiting([&] { otto_context_dispatch(nullptr, ctx.get(), -1); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto other = std::async(std::launch::async, [&] { return otto_context_dispatch(nullptr, ctx.get(), 0); });
    EXPECT_EQ(other.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    otto_context_wakeup(ctx.get());
    waiting.join();
    EXPECT_EQ(other.get(), OTTO_OK);
}

struct Chain {
    otto_host *host = nullptr;
    std::atomic<bool> submitting{false};
    std::atomic<bool> fired_inside_submit{false};
    std::atomic<int> second_calls{0};
    std::atomic<int> first_calls{0};
    std::atomic<int> wait_rc{0}, free_rc{0}, poll_rc{0}, dispatch_rc{0}, zero_wait_rc{0};
    otto_context *ctx = nullptr;
    otto_op *pending = nullptr;
    static void second(otto_op *, void *ud) {
        auto *self = static_cast<Chain *>(ud);
        if (self->submitting.load()) self->fired_inside_submit = true;
        ++self->second_calls;
    }
    static void first(otto_op *op, void *ud) {
        auto *self = static_cast<Chain *>(ud);
        ++self->first_calls;
        // Blocking calls on the loop thread are refused, not hung.
        self->wait_rc = otto_op_wait(self->pending, -1);
        self->zero_wait_rc = otto_op_wait(op, 0);
        self->free_rc = otto_context_free(self->ctx);
        otto_op *none = nullptr;
        self->poll_rc = otto_context_next_completion(&none, self->ctx, 100);
        self->dispatch_rc = otto_context_dispatch(nullptr, self->ctx, 100);
        // A submission from a callback completes later, never inside it.
        self->submitting = true;
        otto_host_run(nullptr, self->host, "true", nullptr, &Chain::second, self);
        self->submitting = false;
    }
};

TEST(Engine, LoopThreadCallbacksCannotBlockAndNeverCompleteInsideSubmit) {
    auto ctx = make_context(OTTO_DISPATCH_LOOP);
    auto host = local_host(ctx.get());
    Chain chain;
    chain.host = host.get();
    chain.ctx = ctx.get();
    otto_op *pending_raw = nullptr;
    ASSERT_EQ(otto_host_oneshot(&pending_raw, host.get(), "sleep 1", nullptr, nullptr, nullptr), OTTO_OK);
    Op pending(pending_raw);
    chain.pending = pending_raw;
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_run(&raw, host.get(), "true", nullptr, &Chain::first, &chain), OTTO_OK);
    Op op(raw);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    for (int i = 0; i < 2000 && chain.second_calls.load() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(chain.first_calls.load(), 1);
    EXPECT_EQ(chain.second_calls.load(), 1);
    EXPECT_FALSE(chain.fired_inside_submit.load());
    EXPECT_EQ(chain.wait_rc.load(), OTTO_EDEADLK);
    EXPECT_EQ(chain.zero_wait_rc.load(), OTTO_OK);
    EXPECT_EQ(chain.free_rc.load(), OTTO_EDEADLK);
    EXPECT_EQ(chain.poll_rc.load(), OTTO_EDEADLK);
    EXPECT_EQ(chain.dispatch_rc.load(), OTTO_EDEADLK);
}

// A callback that otto_context_dispatch runs on the application's thread
// may call back into the context: the calls that would wait on the
// dispatch running them return at once with OTTO_EDEADLK, the others work.
struct Reentry {
    otto_context *ctx = nullptr;
    otto_host *host = nullptr;
    otto_op *other = nullptr;  // finishes while the callback waits for it
    int nested_dispatch = 1, nested_zero_dispatch = 1, nested_free = 1, next_completion = 1, next_log = 1;
    int wait_other = 1, wait_own = 1, own_event_wait = 1;
    int other_lines_before_wait = -1, other_lines = 0, own_lines = 0;
    static void on_done(otto_op *op, void *ud) {
        auto *self = static_cast<Reentry *>(ud);
        self->nested_dispatch = otto_context_dispatch(nullptr, self->ctx, 100);
        self->nested_zero_dispatch = otto_context_dispatch(nullptr, self->ctx, 0);
        self->nested_free = otto_context_free(self->ctx);
        otto_op *none = nullptr;
        self->next_completion = otto_context_next_completion(&none, self->ctx, 50);
        otto_log_entry *entry = nullptr;
        self->next_log = otto_context_next_log(&entry, self->ctx, 50);
        otto_log_entry_free(entry);
        // Waiting for another op here is legal: its events run in this wait.
        self->other_lines_before_wait = self->other_lines;
        self->wait_other = otto_op_wait(self->other, kHangMs);
        self->wait_own = otto_op_wait(op, kHangMs);
    }
    static void on_other_line(otto_op *, const otto_event *, void *ud) { static_cast<Reentry *>(ud)->other_lines++; }
    static void on_own_line(otto_op *op, const otto_event *, void *ud) {
        auto *self = static_cast<Reentry *>(ud);
        // Its own later events run only after this one: refused, not hung.
        if (self->own_lines++ == 0) self->own_event_wait = otto_op_wait(op, kHangMs);
    }
};

// Turns a hang into a failure (and an abort: a hung thread cannot be
// joined).
class Watchdog {
public:
    explicit Watchdog(int seconds)
        : thread_([this, seconds] {
              std::unique_lock lock(mutex_);
              if (!done_cv_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) {
                  std::fprintf(stderr, "watchdog: the test hung\n");
                  std::abort();
              }
          }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        done_cv_.notify_all();
        thread_.join();
    }

private:
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::thread thread_;
};

TEST(Engine, ReentryFromADispatchedCallbackReturnsInsteadOfHanging) {
    Watchdog watchdog(120);
    otto_context_opts *opts_raw = nullptr;
    ASSERT_EQ(otto_context_opts_new(&opts_raw), OTTO_OK);
    ContextOpts opts(opts_raw);
    ASSERT_EQ(otto_context_opts_set_log_queue(opts.get(), 16), OTTO_OK);
    otto_context *ctx_raw = nullptr;
    ASSERT_EQ(otto_context_new(&ctx_raw, opts.get()), OTTO_OK);
    Context ctx(ctx_raw);
    auto host = local_host(ctx.get());
    Reentry re;
    re.ctx = ctx.get();
    re.host = host.get();
    otto_run_opts *run_raw = nullptr;
    ASSERT_EQ(otto_run_opts_new(&run_raw), OTTO_OK);
    RunOpts other_opts(run_raw);
    ASSERT_EQ(otto_run_opts_set_event_cb(other_opts.get(), &Reentry::on_other_line, &re), OTTO_OK);
    otto_op *other_raw = nullptr;
    ASSERT_EQ(otto_host_oneshot(&other_raw, host.get(), "sleep 1; seq 1 1000", other_opts.get(), nullptr, nullptr),
              OTTO_OK);
    Op other(other_raw);
    re.other = other.get();
    otto_op *op_raw = nullptr;
    ASSERT_EQ(otto_host_oneshot(&op_raw, host.get(), "true", nullptr, &Reentry::on_done, &re), OTTO_OK);
    Op op(op_raw);
    size_t ran = 0;
    for (int i = 0; i < 200 && ran == 0; ++i) ASSERT_EQ(otto_context_dispatch(&ran, ctx.get(), 50), OTTO_OK);
    EXPECT_EQ(re.nested_dispatch, OTTO_EDEADLK);
    EXPECT_EQ(re.nested_zero_dispatch, OTTO_EDEADLK);
    EXPECT_EQ(re.nested_free, OTTO_EDEADLK);
    EXPECT_EQ(re.next_completion, OTTO_ETIMEDOUT);
    EXPECT_EQ(re.next_log, OTTO_OK);  // the command's log entry
    EXPECT_EQ(re.other_lines_before_wait, 0);
    EXPECT_EQ(re.wait_other, OTTO_OK);
    EXPECT_EQ(re.other_lines, 1000);
    EXPECT_EQ(re.wait_own, OTTO_OK);

    // A wait on an op from inside its own event callback is refused.
    ASSERT_EQ(otto_run_opts_new(&run_raw), OTTO_OK);
    RunOpts own_opts(run_raw);
    ASSERT_EQ(otto_run_opts_set_event_cb(own_opts.get(), &Reentry::on_own_line, &re), OTTO_OK);
    ASSERT_EQ(otto_host_oneshot(&op_raw, host.get(), "seq 1 3", own_opts.get(), nullptr, nullptr), OTTO_OK);
    Op own(op_raw);
    ASSERT_EQ(otto_op_wait(own.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(re.own_lines, 3);
    EXPECT_EQ(re.own_event_wait, OTTO_EDEADLK);

    // Once the dispatch has returned, the context frees as usual.
    other.reset();
    op.reset();
    own.reset();
    host.reset();
    EXPECT_EQ(otto_context_free(ctx.release()), OTTO_OK);
}

TEST(Engine, DetachedOpsStillCallBack) {
    auto ctx = make_context();
    auto host = local_host(ctx.get());
    Recorder rec;
    ASSERT_EQ(otto_host_run(nullptr, host.get(), "true", nullptr, &Recorder::on_done, &rec), OTTO_OK);
    for (int i = 0; i < 200 && rec.calls.load() == 0; ++i) otto_context_dispatch(nullptr, ctx.get(), 50);
    EXPECT_EQ(rec.calls.load(), 1);
    EXPECT_EQ(rec.errors.at(0), OTTO_OK);
}

TEST(Engine, FreeingAPendingOpCancelsItSilently) {
    auto ctx = make_context(OTTO_DISPATCH_LOOP);
    auto host = local_host(ctx.get());
    Recorder rec;
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_run(&raw, host.get(), "sleep 999", nullptr, &Recorder::on_done, &rec), OTTO_OK);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    otto_op_free(raw);
    // The session recovers and serves the next op; the freed op never called.
    EXPECT_EQ(run(host.get(), "echo next").only().output, "next");
    EXPECT_EQ(rec.calls.load(), 0);
}

TEST(Engine, CancelingAQueuedOpLeavesTheOthers) {
    auto ctx = make_context();
    auto host = local_host(ctx.get());
    otto_op *a = nullptr, *b = nullptr, *c = nullptr;
    ASSERT_EQ(otto_host_run(&a, host.get(), "sleep 0.3; echo a", nullptr, nullptr, nullptr), OTTO_OK);
    ASSERT_EQ(otto_host_run(&b, host.get(), "echo b", nullptr, nullptr, nullptr), OTTO_OK);
    ASSERT_EQ(otto_host_run(&c, host.get(), "echo c", nullptr, nullptr, nullptr), OTTO_OK);
    Op opa(a), opb(b), opc(c);
    ASSERT_EQ(otto_op_cancel(b), OTTO_OK);
    EXPECT_EQ(wait_run(a).only().output, "a");
    EXPECT_EQ(wait_run(b).error, OTTO_ECANCELED);
    EXPECT_EQ(wait_run(c).only().output, "c");
    ASSERT_EQ(otto_op_cancel(c), OTTO_OK);  // too late: nothing changes
    EXPECT_EQ(otto_op_error(c), OTTO_OK);
}

class Teardown : public ::testing::TestWithParam<int> {};

TEST_P(Teardown, FreeingTheContextCompletesEveryOpOnceAsCanceled) {
    auto ctx = make_context(GetParam());
    auto host = local_host(ctx.get());
    ASSERT_EQ(run(host.get(), "true").only().status, OTTO_STATUS_SUCCESS);
    Recorder rec;
    std::vector<otto_op *> ops;
    auto add = [&](int rc, otto_op **op) {
        ASSERT_EQ(rc, OTTO_OK);
        ops.push_back(op != nullptr ? *op : nullptr);
    };
    otto_op *raw = nullptr;
    add(otto_host_run(&raw, host.get(), "sleep 30", nullptr, &Recorder::on_done, &rec), &raw);
    add(otto_host_run(&raw, host.get(), "echo queued", nullptr, &Recorder::on_done, &rec), &raw);
    add(otto_host_oneshot(&raw, host.get(), "sleep 30", nullptr, &Recorder::on_done, &rec), &raw);
    add(otto_host_open_session(&raw, host.get(), "named", &Recorder::on_done, &rec), &raw);
    add(otto_host_run(nullptr, host.get(), "sleep 30", nullptr, &Recorder::on_done, &rec), nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    otto_context *raw_ctx = ctx.release();
    ASSERT_EQ(otto_context_free(raw_ctx), OTTO_OK);
    // In App mode the callbacks ran inside otto_context_free; in Loop mode
    // before the loop thread ended.
    EXPECT_EQ(rec.calls.load(), 5);
    int canceled = 0;
    for (int e : rec.errors) canceled += e == OTTO_ECANCELED;
    EXPECT_GE(canceled, 4);  // the named session may have opened in time
    for (otto_op *op : ops) {
        if (op == nullptr) continue;
        EXPECT_TRUE(otto_op_is_done(op));
    }
    EXPECT_EQ(otto_op_error(ops[0]), OTTO_ECANCELED);
    EXPECT_EQ(otto_op_error(ops[1]), OTTO_ECANCELED);
    EXPECT_EQ(otto_op_error(ops[2]), OTTO_ECANCELED);
    // Handles outliving the context fail cleanly and call nothing back.
    EXPECT_EQ(otto_host_run(&raw, host.get(), "true", nullptr, &Recorder::on_done, &rec), OTTO_ECLOSED);
    EXPECT_EQ(rec.calls.load(), 5);
    for (otto_op *op : ops)
        if (op != nullptr) {
            otto_session *s = nullptr;
            if (otto_op_kind(op) == OTTO_OP_OPEN_SESSION && otto_op_error(op) == OTTO_OK) {
                ASSERT_EQ(otto_op_take_session(&s, op), OTTO_OK);
                otto_session_free(s);
            }
            otto_op_free(op);
        }
}

INSTANTIATE_TEST_SUITE_P(Modes, Teardown, ::testing::Values(OTTO_DISPATCH_APP, OTTO_DISPATCH_LOOP),
                         [](const ::testing::TestParamInfo<int> &mode) {
                             return mode.param == OTTO_DISPATCH_APP ? std::string("app") : std::string("loop");
                         });

TEST(Errors, EveryCodeHasItsOwnDescription) {
    std::set<std::string> texts;
    for (int code = OTTO_OK; code >= OTTO_EPENDING; --code) {
        std::string text = otto_strerror(code);
        EXPECT_FALSE(text.empty());
        EXPECT_NE(text, "unknown error") << code;
        texts.insert(text);
    }
    EXPECT_EQ(texts.size(), static_cast<size_t>(-OTTO_EPENDING + 1));
    EXPECT_STREQ(otto_strerror(-1000), "unknown error");
}

TEST(Errors, LastErrorIsPerThreadAndNamesTheArgument) {
    otto_last_error_clear();
    EXPECT_EQ(otto_host_new_local(nullptr, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_EQ(otto_last_error(), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("out"), std::string::npos);
    std::thread other([] {
        EXPECT_EQ(otto_last_error(), OTTO_OK);
        EXPECT_STREQ(otto_last_error_message(), "");
    });
    other.join();
    otto_host *host = nullptr;
    EXPECT_EQ(otto_host_new_local(&host, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("ctx"), std::string::npos);
    EXPECT_EQ(host, nullptr);
    otto_last_error_clear();
    EXPECT_EQ(otto_last_error(), OTTO_OK);
}

TEST(Errors, PerOpErrorsCarryTheirOwnMessage) {
    auto ctx = make_context();
    auto host = local_host(ctx.get());
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_expect(&raw, host.get(), "absent-pattern", 0.2, nullptr, nullptr), OTTO_OK);
    Op op(raw);
    EXPECT_EQ(otto_op_error(op.get()) == OTTO_EPENDING || otto_op_error(op.get()) == OTTO_ETIMEDOUT, true);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_ETIMEDOUT);
    EXPECT_NE(std::string(otto_op_error_message(op.get())).find("absent-pattern"), std::string::npos);
}

TEST(Version, RuntimeMatchesTheHeader) {
    int32_t major = -1, minor = -1, patch = -1;
    EXPECT_STREQ(otto_version(&major, &minor, &patch), OTTO_VERSION_STRING);
    EXPECT_EQ(major, OTTO_VERSION_MAJOR);
    EXPECT_EQ(minor, OTTO_VERSION_MINOR);
    EXPECT_EQ(patch, OTTO_VERSION_PATCH);
    EXPECT_EQ(otto_version_check(OTTO_VERSION_NUMBER), OTTO_OK);
    EXPECT_EQ(otto_version_check(OTTO_VERSION_NUMBER + (1u << 16)), OTTO_EVERSION);
    EXPECT_EQ(otto_version_check(OTTO_VERSION_NUMBER + (1u << 8)), OTTO_EVERSION);
    EXPECT_NE(std::string(otto_last_error_message()).find(OTTO_VERSION_STRING), std::string::npos);
}

struct LogSink {
    std::mutex mutex;
    std::vector<std::tuple<int, int, std::string, std::string, std::string>> entries;
    static void on_log(const otto_log_entry *e, void *ud) {
        auto *self = static_cast<LogSink *>(ud);
        size_t len = 0;
        const char *text = otto_log_entry_text(e, &len);
        std::lock_guard lock(self->mutex);
        self->entries.emplace_back(otto_log_entry_level(e), otto_log_entry_kind(e), otto_log_entry_host(e),
                                   otto_log_entry_session(e), std::string(text, len));
    }
    bool has(int kind, const std::string &text) {
        std::lock_guard lock(mutex);
        for (auto &[level, k, host, session, t] : entries)
            if (k == kind && t.find(text) != std::string::npos) return true;
        return false;
    }
};

Context logging_context(LogSink *sink, bool dry_run = false) {
    otto_context_opts *raw = nullptr;
    EXPECT_EQ(otto_context_opts_new(&raw), OTTO_OK);
    ContextOpts opts(raw);
    otto_context_opts_set_dispatch(opts.get(), OTTO_DISPATCH_LOOP);
    otto_context_opts_set_log_cb(opts.get(), &LogSink::on_log, sink);
    otto_context_opts_set_dry_run(opts.get(), dry_run ? 1 : 0);
    otto_context *ctx = nullptr;
    EXPECT_EQ(otto_context_new(&ctx, opts.get()), OTTO_OK);
    return Context(ctx);
}

TEST(Log, CommandsOutputAndReplacementsAreLoggedWithTheirHost) {
    LogSink sink;
    auto ctx = logging_context(&sink);
    auto host =
        make_host(ctx.get(), all_host_kinds().front(), [](otto_host_opts *o) { otto_host_opts_set_id(o, "bench"); });
    EXPECT_STREQ(otto_host_id(host.get()), "bench");
    EXPECT_EQ(otto_host_kind(host.get()), OTTO_HOST_LOCAL);
    run(host.get(), "echo logged-output");
    run(host.get(), "exit 1");
    run(host.get(), "true");
    EXPECT_TRUE(sink.has(OTTO_LOG_KIND_COMMAND, "echo logged-output"));
    EXPECT_TRUE(sink.has(OTTO_LOG_KIND_OUTPUT, "logged-output"));
    EXPECT_TRUE(sink.has(OTTO_LOG_KIND_WARNING, "fresh one"));
    std::lock_guard lock(sink.mutex);
    for (auto &[level, kind, host_id, session, text] : sink.entries) {
        EXPECT_EQ(host_id, "bench");
        EXPECT_EQ(text.find("__OTTO_"), std::string::npos) << text;
    }
}

TEST(Log, NeverModeLogsNoCommandsAndExpectResponsesNeverAppear) {
    LogSink sink;
    auto ctx = logging_context(&sink);
    auto quiet = make_host(ctx.get(), all_host_kinds().front(),
                           [](otto_host_opts *o) { otto_host_opts_set_log_mode(o, OTTO_LOG_MODE_NEVER); });
    run(quiet.get(), "echo secret-command");
    EXPECT_FALSE(sink.has(OTTO_LOG_KIND_COMMAND, "secret-command"));
    EXPECT_FALSE(sink.has(OTTO_LOG_KIND_OUTPUT, "secret-command"));
    auto normal = make_host(ctx.get(), all_host_kinds().front());
    auto opts = run_opts_with_timeout(10);
    otto_run_opts_add_expect(opts.get(), "pw:", "hunter2\n", OTTO_EXPECT_SECRET);
    EXPECT_EQ(run(normal.get(), "printf 'pw:'; read -r p; echo ok", opts.get()).only().output, "pw:ok");
    std::lock_guard lock(sink.mutex);
    for (auto &[level, kind, host_id, session, text] : sink.entries)
        EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
}

// A context whose log goes to a queue of `capacity` entries (and to `sink`
// too when given, on the loop thread).
Context queued_log_context(size_t capacity, LogSink *sink = nullptr) {
    otto_context_opts *raw = nullptr;
    EXPECT_EQ(otto_context_opts_new(&raw), OTTO_OK);
    ContextOpts opts(raw);
    otto_context_opts_set_dispatch(opts.get(), OTTO_DISPATCH_LOOP);
    if (sink != nullptr) otto_context_opts_set_log_cb(opts.get(), &LogSink::on_log, sink);
    EXPECT_EQ(otto_context_opts_set_log_queue(opts.get(), capacity), OTTO_OK);
    otto_context *ctx = nullptr;
    EXPECT_EQ(otto_context_new(&ctx, opts.get()), OTTO_OK);
    return Context(ctx);
}

using QueuedEntry = std::tuple<int, int, std::string, std::string, std::string>;

// Takes every entry waiting in the queue.
std::vector<QueuedEntry> drain_log(otto_context *ctx) {
    std::vector<QueuedEntry> taken;
    otto_log_entry *entry = nullptr;
    while (otto_context_next_log(&entry, ctx, 0) == OTTO_OK) {
        size_t len = 0;
        const char *text = otto_log_entry_text(entry, &len);
        taken.emplace_back(otto_log_entry_level(entry), otto_log_entry_kind(entry), otto_log_entry_host(entry),
                           otto_log_entry_session(entry), std::string(text, len));
        otto_log_entry_free(entry);
    }
    EXPECT_EQ(entry, nullptr);
    return taken;
}

TEST(LogQueue, HoldsTheSameEntriesAsTheCallbackInOrder) {
    LogSink sink;
    auto ctx = queued_log_context(1000, &sink);
    auto host =
        make_host(ctx.get(), all_host_kinds().front(), [](otto_host_opts *o) { otto_host_opts_set_id(o, "queued"); });
    run(host.get(), "echo first; echo second");
    EXPECT_TRUE(readable(otto_context_notify_fd(ctx.get())));
    auto taken = drain_log(ctx.get());
    EXPECT_FALSE(readable(otto_context_notify_fd(ctx.get())));
    std::lock_guard lock(sink.mutex);
    EXPECT_EQ(taken, sink.entries);
    std::vector<std::string> outputs;
    for (auto &[level, kind, host_id, session, text] : taken) {
        EXPECT_EQ(host_id, "queued");
        if (kind == OTTO_LOG_KIND_OUTPUT) outputs.push_back(text);
    }
    EXPECT_EQ(outputs, (std::vector<std::string>{"first", "second"}));
}

TEST(LogQueue, AFullQueueDropsTheOldestAndSaysHowMany) {
    LogSink sink;
    auto ctx = queued_log_context(3, &sink);
    auto host = make_host(ctx.get(), all_host_kinds().front());
    run(host.get(), "for i in 1 2 3 4 5 6 7 8 9 10; do echo line$i; done");
    auto taken = drain_log(ctx.get());
    std::lock_guard lock(sink.mutex);
    ASSERT_GT(sink.entries.size(), 3u);
    ASSERT_EQ(taken.size(), 4u);
    auto &[level, kind, host_id, session, text] = taken.front();
    EXPECT_EQ(level, OTTO_LOG_WARNING);
    EXPECT_EQ(kind, OTTO_LOG_KIND_WARNING);
    EXPECT_EQ(text, std::to_string(sink.entries.size() - 3) +
                        " log entries were dropped: the log queue holds 3 and was full");
    EXPECT_EQ(std::vector<QueuedEntry>(taken.begin() + 1, taken.end()),
              std::vector<QueuedEntry>(sink.entries.end() - 3, sink.entries.end()));
}

TEST(LogQueue, NoQueueIsAnErrorAnEmptyQueueTimesOutAndWakeupInterruptsAWait) {
    LogSink sink;
    auto plain = logging_context(&sink);
    otto_log_entry *entry = nullptr;
    EXPECT_EQ(otto_context_next_log(&entry, plain.get(), 0), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("otto_context_opts_set_log_queue"), std::string::npos);
    EXPECT_EQ(otto_context_next_log(nullptr, plain.get(), 0), OTTO_EINVAL);

    auto ctx = queued_log_context(10);
    EXPECT_EQ(otto_context_next_log(&entry, ctx.get(), 0), OTTO_ETIMEDOUT);
    EXPECT_EQ(otto_context_next_log(&entry, ctx.get(), 20), OTTO_ETIMEDOUT);
    EXPECT_EQ(entry, nullptr);
    auto waiting = std::async(std::launch::async, [&] {
        otto_log_entry *got = nullptr;
        return otto_context_next_log(&got, ctx.get(), -1);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(otto_context_wakeup(ctx.get()), OTTO_OK);
    ASSERT_EQ(waiting.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "a hang";
    EXPECT_EQ(waiting.get(), OTTO_ETIMEDOUT);
    otto_log_entry_free(nullptr);
}

TEST(DryRun, NothingIsContacted) {
    LogSink sink;
    auto ctx = logging_context(&sink, true);
    TempDir dir;
    auto host = make_host(ctx.get(), all_host_kinds().front(), [&](otto_host_opts *o) {
        auto argv = counting_shell(all_host_kinds().front(), dir.file("starts"), 0);
        std::vector<const char *> args;
        for (auto &a : argv) args.push_back(a.c_str());
        otto_host_opts_set_shell(o, args.data(), args.size());
    });
    auto r = run_list(host.get(), {"touch " + dir.file("touched"), "echo x"});
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_EQ(r.status, OTTO_STATUS_NOTRUN);
    for (auto &c : r.commands) {
        EXPECT_EQ(c.status, OTTO_STATUS_NOTRUN);
        EXPECT_EQ(c.retcode, -1);
        EXPECT_FALSE(c.timed_out);
    }
    EXPECT_EQ(send(host.get(), "anything\n"), OTTO_OK);
    EXPECT_EQ(expect(host.get(), "x", 1.0), OTTO_ENOTRUN);
    auto one = oneshot(host.get(), "touch " + dir.file("touched"));
    EXPECT_EQ(one.status, OTTO_STATUS_NOTRUN);
    auto session = open_session(host.get(), "dry");
    ASSERT_TRUE(session);
    EXPECT_EQ(run(session.get(), "echo named").only().status, OTTO_STATUS_NOTRUN);
    EXPECT_FALSE(std::ifstream(dir.file("starts")).good());
    EXPECT_FALSE(std::ifstream(dir.file("touched")).good());
    EXPECT_TRUE(sink.has(OTTO_LOG_KIND_COMMAND, "[dry run] echo x"));
}

TEST(Arguments, NullsAndBadValuesAreRefusedWithMessages) {
    auto ctx = make_context();
    auto host = local_host(ctx.get());
    otto_op *op = nullptr;
    EXPECT_EQ(otto_host_run(&op, host.get(), nullptr, nullptr, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("command"), std::string::npos);
    EXPECT_EQ(otto_host_run(&op, nullptr, "true", nullptr, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_EQ(otto_host_send(&op, host.get(), nullptr, 3, nullptr, nullptr), OTTO_EINVAL);
    EXPECT_EQ(op, nullptr);
    otto_host_opts *opts = nullptr;
    ASSERT_EQ(otto_host_opts_new(&opts), OTTO_OK);
    EXPECT_EQ(otto_host_opts_set_timing(opts, 99, 1.0), OTTO_EINVAL);
    EXPECT_EQ(otto_host_opts_set_timing(opts, OTTO_TIMING_RECOVER, INFINITY), OTTO_EINVAL);
    EXPECT_EQ(otto_host_opts_set_command_frame(opts, 7), OTTO_EINVAL);
    EXPECT_EQ(otto_host_opts_set_shell(opts, nullptr, 0), OTTO_EINVAL);
    EXPECT_EQ(otto_host_opts_set_id(opts, ""), OTTO_EINVAL);
    otto_host_opts_free(opts);
    otto_context_opts *copts = nullptr;
    ASSERT_EQ(otto_context_opts_new(&copts), OTTO_OK);
    EXPECT_EQ(otto_context_opts_set_dispatch(copts, 3), OTTO_EINVAL);
    otto_context_opts_free(copts);
    EXPECT_EQ(otto_context_free(nullptr), OTTO_OK);
    otto_host_free(nullptr);
    otto_op_free(nullptr);
    otto_session_free(nullptr);
}

}  // namespace
}  // namespace otto_test
