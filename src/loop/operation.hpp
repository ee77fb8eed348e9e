// An operation: the future behind every asynchronous call. Completed once on
// the loop thread; observed from any thread by callback, wait or the
// context's completion queue.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "otto.h"

namespace otto {

class Engine;

enum class OpKind {
    Run = OTTO_OP_RUN,
    Oneshot = OTTO_OP_ONESHOT,
    Send = OTTO_OP_SEND,
    Expect = OTTO_OP_EXPECT,
    OpenSession = OTTO_OP_OPEN_SESSION,
    Close = OTTO_OP_CLOSE,
    Fanout = OTTO_OP_FANOUT,
    Repeat = OTTO_OP_REPEAT,
    Poll = OTTO_OP_POLL,
    Transfer = OTTO_OP_TRANSFER,
    File = OTTO_OP_FILE
};

// What a finished op carries besides its error.
using OpPayload =
    std::variant<std::monostate, std::shared_ptr<const otto_run_result>, std::shared_ptr<const otto_cmd_result>,
                 std::string, std::shared_ptr<otto_session>, std::shared_ptr<const otto_fanout_result>,
                 std::shared_ptr<const otto_transfer_result>, std::shared_ptr<const otto_file_result>>;

struct EventSink {
    otto_event_cb callback = nullptr;
    void *user_data = nullptr;
};

class Operation : public std::enable_shared_from_this<Operation> {
public:
    Operation(std::shared_ptr<Engine> engine, OpKind kind, otto_op_cb callback, void *user_data, EventSink events = {});
    virtual ~Operation();
    Operation(const Operation &) = delete;
    Operation &operator=(const Operation &) = delete;

    OpKind kind() const { return kind_; }
    Engine &engine() const { return *engine_; }
    const std::shared_ptr<Engine> &engine_ptr() const { return engine_; }

    // --- any thread ---------------------------------------------------------
    bool done() const;
    // Done and delivered (queued or called back): what otto_op_wait awaits.
    bool settled() const;
    int error() const;  // OTTO_EPENDING until done
    const char *error_message() const;
    // OTTO_OK once done, OTTO_ETIMEDOUT if `timeout_ms` ran out first.
    int wait(int timeout_ms);
    const OpPayload &payload() const { return payload_; }  // immutable once done()
    // The id of the host the op works on; "" for none. Set before submission.
    const std::string &host_id() const { return host_id_; }
    void set_host_id(std::string id) { host_id_ = std::move(id); }

    // The caller of the C API holds the op until otto_op_free().
    void adopt_user_reference();
    // A detached op (submitted without `out`): nobody outside holds it, and
    // the work it runs may hold it only weakly, so it holds itself until it
    // completes; its callback still fires.
    void hold_until_complete();
    // Its submission failed: it will never complete, so nothing holds it.
    void release_own_hold() { self_until_complete_.reset(); }
    // otto_op_free(): no callback runs after this returns; a pending op is
    // canceled.
    void release_user_reference();
    // Loop thread: the caller's reference passes to an internal owner (a
    // fan-out given the op by a user function): nothing is canceled, and the
    // op leaves the completion queue, which is the owner's business now.
    std::shared_ptr<Operation> take_user_reference();
    // otto_op_cancel(): the loop runs the cancel hook if the op is pending.
    void request_cancel();
    bool cancel_requested() const { return cancel_requested_.load(); }

    // --- loop thread --------------------------------------------------------
    // Completes the op; later calls are ignored (an op completes exactly once).
    // Returns true if this call completed it.
    bool complete(int code, std::string message = {}, OpPayload payload = {});
    bool complete_ok(OpPayload payload) { return complete(OTTO_OK, {}, std::move(payload)); }

    // Called (on the loop) when cancellation is requested while pending.
    void set_cancel_hook(std::function<void()> hook);
    // Runs `observer` on the loop, soon after the op completes (or soon, if
    // it has). One observer per op: an internal owner such as a fan-out.
    void when_complete(std::function<void()> observer);

    // Runs `call` where this op's callbacks run (after those already queued),
    // unless the caller has freed the op by then: for callbacks besides the
    // completion, such as a periodic task's per-run one.
    void deliver_callback(std::function<void()> call);

    bool wants_events() const { return events_.callback != nullptr; }
    // Streams one event (borrowed data) to the event callback.
    void emit_event(otto_event_kind_t kind, std::string_view data, size_t command_index);
    // A transfer's progress: file `index` (named by `data`) has `done` of
    // `total` bytes moved.
    void emit_progress(std::string_view data, size_t index, uint64_t done, uint64_t total);

    // Flow control for App-mode dispatch: true while the events waiting for
    // dispatch cost more memory (their bytes and their queue entries) than
    // the high-water mark. `on_drained` runs on the loop once they fall
    // below the low-water mark.
    bool events_backlogged() const;
    void when_events_drained(std::function<void()> on_drained);

private:
    void emit(const otto_event &event);
    void invoke_completion();
    void run_user_callback(const std::function<void()> &call);
    void event_dispatched(size_t cost);
    // Run the cancel / drain hook on the loop (they are loop-thread state).
    void run_cancel_hook_soon();
    void run_drain_hook_soon();

    const std::shared_ptr<Engine> engine_;
    const OpKind kind_;
    const otto_op_cb callback_;
    void *const user_data_;
    const EventSink events_;

    mutable std::mutex mutex_;
    std::condition_variable finished_;
    bool done_ = false;     // the outcome is set
    bool settled_ = false;  // ... and delivered: waiters may return
    int error_ = OTTO_EPENDING;
    std::string error_message_;
    OpPayload payload_;

    std::shared_ptr<Operation> user_reference_;
    std::shared_ptr<Operation> self_until_complete_;  // a detached op's own hold
    std::atomic<bool> user_held_{false};
    std::atomic<bool> cancel_requested_{false};
    std::function<void()> cancel_hook_;  // loop thread only
    std::function<void()> observer_;     // loop thread only
    std::string host_id_;

    // Serialises user callbacks with otto_op_free() (see release_user_reference).
    std::recursive_mutex callback_mutex_;
    bool released_ = false;  // under callback_mutex_

    std::atomic<size_t> queued_event_cost_{0};
    std::function<void()> on_drained_;  // loop thread only
    std::atomic<bool> drain_wanted_{false};
};

}  // namespace otto

struct otto_op final : public otto::Operation {
    using otto::Operation::Operation;
};
