#include "loop/dispatcher.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

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

void Dispatcher::deliver(std::function<void()> callback) {
    if (mode_ == DispatchMode::Loop) {
        callback();
        return;
    }
    std::lock_guard lock(mutex_);
    callbacks_.push_back(std::move(callback));
    update_notify_fd_locked();
    changed_.notify_all();
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
    // Taking a batch and running it happen under one serial lock: batches run
    // one after the other, in queue order, so an op's callbacks stay ordered.
    std::lock_guard serial(dispatching_);
    std::deque<std::function<void()>> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(callbacks_);
        update_notify_fd_locked();
    }
    for (auto &callback : batch) callback();
    return batch.size();
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
