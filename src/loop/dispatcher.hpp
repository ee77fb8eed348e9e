// Delivers callbacks to the application: on the loop thread directly, or
// queued for otto_context_dispatch() on the application's thread. Also holds
// the context's completion queue, its log queue and its notify fd.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "loop/records.hpp"

namespace otto {

class Operation;

enum class DispatchMode { App = 0, Loop = 1 };

class Dispatcher {
public:
    // `log_capacity`: how many log entries wait for otto_context_next_log
    // at most; 0 keeps no log queue.
    Dispatcher(DispatchMode mode, size_t log_capacity);
    ~Dispatcher();
    Dispatcher(const Dispatcher &) = delete;
    Dispatcher &operator=(const Dispatcher &) = delete;

    DispatchMode mode() const { return mode_; }
    // The fd is kept readable while something waits only once it has been
    // asked for: an application that never polls it pays no system call
    // per completion.
    int notify_fd();

    // Runs `callback` now (Loop mode) or queues it for dispatch (App mode).
    // `owner` is the op whose callback it is (nullptr: the context's own,
    // a log entry); `event` marks a streaming event, which a wait on its op
    // may run (wait_for_op).
    void deliver(std::function<void()> callback, const Operation *owner = nullptr, bool event = false);

    // App thread: runs the callbacks queued when it starts, waiting up to
    // `timeout_ms` for the first. Returns how many ran.
    size_t dispatch(int timeout_ms);

    // App mode, any thread but the loop's: waits up to `timeout_ms` until
    // `op` is settled, running its queued events meanwhile, in order, on
    // the calling thread (its completion callback stays queued). Once it
    // returns true every event of `op` has run: all were queued before it
    // settled.
    bool wait_for_op(const Operation &op, int timeout_ms);
    // Wakes wait_for_op() once `op` has settled.
    void op_settled();

    // True while the calling thread is inside a callback this dispatcher
    // runs (of `op`, for the second): a nested dispatch or free there
    // would wait on itself.
    bool running_callback_here() const;
    bool running_callback_of(const Operation *op) const;

    void push_completion(std::shared_ptr<Operation> op);
    void remove_completion(const Operation *op);
    // Returns the next completed op, or nullptr when none came in time.
    std::shared_ptr<Operation> next_completion(int timeout_ms);

    bool keeps_log() const { return log_capacity_ > 0; }
    // Queues a log entry; when the queue is full the oldest entry goes and
    // is counted, and the next entry taken says how many went.
    void push_log(otto_log_entry entry);
    // The next log entry, or nothing when none came in time.
    std::unique_ptr<otto_log_entry> next_log(int timeout_ms);

    void wakeup();

private:
    struct Entry {
        std::function<void()> call;
        const Operation *owner = nullptr;
        bool event = false;
    };

    void run_entry(Entry &entry);
    bool has_events_of_locked(const Operation *op) const;
    void update_notify_fd_locked();
    template <class Ready>
    bool wait_locked(std::unique_lock<std::mutex> &lock, int timeout_ms, Ready ready);

    const DispatchMode mode_;
    int event_fd_ = -1;
    bool fd_watched_ = false;  // notify_fd() was called
    bool fd_readable_ = false;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Entry> callbacks_;
    std::deque<std::shared_ptr<Operation>> completions_;
    const size_t log_capacity_;
    std::deque<otto_log_entry> log_;
    size_t log_dropped_ = 0;
    bool woken_ = false;

    // Held while callbacks are taken and run, so that those of one op run in
    // order and one at a time even when several threads dispatch or wait.
    // Recursive: a callback may wait on another op, which runs that op's
    // events on the same thread.
    std::recursive_mutex dispatching_;
};

}  // namespace otto
