// Fan-outs over a context's lab: selection, the per-host starters, results.
#include <mutex>

#include "capi/api_guard.hpp"
#include "capi/fleet_support.hpp"
#include "capi/handles.hpp"
#include "capi/op_payload.hpp"
#include "capi/run_request.hpp"
#include "capi/submit.hpp"
#include "capi/transfer_support.hpp"
#include "fleet/fanout.hpp"
#include "fleet/host_ops.hpp"
#include "host/host.hpp"
#include "session/pattern.hpp"
#include "session/run_job.hpp"

using otto::fail;
using otto::guarded;
using otto::OpKind;
using otto::require;
using otto::select_hosts;
using otto::Selection;
using otto::SelectionRule;
using otto::fleet::FanoutTarget;
using otto::fleet::host_op;
using otto::fleet::HostStarter;

namespace {

int submit_fanout(otto_op **out, otto_context *ctx, const otto_fanout_opts *opts, otto_op_cb cb, void *user_data,
                  HostStarter starter) {
    if (ctx->engine->closed()) fail(OTTO_ECLOSED, "the context is closed");
    Selection selection = select_hosts(ctx, opts);
    std::string lab = ctx->lab->lab().name;
    return otto::submit_op(out, ctx->engine, "", OpKind::Fanout, cb, user_data, {},
                           [selection = std::move(selection), lab = std::move(lab),
                            starter = std::move(starter)](std::shared_ptr<otto::Operation> op) mutable {
                               std::make_shared<otto::fleet::Fanout>(std::move(op), std::move(lab),
                                                                     std::move(selection.targets), selection.limit,
                                                                     std::move(starter))
                                   ->start();
                           });
}

HostStarter run_starter(otto::RunRequest request) {
    return [request = std::move(request)](const std::shared_ptr<otto_host> &host, auto started) {
        auto op = host_op(host->engine_ptr(), host->id(), OpKind::Run, request.events);
        host->submit_default(std::make_shared<otto::RunJob>(op, request.items, request.settings));
        started(op);
    };
}

int run_on_hosts(otto_op **out, otto_context *ctx, const otto_commands *commands, const char *single,
                 const otto_run_opts *run_opts, const otto_fanout_opts *opts, otto_op_cb cb, void *user_data) {
    return submit_fanout(out, ctx, opts, cb, user_data, run_starter(otto::run_request(commands, single, run_opts)));
}

// The user's start function runs where callbacks run; the op it gives back
// becomes the fan-out's on the loop thread, where ops complete.
HostStarter user_starter(std::shared_ptr<otto::Engine> engine, otto_host_start_cb start, void *start_data) {
    return [engine, start, start_data](const std::shared_ptr<otto_host> &host, auto started) {
        engine->dispatcher().deliver([engine, start, start_data, host, started] {
            otto_op *given = nullptr;
            int rc = start(&given, host.get(), start_data);
            std::string message = rc != OTTO_OK && otto_last_error() == rc ? otto_last_error_message() : "";
            engine->post([host, started, rc, given, message = std::move(message)] {
                if (rc == OTTO_OK && given != nullptr) {
                    started(given->take_user_reference());
                    return;
                }
                otto::Error error =
                    rc == OTTO_OK ? otto::Error(OTTO_EINVAL, "the start function returned OTTO_OK and no op")
                                  : otto::Error(rc, message.empty()
                                                        ? "the start function failed: " + std::string(otto_strerror(rc))
                                                        : message);
                if (given != nullptr) given->release_user_reference();
                started(otto::fleet::failed_host_op(host->engine_ptr(), host->id(), std::move(error)));
            });
        });
    };
}

// A put or get on every selected host. A get puts each host's files in a
// directory of its own (DIR/<host id>), so the same names from many hosts
// never collide.
int submit_transfer_fanout(otto_op **out, otto_context *ctx, bool put, const char *const *paths, size_t count,
                           const char *dir, const otto_transfer_opts *transfer_opts, const otto_fanout_opts *opts,
                           otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(ctx, "ctx");
        otto::TransferSettings settings = otto::transfer_settings(put, paths, count, dir, transfer_opts);
        HostStarter starter = [settings](const std::shared_ptr<otto_host> &host, auto started) {
            otto::TransferRequest request = settings.request;
            if (!request.put)
                request.destination_dir += (request.destination_dir.back() == '/' ? "" : "/") + host->id();
            auto op = host_op(host->engine_ptr(), host->id(), OpKind::Transfer, settings.events);
            otto::start_transfer(*host, op, std::move(request));
            started(op);
        };
        return submit_fanout(out, ctx, opts, cb, user_data, std::move(starter));
    });
}

}  // namespace

