// Turning a C call into an op: create it, hand it to the loop, give it to
// the caller. Shared by every asynchronous entry point.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "capi/api_guard.hpp"
#include "loop/engine.hpp"
#include "loop/loop_guard.hpp"
#include "loop/operation.hpp"

namespace otto {

// Creates an op (on the host `host_id`, "" for none) and posts `task(op)` to
// the loop. Fails with OTTO_ECLOSED (and no callback ever fires) when the
// context is closed.
template <class Task>
int submit_op(otto_op **out, const std::shared_ptr<Engine> &engine, std::string host_id, OpKind kind, otto_op_cb cb,
              void *user_data, EventSink events, Task task) {
    auto op = std::make_shared<otto_op>(engine, kind, cb, user_data, events);
    op->set_host_id(std::move(host_id));
    if (out != nullptr) {
        op->adopt_user_reference();
    } else {
        op->hold_until_complete();
    }
    engine->track(op);
    bool posted = engine->post([op, task = std::move(task)]() mutable {
        // Starting the work may fail on the loop (out of memory): the op
        // fails, the process goes on. complete() ignores a second outcome.
        if (Error failure = catch_failure([&] { task(std::shared_ptr<Operation>(op)); }))
            op->complete(failure.code, std::move(failure.message));
    });
    if (!posted) {
        engine->untrack(op.get());
        if (out != nullptr) op->release_user_reference();
        else op->release_own_hold();  // never submitted: no callback fires
        fail(OTTO_ECLOSED, "the context is closed");
    }
    if (out != nullptr) *out = op.get();
    return OTTO_OK;
}

}  // namespace otto
