// Hosts and sessions: creation, closing, and the asynchronous calls that run
// things on them.
#include <pwd.h>
#include <unistd.h>

#include <mutex>

#include "capi/api_guard.hpp"
#include "capi/handles.hpp"
#include "capi/op_payload.hpp"
#include "capi/run_request.hpp"
#include "capi/submit.hpp"
#include "host/host.hpp"
#include "session/conversation_jobs.hpp"
#include "session/run_job.hpp"
#include "session/session.hpp"

using otto::fail;
using otto::guarded;
using otto::OpKind;
using otto::require;
using otto::require_open;
using otto::run_request;

namespace {

std::string current_user_name() {
    if (struct passwd *pw = getpwuid(getuid())) return pw->pw_name;
    fail(OTTO_EINVAL, "no user given and the current user has no name");
}

void require_open(const otto::Session &session) {
    if (session.closed()) fail(OTTO_ECLOSED, "session \"" + session.name() + "\" is closed");
}

// SSH and telnet hosts: an address, a user, the kind's default port and id.
int new_remote_host(otto_host **out, otto_context *ctx, const char *address, const char *user,
                    const otto_host_opts *opts, int32_t kind) {
    const char *kind_name = kind == OTTO_HOST_SSH ? "SSH" : "telnet";
    *require(out, "out") = nullptr;
    require(ctx, "ctx");
    require(address, "address");
    if (*address == '\0') fail(OTTO_EINVAL, std::string("the ") + kind_name + " address must not be empty");
    if (std::string(address).find_first_of(" \t/@") != std::string::npos)
        fail(OTTO_EINVAL, std::string("\"") + address +
                              "\" is not a host name or IP address (give the user and the port separately)");
    if (ctx->engine->closed()) fail(OTTO_ECLOSED, "the context is closed");
    otto::HostConfig config;
    bool id_given = false;
    if (opts != nullptr) {
        std::lock_guard lock(opts->mutex);
        config = opts->config;
        id_given = opts->id_given;
    }
    config.kind = kind;
    config.address = address;
    if (user != nullptr && *user != '\0') {
        config.user = user;
    } else if (kind == OTTO_HOST_SSH) {
        config.user = current_user_name();
    } else if (config.telnet.login) {
        fail(OTTO_EINVAL, std::string("a telnet console with a login step needs a user (or disable the login with "
                                      "otto_host_opts_set_telnet_login)"));
    }
    if (config.port <= 0) config.port = kind == OTTO_HOST_SSH ? 22 : 23;
    if (!id_given) config.id = address;
    auto host = std::make_shared<otto_host>(ctx->engine, std::move(config));
    ctx->engine->register_closable(host);
    host->adopt_user_reference();
    *out = host.get();
    return OTTO_OK;
}

int run_on_host(otto_op **out, otto_host *host, const otto_commands *commands, const char *single,
                const otto_run_opts *opts, otto_op_cb cb, void *user_data) {
    require_open(*host);
    auto request = run_request(commands, single, opts);
    std::shared_ptr<otto::Host> target = host->shared_from_this();
    return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::Run, cb, user_data, request.events,
                           [target, request = std::move(request)](std::shared_ptr<otto::Operation> op) mutable {
                               target->submit_default(std::make_shared<otto::RunJob>(
                                   std::move(op), std::move(request.items), std::move(request.settings)));
                           });
}

int run_on_session(otto_op **out, otto_session *session, const otto_commands *commands, const char *single,
                   const otto_run_opts *opts, otto_op_cb cb, void *user_data) {
    require_open(*session);
    auto request = run_request(commands, single, opts);
    auto target = std::static_pointer_cast<otto::Session>(session->shared_from_this());
    return otto::submit_op(out, session->host().engine_ptr(), session->host().id(), OpKind::Run, cb, user_data,
                           request.events,
                           [target, request = std::move(request)](std::shared_ptr<otto::Operation> op) mutable {
                               target->submit(std::make_shared<otto::RunJob>(std::move(op), std::move(request.items),
                                                                             std::move(request.settings)));
                           });
}

}  // namespace

