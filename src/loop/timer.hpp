// A one-shot timer on the loop. Destroying it cancels it.
#pragma once

#include <uv.h>

#include <functional>

#include "loop/uv_handle.hpp"

namespace otto {

class Timer {
public:
    explicit Timer(uv_loop_t *loop);
    Timer(const Timer &) = delete;
    Timer &operator=(const Timer &) = delete;

    // Fires `callback` once after `seconds` (replacing any pending firing).
    // An infinite delay never fires.
    void start(double seconds, std::function<void()> callback);
    void stop();
    bool pending() const { return pending_; }

private:
    static void on_fire(uv_timer_t *handle);

    UvHandle<uv_timer_t> handle_;
    std::function<void()> callback_;
    bool pending_ = false;
};

}  // namespace otto
