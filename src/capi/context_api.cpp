// Contexts: the loop thread, dispatch, the completion queue.
#include <mutex>

#include "capi/api_guard.hpp"
#include "capi/handles.hpp"
#include "lab/lab_loader.hpp"
#include "loop/operation.hpp"

using otto::fail;
using otto::guarded;
using otto::require;

namespace {

void refuse_on_loop_thread(const otto_context *ctx, int32_t timeout_ms, const char *what) {
    if (timeout_ms != 0 && ctx->engine->on_loop_thread())
        fail(OTTO_EDEADLK, std::string(what) + " would block the loop thread (called from a loop-thread callback)");
}

int lab_error_code(otto::lab::LabErrorCode code) {
    switch (code) {
        case otto::lab::LabErrorCode::lab_not_found: return OTTO_ELABNOTFOUND;
        case otto::lab::LabErrorCode::bad_selection: return OTTO_EINVAL;
        case otto::lab::LabErrorCode::parse_error: break;
    }
    return OTTO_EPARSE;
}

struct OpenedLab {
    otto::lab::Lab lab;
    std::vector<std::string> warnings;
    bool from_file = false;
};

// The lab the options name, loaded all or nothing; or just the local host.
OpenedLab open_lab(const otto_context_opts *opts) {
    OpenedLab opened;
    std::optional<std::string> selection, json;
    std::vector<std::string> paths;
    if (opts != nullptr) {
        std::lock_guard lock(opts->mutex);
        selection = opts->lab;
        json = opts->lab_json;
        paths = opts->lab_paths;
    }
    if (!selection) {
        if (json) fail(OTTO_EINVAL, "a lab given as JSON text needs the lab's name (otto_context_opts_set_lab)");
        opened.lab.hosts.push_back(otto::lab::builtin_local_host());
        return opened;
    }
    if (paths.empty()) paths.emplace_back(".");
    auto loaded = json ? otto::lab::load_lab_text(*selection, *json) : otto::lab::load_lab(*selection, paths);
    if (!loaded.ok()) fail(lab_error_code(loaded.code), loaded.error_message());
    opened.lab = std::move(*loaded.lab);
    opened.warnings = std::move(loaded.warnings);
    opened.from_file = true;
    return opened;
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
        OpenedLab opened = open_lab(opts);
        auto engine = std::make_shared<otto::Engine>(options);
        engine->start();
        if (!opened.warnings.empty()) {
            engine->post([engine = engine.get(), warnings = std::move(opened.warnings)] {
                for (const auto &w : warnings) engine->log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, "", "", w);
            });
        }
        auto lab = std::make_unique<otto::fleet::LabContext>(engine, std::move(opened.lab));
        *out = new otto_context{std::move(engine), std::move(lab), opened.from_file};
        return OTTO_OK;
    });
}

int otto_context_free(otto_context *ctx) {
    if (ctx == nullptr) return OTTO_OK;
    return guarded([&]() -> int {
        if (ctx->engine->on_loop_thread())
            fail(OTTO_EDEADLK, "otto_context_free would block the loop thread (called from a loop-thread callback)");
        if (ctx->engine->dispatcher().running_callback_here())
            fail(OTTO_EDEADLK,
                 "otto_context_free called from inside a callback the context is running (in "
                 "otto_context_dispatch or otto_op_wait): free it once that call has returned");
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
        if (ctx->engine->dispatcher().running_callback_here())
            fail(OTTO_EDEADLK,
                 "otto_context_dispatch called from inside a callback the context is running: return "
                 "from the callback and the outer call runs the rest");
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

int otto_context_next_log(otto_log_entry **entry, otto_context *ctx, int32_t timeout_ms) {
    return guarded([&]() -> int {
        *require(entry, "entry") = nullptr;
        require(ctx, "ctx");
        auto &dispatcher = ctx->engine->dispatcher();
        if (!dispatcher.keeps_log())
            fail(OTTO_EINVAL, "the context keeps no log queue: see otto_context_opts_set_log_queue");
        refuse_on_loop_thread(ctx, timeout_ms, "otto_context_next_log");
        auto next = dispatcher.next_log(timeout_ms);
        if (!next) fail(OTTO_ETIMEDOUT, "no log entry within " + std::to_string(timeout_ms) + " ms");
        *entry = next.release();
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