extern "C" {

int otto_host_new_local(otto_host **out, otto_context *ctx, const otto_host_opts *opts) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        require(ctx, "ctx");
        if (ctx->engine->closed()) fail(OTTO_ECLOSED, "the context is closed");
        otto::HostConfig config;
        if (opts != nullptr) {
            std::lock_guard lock(opts->mutex);
            config = opts->config;
        }
        config.kind = OTTO_HOST_LOCAL;
        auto host = std::make_shared<otto_host>(ctx->engine, std::move(config));
        ctx->engine->register_closable(host);
        host->adopt_user_reference();
        *out = host.get();
        return OTTO_OK;
    });
}

int otto_host_new_ssh(otto_host **out, otto_context *ctx, const char *address, const char *user,
                      const otto_host_opts *opts) {
    return guarded([&]() -> int { return new_remote_host(out, ctx, address, user, opts, OTTO_HOST_SSH); });
}

int otto_host_new_telnet(otto_host **out, otto_context *ctx, const char *address, const char *user,
                         const otto_host_opts *opts) {
    return guarded([&]() -> int { return new_remote_host(out, ctx, address, user, opts, OTTO_HOST_TELNET); });
}

void otto_host_free(otto_host *host) {
    if (host == nullptr) return;
    std::shared_ptr<otto::Host> self = host->take_user_reference();
    if (!self) return;
    // When the post fails the context is shutting down and closes the host.
    self->engine().post([self] { self->close({}); });
}

int otto_host_close(otto_op **out, otto_host *host, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::Close, cb, user_data, {},
                               [target](std::shared_ptr<otto::Operation> op) {
                                   target->close([op] { op->complete_ok({}); });
                               });
    });
}

const char *otto_host_id(const otto_host *host) { return host != nullptr ? host->id().c_str() : ""; }

int32_t otto_host_kind(const otto_host *host) { return host != nullptr ? host->config().kind : -1; }

uint64_t otto_host_shell_replacements(const otto_host *host) { return host != nullptr ? host->replacements() : 0; }

int otto_host_run(otto_op **out, otto_host *host, const char *command, const otto_run_opts *opts, otto_op_cb cb,
                  void *user_data) {
    return guarded([&]() -> int {
        return run_on_host(out, require(host, "host"), nullptr, require(command, "command"), opts, cb, user_data);
    });
}

int otto_host_run_commands(otto_op **out, otto_host *host, const otto_commands *commands, const otto_run_opts *opts,
                           otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        return run_on_host(out, require(host, "host"), require(commands, "commands"), nullptr, opts, cb, user_data);
    });
}

int otto_host_oneshot(otto_op **out, otto_host *host, const char *command, const otto_run_opts *opts, otto_op_cb cb,
                      void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        require(command, "command");
        require_open(*host);
        otto::OneshotRequest request = otto::oneshot_request(command, opts);
        otto::OneshotSpec spec = request.for_host(host->config());
        otto::EventSink events = request.events;
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::Oneshot, cb, user_data, events,
                               [target, spec](std::shared_ptr<otto::Operation> op) {
                                   target->run_oneshot(std::move(op), spec);
                               });
    });
}

int otto_host_send(otto_op **out, otto_host *host, const char *data, size_t len, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        if (data == nullptr && len > 0) fail(OTTO_EINVAL, "data must not be NULL");
        require_open(*host);
        std::string bytes(data != nullptr ? data : "", len);
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::Send, cb, user_data, {},
                               [target, bytes = std::move(bytes)](std::shared_ptr<otto::Operation> op) mutable {
                                   target->submit_default(
                                       std::make_shared<otto::SendJob>(std::move(op), std::move(bytes)));
                               });
    });
}

