// Runs callbacks once the current call has returned to the loop, in order,
// unless the owner is gone by then. Used where a result must not be reported from inside the call
// that caused it. Holds no libuv handle, so it may be destroyed anywhere.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>

#include "loop/event_loop.hpp"

namespace otto {

class Deferred {
public:
    explicit Deferred(uv_loop_t *loop) : loop_(&EventLoop::from(loop)), alive_(std::make_shared<char>()) {}
    Deferred(const Deferred &) = delete;
    Deferred &operator=(const Deferred &) = delete;

    // Loop thread only.
    void call(std::function<void()> fn) {
        std::weak_ptr<char> alive = alive_;
        loop_->defer([alive, fn = std::move(fn)] {
            if (!alive.expired()) fn();
        });
    }

private:
    EventLoop *loop_;
    std::shared_ptr<char> alive_;
};

// Runs `fn` on a later turn whatever happens to the caller.
inline void defer_unconditionally(uv_loop_t *loop, std::function<void()> fn) {
    EventLoop::from(loop).defer(std::move(fn));
}

}  // namespace otto
