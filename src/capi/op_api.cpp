// Ops: waiting, status, cancellation, results.
#include <variant>

#include "capi/api_guard.hpp"
#include "capi/op_payload.hpp"
#include "fleet/fanout_result.hpp"
#include "loop/engine.hpp"
#include "loop/operation.hpp"
#include "session/result.hpp"
#include "session/session.hpp"

using otto::fail;
using otto::guarded;
using otto::payload_as;
using otto::require;

extern "C" {

int otto_op_wait(otto_op *op, int32_t timeout_ms) {
    return guarded([&]() -> int {
        require(op, "op");
        auto &engine = op->engine();
        auto &dispatcher = engine.dispatcher();
        // App mode: the op's queued events run here, while it runs and once
        // it is done, so back-pressure on them cannot stall an op whose
        // caller only waits. Not inside one of its own callbacks, though:
        // they run one at a time, so its later ones wait for this one.
        bool own_events = dispatcher.mode() == otto::DispatchMode::App && op->wants_events();
        bool inside_own_callback = own_events && dispatcher.running_callback_of(op);
        bool runs_events = own_events && !inside_own_callback && !engine.on_loop_thread();
        if (!runs_events && op->settled()) return OTTO_OK;
        // On the loop thread a done op is being delivered right now (this is
        // its own callback, say): it will never be more done than this.
        if (engine.on_loop_thread() && op->done()) return OTTO_OK;
        if (timeout_ms != 0 && engine.on_loop_thread())
            fail(OTTO_EDEADLK, "otto_op_wait would block the loop thread (called from a loop-thread callback)");
        if (timeout_ms != 0 && inside_own_callback)
            fail(OTTO_EDEADLK,
                 "otto_op_wait on an op from inside one of its own callbacks would wait for its "
                 "later events, which run only after this callback returns");
        int rc;
        if (runs_events) {
            rc = dispatcher.wait_for_op(*op, timeout_ms) ? OTTO_OK : OTTO_ETIMEDOUT;
        } else {
            rc = op->wait(timeout_ms);
        }
        if (rc == OTTO_ETIMEDOUT)
            fail(OTTO_ETIMEDOUT, "the op did not finish within " + std::to_string(timeout_ms) + " ms");
        return rc;
    });
}

int otto_op_is_done(const otto_op *op) { return op != nullptr && op->done() ? 1 : 0; }

int otto_op_error(const otto_op *op) { return op != nullptr ? op->error() : OTTO_EINVAL; }

const char *otto_op_error_message(const otto_op *op) { return op != nullptr ? op->error_message() : ""; }

int32_t otto_op_kind(const otto_op *op) { return op != nullptr ? static_cast<int32_t>(op->kind()) : -1; }

int32_t otto_op_status(const otto_op *op) {
    return op != nullptr && op->done() ? otto::fleet::op_status(*op) : OTTO_STATUS_ERROR;
}

const char *otto_op_host_id(const otto_op *op) { return op != nullptr ? op->host_id().c_str() : ""; }

int otto_op_cancel(otto_op *op) {
    return guarded([&]() -> int {
        require(op, "op")->request_cancel();
        return OTTO_OK;
    });
}

void otto_op_free(otto_op *op) {
    if (op != nullptr) op->release_user_reference();
}

const otto_run_result *otto_op_run_result(const otto_op *op) { return payload_as<otto_run_result>(op); }

const otto_cmd_result *otto_op_cmd_result(const otto_op *op) {
    if (auto *one = payload_as<otto_cmd_result>(op)) return one;
    if (auto *run = payload_as<otto_run_result>(op); run != nullptr && run->commands.size() == 1)
        return &run->commands.front();
    return nullptr;
}

const char *otto_op_expect_match(const otto_op *op, size_t *len) {
    if (len) *len = 0;
    if (op == nullptr || !op->done()) return nullptr;
    auto *match = std::get_if<std::string>(&op->payload());
    if (match == nullptr) return nullptr;
    if (len) *len = match->size();
    return match->c_str();
}

int otto_op_take_session(otto_session **out, otto_op *op) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        require(op, "op");
        if (!op->done()) fail(OTTO_EPENDING, "the open-session op has not finished");
        auto *session = std::get_if<std::shared_ptr<otto_session>>(&op->payload());
        if (session == nullptr || !*session) {
            if (op->error() != OTTO_OK) fail(op->error(), op->error_message());
            fail(OTTO_EINVAL, "the op did not open a session");
        }
        (*session)->add_user_reference();
        *out = session->get();
        return OTTO_OK;
    });
}

}  // extern "C"