int otto_host_expect(otto_op **out, otto_host *host, const char *pattern, double timeout, otto_op_cb cb,
                     void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        require(pattern, "pattern");
        otto::require_timeout(timeout, "the expect timeout");
        require_open(*host);
        auto compiled = otto::Pattern::compile(pattern, 0);
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::Expect, cb, user_data, {},
                               [target, compiled, timeout](std::shared_ptr<otto::Operation> op) {
                                   target->submit_default(
                                       std::make_shared<otto::ExpectJob>(std::move(op), compiled, timeout));
                               });
    });
}

int otto_host_open_session(otto_op **out, otto_host *host, const char *name, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        require(name, "name");
        if (*name == '\0') fail(OTTO_EINVAL, "a session name must not be empty");
        require_open(*host);
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::OpenSession, cb, user_data, {},
                               [target, name = std::string(name)](std::shared_ptr<otto::Operation> op) {
                                   target->open_session(name, std::move(op));
                               });
    });
}

int otto_session_run(otto_op **out, otto_session *session, const char *command, const otto_run_opts *opts,
                     otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        return run_on_session(out, require(session, "session"), nullptr, require(command, "command"), opts, cb,
                              user_data);
    });
}

int otto_session_run_commands(otto_op **out, otto_session *session, const otto_commands *commands,
                              const otto_run_opts *opts, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        return run_on_session(out, require(session, "session"), require(commands, "commands"), nullptr, opts, cb,
                              user_data);
    });
}

int otto_session_send(otto_op **out, otto_session *session, const char *data, size_t len, otto_op_cb cb,
                      void *user_data) {
    return guarded([&]() -> int {
        require(session, "session");
        if (data == nullptr && len > 0) fail(OTTO_EINVAL, "data must not be NULL");
        require_open(*session);
        if (!session->alive() && !session->host().dry_run())
            fail(OTTO_EDEAD, "session \"" + session->name() + "\" is dead");
        std::string bytes(data != nullptr ? data : "", len);
        auto target = std::static_pointer_cast<otto::Session>(session->shared_from_this());
        return otto::submit_op(out, session->host().engine_ptr(), session->host().id(), OpKind::Send, cb, user_data, {},
                               [target, bytes = std::move(bytes)](std::shared_ptr<otto::Operation> op) mutable {
                                   target->submit(std::make_shared<otto::SendJob>(std::move(op), std::move(bytes)));
                               });
    });
}

int otto_session_expect(otto_op **out, otto_session *session, const char *pattern, double timeout, otto_op_cb cb,
                        void *user_data) {
    return guarded([&]() -> int {
        require(session, "session");
        require(pattern, "pattern");
        otto::require_timeout(timeout, "the expect timeout");
        require_open(*session);
        if (!session->alive() && !session->host().dry_run())
            fail(OTTO_EDEAD, "session \"" + session->name() + "\" is dead");
        auto compiled = otto::Pattern::compile(pattern, 0);
        auto target = std::static_pointer_cast<otto::Session>(session->shared_from_this());
        return otto::submit_op(out, session->host().engine_ptr(), session->host().id(), OpKind::Expect, cb, user_data,
                               {}, [target, compiled, timeout](std::shared_ptr<otto::Operation> op) {
                                   target->submit(std::make_shared<otto::ExpectJob>(std::move(op), compiled, timeout));
                               });
    });
}

int otto_session_close(otto_op **out, otto_session *session, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(session, "session");
        auto target = std::static_pointer_cast<otto::Session>(session->shared_from_this());
        return otto::submit_op(out, session->host().engine_ptr(), session->host().id(), OpKind::Close, cb, user_data,
                               {}, [target](std::shared_ptr<otto::Operation> op) {
                                   target->close([op] { op->complete_ok({}); });
                               });
    });
}

void otto_session_free(otto_session *session) {
    if (session != nullptr) session->release_user_reference();
}

const char *otto_session_name(const otto_session *session) { return session != nullptr ? session->name().c_str() : ""; }

int otto_session_is_alive(const otto_session *session) { return session != nullptr && session->alive() ? 1 : 0; }

}  // extern "C"
