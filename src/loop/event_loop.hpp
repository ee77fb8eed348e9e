// The one thread that performs all of a context's I/O. Other threads hand it
// work through post(); everything else in otto's core runs on it.
#pragma once

#include <uv.h>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace otto {

class EventLoop {
public:
    using Task = std::function<void()>;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop &) = delete;
    EventLoop &operator=(const EventLoop &) = delete;

    // Starts the loop thread.
    void start();

    // Queues `task` to run on the loop thread, in posting order. Thread-safe.
    // Returns false (and drops the task) once the loop is stopping.
    bool post(Task task);

    // Loop thread only: runs `task` once the current call has returned to
    // the loop, in deferring order (on this turn if the loop is already
    // running deferred calls, a few rounds deep at most). Unlike
    // post() it still works while the loop is stopping, so shutdown work can
    // defer its own steps.
    void defer(Task task);

    bool on_loop_thread() const { return std::this_thread::get_id() == thread_id_.load(); }
    uv_loop_t *uv() { return &loop_; }
    // The EventLoop that owns `loop`.
    static EventLoop &from(uv_loop_t *loop) { return *static_cast<EventLoop *>(loop->data); }

    // Blocking, from a thread other than the loop's: runs `shutdown` on the
    // loop thread, which must call its argument once everything it owns is
    // closed; then tasks still queued run, remaining handles close, and the
    // thread is joined. No task can be posted afterwards.
    void stop(std::function<void(std::function<void()> finished)> shutdown);

    // True from the moment stop() is called.
    bool stopping() const;

private:
    static void on_async(uv_async_t *handle);
    static void on_idle(uv_idle_t *handle);
    void run_tasks();
    static void run_task(Task &task);
    void run_deferred();
    void start_idle();
    void finish();
    void thread_main();

    uv_loop_t loop_{};
    uv_async_t async_{};
    // Active while deferred calls wait: the next turn runs them without a
    // wakeup through the async handle's eventfd (two system calls).
    uv_idle_t idle_{};
    std::thread thread_;
    std::atomic<std::thread::id> thread_id_{};

    mutable std::mutex mutex_;
    std::deque<Task> tasks_;
    std::deque<Task> deferred_;  // loop thread only
    bool accepting_ = true;
    bool finished_ = false;
};

}  // namespace otto
