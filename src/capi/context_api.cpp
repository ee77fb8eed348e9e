// Contexts: the loop thread, dispatch, the completion queue.
#include <mutex>

#include "capi/api_guard.hpp"
#include "capi/handles.hpp"
#include "loop/operation.hpp"

using otto::fail;
using otto::guarded;
using otto::require;

namespace {

void refuse_on_loop_thread(const otto_context *ctx, int32_t timeout_ms, const char *what) {
    if (timeout_ms != 0 && ctx->engine->on_loop_thread())
        fail(OTTO_EDEADLK, std::string(what) + " would block the loop thread (called from a loop-thread callback)");
}

}  // namespace

extern "C" {

int otto_context_new(otto_context **out, const otto_context_opts *opts) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        otto::EngineOptions options;
        if (opts != nullptr) {
            std::lock_guard lock(opts->mutex);
            options = opts->options;
        }
        auto engine = std::make_shared<otto::Engine>(options);
        engine->start();
        *out = new otto_context{std::move(engine)};
        return OTTO_OK;
    });
}

int otto_context_free(otto_context *ctx) {
    if (ctx == nullptr) return OTTO_OK;
    return guarded([&]() -> int {
        if (ctx->engine->on_loop_thread())
            fail(OTTO_EDEADLK, "otto_context_free would block the loop thread (called from a loop-thread callback)");
        ctx->engine->shutdown();
        // Callbacks of the canceled ops still wait for dispatch: run them here.
        if (ctx->engine->options().dispatch == otto::DispatchMode::App) {
            while (ctx->engine->dispatcher().dispatch(0) > 0) {
            }
        }
        delete ctx;
        return OTTO_OK;
    });
}

int otto_context_notify_fd(const otto_context *ctx) {
    if (ctx == nullptr) {
        otto::set_last_error(OTTO_EINVAL, "ctx must not be NULL");
        return OTTO_EINVAL;
    }
    return ctx->engine->dispatcher().notify_fd();
}

int otto_context_dispatch(size_t *count, otto_context *ctx, int32_t timeout_ms) {
    return guarded([&]() -> int {
        if (count) *count = 0;
        require(ctx, "ctx");
        refuse_on_loop_thread(ctx, timeout_ms, "otto_context_dispatch");
        size_t ran = ctx->engine->dispatcher().dispatch(timeout_ms);
        if (count) *count = ran;
        return OTTO_OK;
    });
}

int otto_context_next_completion(otto_op **op, otto_context *ctx, int32_t timeout_ms) {
    return guarded([&]() -> int {
        *require(op, "op") = nullptr;
        require(ctx, "ctx");
        refuse_on_loop_thread(ctx, timeout_ms, "otto_context_next_completion");
        auto next = ctx->engine->dispatcher().next_completion(timeout_ms);
        if (!next) fail(OTTO_ETIMEDOUT, "no op completed within " + std::to_string(timeout_ms) + " ms");
        *op = static_cast<otto_op *>(next.get());
        return OTTO_OK;
    });
}

int otto_context_wakeup(otto_context *ctx) {
    return guarded([&]() -> int {
        require(ctx, "ctx")->engine->dispatcher().wakeup();
        return OTTO_OK;
    });
}

}  // extern "C"
