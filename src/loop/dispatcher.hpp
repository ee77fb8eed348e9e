// Delivers callbacks to the application: on the loop thread directly, or
// queued for otto_context_dispatch() on the application's thread. Also holds
// the context's completion queue and its notify fd.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace otto {

class Operation;

enum class DispatchMode { App = 0, Loop = 1 };

class Dispatcher {
public:
    explicit Dispatcher(DispatchMode mode);
    ~Dispatcher();
    Dispatcher(const Dispatcher &) = delete;
    Dispatcher &operator=(const Dispatcher &) = delete;

    DispatchMode mode() const { return mode_; }
    int notify_fd() const { return event_fd_; }

    // Runs `callback` now (Loop mode) or queues it for dispatch (App mode).
    // `done` runs right after the callback, on the same thread.
    void deliver(std::function<void()> callback);

    // App thread: runs queued callbacks, waiting up to `timeout_ms` for the
    // first. Returns how many ran.
    size_t dispatch(int timeout_ms);

    void push_completion(std::shared_ptr<Operation> op);
    void remove_completion(const Operation *op);
    // Returns the next completed op, or nullptr when none came in time.
    std::shared_ptr<Operation> next_completion(int timeout_ms);

    void wakeup();

private:
    void update_notify_fd_locked();
    template <class Ready>
    bool wait_locked(std::unique_lock<std::mutex> &lock, int timeout_ms, Ready ready);

    const DispatchMode mode_;
    int event_fd_ = -1;
    bool fd_readable_ = false;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::function<void()>> callbacks_;
    std::deque<std::shared_ptr<Operation>> completions_;
    bool woken_ = false;

    // Held while callbacks run, so that those of one op run in order and one
    // at a time even when several threads dispatch.
    std::mutex dispatching_;
};

}  // namespace otto
