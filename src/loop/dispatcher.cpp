#include "loop/dispatcher.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "loop/operation.hpp"
#include "otto.h"

namespace otto {

Dispatcher::Dispatcher(DispatchMode mode, size_t log_capacity) : mode_(mode), log_capacity_(log_capacity) {
    event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (event_fd_ < 0) throw std::runtime_error("eventfd failed");
}

Dispatcher::~Dispatcher() {
    if (event_fd_ >= 0) close(event_fd_);
}

int Dispatcher::notify_fd() {
    std::lock_guard lock(mutex_);
    fd_watched_ = true;
    update_notify_fd_locked();
    return event_fd_;
}

// Level-triggered readability: the fd is readable exactly while something
// waits to be dispatched or taken (or a wakeup is pending).
void Dispatcher::update_notify_fd_locked() {
    if (!fd_watched_) return;
    bool want = !callbacks_.empty() || !completions_.empty() || !log_.empty() || log_dropped_ > 0 || woken_;
    if (want == fd_readable_) return;
    uint64_t value = 1;
    if (want) {
        while (write(event_fd_, &value, sizeof value) < 0 && errno == EINTR) {
        }
    } else {
        while (read(event_fd_, &value, sizeof value) < 0 && errno == EINTR) {
        }
    }
    fd_readable_ = want;
}

template <class Ready>
bool Dispatcher::wait_locked(std::unique_lock<std::mutex> &lock, int timeout_ms, Ready ready) {
    auto stop_waiting = [&] { return ready() || woken_; };
    if (timeout_ms < 0) {
        changed_.wait(lock, stop_waiting);
    } else if (timeout_ms > 0) {
        changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), stop_waiting);
    }
    return ready();
}

void Dispatcher::deliver(std::function<void()> callback, const Operation *owner, bool event) {
    if (mode_ == DispatchMode::Loop) {
        callback();
        return;
    }
    std::lock_guard lock(mutex_);
    callbacks_.push_back(Entry{std::move(callback), owner, event});
    update_notify_fd_locked();
    changed_.notify_all();
}

namespace {
// The callbacks a thread is running, innermost first: a callback may wait
// on another op, whose events then run inside it.
struct RunningCallback {
    const Dispatcher *dispatcher;
    const Operation *owner;
    const RunningCallback *outer;
};
thread_local const RunningCallback *running_here = nullptr;
}  // namespace

void Dispatcher::run_entry(Entry &entry) {
    RunningCallback frame{this, entry.owner, running_here};
    running_here = &frame;
    struct Restore {
        const RunningCallback *outer;
        ~Restore() { running_here = outer; }
    } restore{frame.outer};
    entry.call();
}

bool Dispatcher::running_callback_here() const {
    for (auto *frame = running_here; frame != nullptr; frame = frame->outer)
        if (frame->dispatcher == this) return true;
    return false;
}

bool Dispatcher::running_callback_of(const Operation *op) const {
    for (auto *frame = running_here; frame != nullptr; frame = frame->outer)
        if (frame->dispatcher == this && frame->owner == op) return true;
    return false;
}

size_t Dispatcher::dispatch(int timeout_ms) {
    // Wait without holding the serial lock, so a thread blocked here never
    // stops another (or otto_context_free) from dispatching.
    {
        std::unique_lock lock(mutex_);
        wait_locked(lock, timeout_ms, [this] { return !callbacks_.empty(); });
        woken_ = false;
        update_notify_fd_locked();
    }
    // Taking a callback and running it happen under one serial lock, one at
    // a time in queue order, so an op's callbacks stay ordered; those queued
    // meanwhile wait for the next dispatch, so a busy loop cannot keep this
    // call from returning.
    std::lock_guard serial(dispatching_);
    size_t queued;
    {
        std::lock_guard lock(mutex_);
        queued = callbacks_.size();
    }
    size_t ran = 0;
    for (; ran < queued; ++ran) {
        Entry entry;
        {
            std::lock_guard lock(mutex_);
            if (callbacks_.empty()) break;  // a wait on an op took its events
            entry = std::move(callbacks_.front());
            callbacks_.pop_front();
            update_notify_fd_locked();
        }
        run_entry(entry);
    }
    return ran;
}

