#include "loop/event_loop.hpp"

#include <pthread.h>
#include <signal.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "loop/loop_guard.hpp"

namespace otto {

EventLoop::EventLoop() {
    int rc = uv_loop_init(&loop_);
    if (rc != 0) throw std::runtime_error(std::string("uv_loop_init: ") + uv_strerror(rc));
    rc = uv_async_init(&loop_, &async_, &EventLoop::on_async);
    if (rc != 0) {
        uv_loop_close(&loop_);
        throw std::runtime_error(std::string("uv_async_init: ") + uv_strerror(rc));
    }
    async_.data = this;
    uv_idle_init(&loop_, &idle_);
    idle_.data = this;
    loop_.data = this;
}

EventLoop::~EventLoop() {
    if (thread_.joinable()) {
        // stop() was never called: the owner is being torn down abnormally.
        stop([](std::function<void()> finished) { finished(); });
    }
    if (!finished_) {
        // The thread never ran: close the handles here.
        uv_close(reinterpret_cast<uv_handle_t *>(&async_), nullptr);
        uv_close(reinterpret_cast<uv_handle_t *>(&idle_), nullptr);
        uv_run(&loop_, UV_RUN_DEFAULT);
    }
    uv_loop_close(&loop_);
}

void EventLoop::start() {
    // The loop thread must never take the application's process-directed
    // signals, and a write to a closed pipe must give EPIPE, not kill us.
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGUSR1, SIGUSR2, SIGWINCH})
        sigaddset(&blocked, sig);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    thread_ = std::thread([this] { thread_main(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void EventLoop::thread_main() {
    thread_id_.store(std::this_thread::get_id());
    uv_run(&loop_, UV_RUN_DEFAULT);
}

bool EventLoop::post(Task task) {
    {
        std::lock_guard lock(mutex_);
        if (!accepting_) return false;
        tasks_.push_back(std::move(task));
    }
    // From the loop thread itself (a callback submitting the next command),
    // the next turn runs it without the eventfd round trip.
    if (on_loop_thread()) {
        start_idle();
    } else {
        uv_async_send(&async_);
    }
    return true;
}

void EventLoop::start_idle() {
    if (!finished_ && !uv_is_active(reinterpret_cast<uv_handle_t *>(&idle_)))
        uv_idle_start(&idle_, &EventLoop::on_idle);
}

bool EventLoop::stopping() const {
    std::lock_guard lock(mutex_);
    return !accepting_;
}

void EventLoop::on_async(uv_async_t *handle) { static_cast<EventLoop *>(handle->data)->run_tasks(); }

void EventLoop::defer(Task task) {
    deferred_.push_back(std::move(task));
    if (!finished_ && !uv_is_active(reinterpret_cast<uv_handle_t *>(&idle_)))
        uv_idle_start(&idle_, &EventLoop::on_idle);
}

void EventLoop::on_idle(uv_idle_t *handle) {
    auto *self = static_cast<EventLoop *>(handle->data);
    uv_idle_stop(handle);
    self->run_tasks();
    self->run_deferred();
}

void EventLoop::run_tasks() {
    std::deque<Task> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(tasks_);
    }
    for (auto &task : batch) run_task(task);
}

void EventLoop::run_task(Task &task) {
    // Tasks that work for an op guard themselves and fail it; this is the
    // last resort for one whose guard failed too: it is dropped rather than
    // unwinding into libuv, which would end the process.
    (void)catch_failure(task);
}

void EventLoop::run_deferred() {
    // Calls deferred while these run get a few more rounds in this turn: a
    // command's write defers the pump that sends it, and waiting a turn for
    // that cost every command an empty poll of the loop. The bound keeps a
    // call that keeps deferring itself from starving I/O.
    constexpr int kRoundsPerTurn = 4;
    for (int round = 0; round < kRoundsPerTurn && !deferred_.empty(); ++round) {
        std::deque<Task> batch;
        batch.swap(deferred_);
        for (auto &task : batch) run_task(task);
    }
    // defer() restarted the idle handle for calls that have run by now.
    bool tasks_waiting;
    {
        std::lock_guard lock(mutex_);
        tasks_waiting = !tasks_.empty();
    }
    if (deferred_.empty() && !tasks_waiting) uv_idle_stop(&idle_);
}

void EventLoop::stop(std::function<void(std::function<void()> finished)> shutdown) {
    // The shutdown task is the last one accepted; anything already queued
    // before it runs first.
    {
        std::lock_guard lock(mutex_);
        if (!accepting_) return;
        tasks_.push_back([this, shutdown = std::move(shutdown)] { shutdown([this] { finish(); }); });
        accepting_ = false;
    }
    uv_async_send(&async_);
    if (thread_.joinable()) thread_.join();
}

void EventLoop::finish() {
    if (finished_) return;
    finished_ = true;
    // Drain what is queued; deferred calls may queue more, up to a bound.
    for (int round = 0; round < 1000; ++round) {
        bool idle;
        {
            std::lock_guard lock(mutex_);
            idle = tasks_.empty() && deferred_.empty();
        }
        if (idle) break;
        run_tasks();
        run_deferred();
    }
    // Whatever is still open (a bug elsewhere, or a handle nobody owns) is
    // closed so that uv_run can return and the thread can be joined.
    uv_walk(
        &loop_,
        [](uv_handle_t *handle, void *) {
            if (!uv_is_closing(handle)) uv_close(handle, nullptr);
        },
        nullptr);
}

}  // namespace otto
