// Periodic tasks: a run repeated on a host or session, and polls of the
// lab's hosts.
#include <mutex>

#include "capi/api_guard.hpp"
#include "capi/fleet_support.hpp"
#include "capi/handles.hpp"
#include "capi/run_request.hpp"
#include "capi/submit.hpp"
#include "fleet/host_ops.hpp"
#include "fleet/poller.hpp"
#include "fleet/repeater.hpp"
#include "host/host.hpp"
#include "session/run_job.hpp"
#include "session/session.hpp"

using otto::fail;
using otto::guarded;
using otto::OpKind;
using otto::require;

namespace {

otto::fleet::ScheduleLimits limits_of(const otto_repeat_opts *opts) {
    if (opts == nullptr) return {};
    std::lock_guard lock(opts->mutex);
    return opts->limits;
}

// Where each run goes: a host's default session or one session.
using SubmitRun = std::function<void(std::shared_ptr<otto::RunJob>)>;

int submit_repeat(otto_op **out, const std::shared_ptr<otto::Engine> &engine, const std::string &host_id,
                  otto::RunRequest request, otto::fleet::ScheduleLimits limits, SubmitRun submit, otto_repeat_cb each,
                  void *each_data, otto_op_cb cb, void *user_data) {
    return otto::submit_op(
        out, engine, host_id, OpKind::Repeat, cb, user_data, {},
        [engine, host_id, request = std::move(request), limits, submit = std::move(submit), each,
         each_data](std::shared_ptr<otto::Operation> op) {
            std::weak_ptr<otto::Operation> task = op;
            auto start_run = [engine, host_id, request, submit](uint64_t) {
                auto run = otto::fleet::host_op(engine, host_id, OpKind::Run, request.events);
                submit(std::make_shared<otto::RunJob>(run, request.items, request.settings));
                return run;
            };
            auto run_done = [task, each, each_data](const std::shared_ptr<otto::Operation> &run, uint64_t index) {
                auto owner = task.lock();
                if (each == nullptr || !owner) return;
                owner->deliver_callback(
                    [run, index, each, each_data] { each(static_cast<otto_op *>(run.get()), index, each_data); });
            };
            std::make_shared<otto::fleet::Repeater>(std::move(op), limits, std::move(start_run), std::move(run_done))
                ->start();
        });
}

}  // namespace

extern "C" {

int otto_host_repeat(otto_op **out, otto_host *host, const otto_commands *commands, const otto_run_opts *run_opts,
                     const otto_repeat_opts *opts, otto_repeat_cb each, void *each_data, otto_op_cb cb,
                     void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        require(commands, "commands");
        if (host->closed()) fail(OTTO_ECLOSED, "host \"" + host->id() + "\" is closed");
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return submit_repeat(
            out, host->engine_ptr(), host->id(), otto::run_request(commands, nullptr, run_opts), limits_of(opts),
            [target](auto job) { target->submit_default(std::move(job)); }, each, each_data, cb, user_data);
    });
}

int otto_session_repeat(otto_op **out, otto_session *session, const otto_commands *commands,
                        const otto_run_opts *run_opts, const otto_repeat_opts *opts, otto_repeat_cb each,
                        void *each_data, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(session, "session");
        require(commands, "commands");
        if (session->closed()) fail(OTTO_ECLOSED, "session \"" + session->name() + "\" is closed");
        auto target = std::static_pointer_cast<otto::Session>(session->shared_from_this());
        return submit_repeat(
            out, session->host().engine_ptr(), session->host().id(), otto::run_request(commands, nullptr, run_opts),
            limits_of(opts), [target](auto job) { target->submit(std::move(job)); }, each, each_data, cb, user_data);
    });
}

int otto_context_poll_hosts(otto_op **out, otto_context *ctx, const otto_commands *commands,
                            const otto_run_opts *run_opts, const otto_fanout_opts *hosts, const otto_repeat_opts *opts,
                            otto_poll_cb each, void *each_data, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(ctx, "ctx");
        require(commands, "commands");
        if (ctx->engine->closed()) fail(OTTO_ECLOSED, "the context is closed");
        otto::Selection selection = otto::select_hosts(ctx, hosts);
        otto::RunRequest request = otto::run_request(commands, nullptr, run_opts);
        auto limits = limits_of(opts);
        std::string lab = ctx->lab->lab().name;
        return otto::submit_op(
            out, ctx->engine, "", OpKind::Poll, cb, user_data, {},
            [targets = std::move(selection.targets), request = std::move(request), limits, lab = std::move(lab), each,
             each_data](std::shared_ptr<otto::Operation> op) mutable {
                std::weak_ptr<otto::Operation> task = op;
                auto start_run = [request](const std::shared_ptr<otto_host> &host) {
                    auto run = otto::fleet::host_op(host->engine_ptr(), host->id(), OpKind::Run, request.events);
                    host->submit_default(std::make_shared<otto::RunJob>(run, request.items, request.settings));
                    return run;
                };
                auto skipped_run = [request, engine = op->engine_ptr()](const otto::fleet::FanoutTarget &target,
                                                                        uint64_t busy_since) {
                    auto run = otto::fleet::host_op(engine, target.id, OpKind::Run);
                    auto result = std::make_shared<otto_run_result>();
                    for (const auto &item : request.items)
                        result->commands.push_back(
                            otto::unsent_result(item.command, OTTO_STATUS_SKIPPED,
                                                "skipped: still running tick " + std::to_string(busy_since)));
                    result->status = OTTO_STATUS_SKIPPED;  // nothing ran: the host was busy
                    run->complete_ok(std::shared_ptr<const otto_run_result>(std::move(result)));
                    return run;
                };
                auto tick_done = [task, each, each_data](std::shared_ptr<const otto_fanout_result> tick,
                                                         uint64_t index) {
                    auto owner = task.lock();
                    if (each == nullptr || !owner) return;
                    owner->deliver_callback([tick, index, each, each_data] { each(tick.get(), index, each_data); });
                };
                std::make_shared<otto::fleet::Poller>(std::move(op), std::move(lab), std::move(targets), limits,
                                                      std::move(start_run), std::move(skipped_run),
                                                      std::move(tick_done))
                    ->start();
            });
    });
}

}  // extern "C"