bool Dispatcher::has_events_of_locked(const Operation *op) const {
    for (const auto &entry : callbacks_)
        if (entry.event && entry.owner == op) return true;
    return false;
}

bool Dispatcher::wait_for_op(const Operation &op, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
    while (true) {
        // Read before taking the events: every event of a settled op is
        // queued already, so this round takes the last of them.
        bool settled = op.settled();
        std::unique_lock serial(dispatching_, std::defer_lock);
        if (timeout_ms < 0) {
            serial.lock();
        } else {
            // Another thread is running callbacks: they end soon, as
            // callbacks do. Polled rather than a timed lock, which thread
            // checkers do not follow on a recursive mutex.
            while (!serial.try_lock()) {
                if (std::chrono::steady_clock::now() >= deadline) return false;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
        std::deque<Entry> mine;
        {
            std::lock_guard lock(mutex_);
            if (has_events_of_locked(&op)) {
                std::deque<Entry> others;
                for (auto &entry : callbacks_)
                    (entry.event && entry.owner == &op ? mine : others).push_back(std::move(entry));
                callbacks_.swap(others);
                update_notify_fd_locked();
            }
        }
        for (auto &entry : mine) run_entry(entry);
        serial.unlock();
        if (settled) return true;
        if (!mine.empty()) continue;
        std::unique_lock lock(mutex_);
        auto ready = [&] { return op.settled() || has_events_of_locked(&op); };
        if (timeout_ms < 0) {
            changed_.wait(lock, ready);
        } else if (!changed_.wait_until(lock, deadline, ready)) {
            return false;
        }
    }
}

void Dispatcher::op_settled() {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
}

void Dispatcher::push_completion(std::shared_ptr<Operation> op) {
    std::lock_guard lock(mutex_);
    completions_.push_back(std::move(op));
    update_notify_fd_locked();
    changed_.notify_all();
}

void Dispatcher::remove_completion(const Operation *op) {
    std::shared_ptr<Operation> removed;  // released outside the lock
    std::lock_guard lock(mutex_);
    for (auto it = completions_.begin(); it != completions_.end(); ++it) {
        if (it->get() == op) {
            removed = std::move(*it);
            completions_.erase(it);
            break;
        }
    }
    update_notify_fd_locked();
}

std::shared_ptr<Operation> Dispatcher::next_completion(int timeout_ms) {
    std::unique_lock lock(mutex_);
    bool ready = wait_locked(lock, timeout_ms, [this] { return !completions_.empty(); });
    std::shared_ptr<Operation> op;
    if (ready) {
        op = std::move(completions_.front());
        completions_.pop_front();
    }
    woken_ = false;
    update_notify_fd_locked();
    return op;
}

void Dispatcher::push_log(otto_log_entry entry) {
    if (log_capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (log_.size() == log_capacity_) {
        log_.pop_front();
        ++log_dropped_;
    }
    log_.push_back(std::move(entry));
    update_notify_fd_locked();
    changed_.notify_all();
}

std::unique_ptr<otto_log_entry> Dispatcher::next_log(int timeout_ms) {
    std::unique_lock lock(mutex_);
    bool ready = wait_locked(lock, timeout_ms, [this] { return !log_.empty() || log_dropped_ > 0; });
    std::unique_ptr<otto_log_entry> entry;
    if (ready && log_dropped_ > 0) {
        // Said where the loss happened: before the oldest entry still kept.
        entry = std::make_unique<otto_log_entry>(otto_log_entry{OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, "", "",
                                                                std::to_string(log_dropped_) +
                                                                    " log entries were dropped: the log queue holds " +
                                                                    std::to_string(log_capacity_) + " and was full"});
        log_dropped_ = 0;
    } else if (ready) {
        entry = std::make_unique<otto_log_entry>(std::move(log_.front()));
        log_.pop_front();
    }
    woken_ = false;
    update_notify_fd_locked();
    return entry;
}

void Dispatcher::wakeup() {
    std::lock_guard lock(mutex_);
    woken_ = true;
    update_notify_fd_locked();
    changed_.notify_all();
}

}  // namespace otto