extern "C" {

int otto_context_run_on_hosts(otto_op **out, otto_context *ctx, const char *command, const otto_run_opts *run_opts,
                              const otto_fanout_opts *opts, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        return run_on_hosts(out, require(ctx, "ctx"), nullptr, require(command, "command"), run_opts, opts, cb,
                            user_data);
    });
}

int otto_context_run_commands_on_hosts(otto_op **out, otto_context *ctx, const otto_commands *commands,
                                       const otto_run_opts *run_opts, const otto_fanout_opts *opts, otto_op_cb cb,
                                       void *user_data) {
    return guarded([&]() -> int {
        return run_on_hosts(out, require(ctx, "ctx"), require(commands, "commands"), nullptr, run_opts, opts, cb,
                            user_data);
    });
}

int otto_context_oneshot_on_hosts(otto_op **out, otto_context *ctx, const char *command, const otto_run_opts *run_opts,
                                  const otto_fanout_opts *opts, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(ctx, "ctx");
        otto::OneshotRequest request = otto::oneshot_request(require(command, "command"), run_opts);
        HostStarter starter = [request](const std::shared_ptr<otto_host> &host, auto started) {
            auto op = host_op(host->engine_ptr(), host->id(), OpKind::Oneshot, request.events);
            host->run_oneshot(op, request.for_host(host->config()));
            started(op);
        };
        return submit_fanout(out, ctx, opts, cb, user_data, std::move(starter));
    });
}

int otto_context_do_for_hosts(otto_op **out, otto_context *ctx, otto_host_start_cb start, void *start_data,
                              const otto_fanout_opts *opts, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(ctx, "ctx");
        if (start == nullptr) fail(OTTO_EINVAL, "start must not be NULL");
        return submit_fanout(out, ctx, opts, cb, user_data, user_starter(ctx->engine, start, start_data));
    });
}

int otto_context_put_on_hosts(otto_op **out, otto_context *ctx, const char *const *local_paths, size_t count,
                              const char *remote_dir, const otto_transfer_opts *transfer_opts,
                              const otto_fanout_opts *opts, otto_op_cb cb, void *user_data) {
    return submit_transfer_fanout(out, ctx, true, local_paths, count, remote_dir, transfer_opts, opts, cb, user_data);
}

int otto_context_get_on_hosts(otto_op **out, otto_context *ctx, const char *const *remote_paths, size_t count,
                              const char *local_dir, const otto_transfer_opts *transfer_opts,
                              const otto_fanout_opts *opts, otto_op_cb cb, void *user_data) {
    return submit_transfer_fanout(out, ctx, false, remote_paths, count, local_dir, transfer_opts, opts, cb, user_data);
}

int otto_context_host_selected(const otto_context *ctx, const otto_fanout_opts *opts, size_t index) {
    return guarded([&]() -> int {
        require(ctx, "ctx");
        if (index >= ctx->lab->size()) fail(OTTO_EINVAL, "host index " + std::to_string(index) + " is out of range");
        return SelectionRule(opts).selects(ctx->lab->lab().hosts[index].id) ? 1 : 0;
    });
}

const otto_fanout_result *otto_op_fanout_result(const otto_op *op) { return otto::payload_as<otto_fanout_result>(op); }

int32_t otto_fanout_result_status(const otto_fanout_result *result) {
    return result != nullptr ? otto::fleet::worst_status(*result) : OTTO_STATUS_ERROR;
}

size_t otto_fanout_result_count(const otto_fanout_result *result) {
    return result != nullptr ? result->entries.size() : 0;
}

const char *otto_fanout_result_host(const otto_fanout_result *result, size_t index) {
    if (result == nullptr || index >= result->entries.size()) return nullptr;
    return result->entries[index].host.c_str();
}

otto_op *otto_fanout_result_op(const otto_fanout_result *result, size_t index) {
    if (result == nullptr || index >= result->entries.size()) return nullptr;
    return static_cast<otto_op *>(result->entries[index].op.get());
}

int32_t otto_fanout_result_host_status(const otto_fanout_result *result, size_t index) {
    if (result == nullptr || index >= result->entries.size()) return OTTO_STATUS_ERROR;
    return otto::fleet::op_status(*result->entries[index].op);
}

int otto_fanout_result_to_json(char **out, const otto_fanout_result *result) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        return otto::hand_out(out, otto::fleet::to_json(*require(result, "result")));
    });
}

}  // extern "C"
