#include "loop/timer.hpp"

#include <cmath>
#include <utility>

namespace otto {

Timer::Timer(uv_loop_t *loop) {
    uv_timer_init(loop, handle_.get());
    handle_.mark_initialized();
    handle_.get()->data = this;
}

void Timer::start(double seconds, std::function<void()> callback) {
    stop();
    if (std::isinf(seconds)) return;
    callback_ = std::move(callback);
    double ms = std::ceil(seconds * 1000.0);
    if (ms < 0) ms = 0;
    pending_ = true;
    // libuv counts from the loop time cached when this iteration began: the
    // work done since would make the timer fire that much early (periodic
    // ticks came up to a millisecond before their time). One clock read.
    uv_update_time(handle_.get()->loop);
    uv_timer_start(handle_.get(), &Timer::on_fire, static_cast<uint64_t>(ms), 0);
}

void Timer::stop() {
    if (!pending_) return;
    pending_ = false;
    uv_timer_stop(handle_.get());
    callback_ = nullptr;
}

void Timer::on_fire(uv_timer_t *handle) {
    auto *self = static_cast<Timer *>(handle->data);
    if (self == nullptr || !self->pending_) return;
    self->pending_ = false;
    // The callback may destroy the timer's owner (and the timer): move it out first.
    auto callback = std::move(self->callback_);
    self->callback_ = nullptr;
    if (callback) callback();
}

}  // namespace otto
