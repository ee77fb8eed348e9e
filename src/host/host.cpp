#include "host/host.hpp"

#include <utility>

#include "loop/deferred.hpp"
#include "session/session.hpp"
#include "transport/local/local_backend.hpp"
#include "transport/ssh/ssh_backend.hpp"
#include "transport/telnet/telnet_backend.hpp"

namespace otto {

// Callers waiting for one name's session while it is built (§14.2).
struct Host::Opening {
    std::shared_ptr<Session> session;
    std::vector<std::shared_ptr<Operation>> waiters;
};

Host::Host(std::shared_ptr<Engine> engine, HostConfig config)
    : engine_(std::move(engine)), config_(std::move(config)) {}

Host::~Host() = default;

std::unique_ptr<HostBackend> Host::make_backend() {
    switch (config_.kind) {
        case OTTO_HOST_SSH: {
            std::weak_ptr<Host> weak = weak_from_this();
            return std::make_unique<SshBackend>(
                engine_->uv(), config_,
                [weak](int level, int kind, const std::string &text) {
                    if (auto self = weak.lock()) self->log(level, kind, "", text);
                },
                engine_->handshakes());
        }
        case OTTO_HOST_TELNET: return std::make_unique<TelnetBackend>(engine_->uv(), config_, shell_config());
        case OTTO_HOST_LOCAL:
        default: return std::make_unique<LocalBackend>(engine_->uv(), config_, shell_config().hold_loop);
    }
}

HostBackend &Host::backend() {
    if (!backend_) backend_ = make_backend();
    return *backend_;
}

RemoteFiles *Host::files() {
    if (closing_) return nullptr;
    if (!files_) files_ = backend().make_files();
    return files_.get();
}

ShellConfig Host::shell_config() const {
    ShellConfig c;
    c.timings = config_.timings;
    c.keep_history = config_.keep_history;
    std::weak_ptr<Engine> engine = engine_;
    c.hold_loop = [engine]() -> std::shared_ptr<void> {
        if (auto e = engine.lock()) return e->hold();
        return nullptr;
    };
    return c;
}

void Host::log(int level, int kind, std::string_view session, std::string_view text) const {
    engine_->log(level, kind, config_.id, session, text);
}

void Host::submit_default(std::shared_ptr<Job> job) {
    if (closing_) {
        job->op().complete(OTTO_ECLOSED, "host \"" + id() + "\" is closed");
        return;
    }
    default_session().submit(std::move(job));
}

Session &Host::default_session() {
    if (!default_session_) default_session_ = std::make_shared<otto_session>(shared_from_this(), std::string());
    return *default_session_;
}

void Host::open_session(const std::string &name, std::shared_ptr<Operation> op) {
    if (closing_) {
        op->complete(OTTO_ECLOSED, "host \"" + id() + "\" is closed");
        return;
    }
    if (auto it = named_.find(name); it != named_.end() && (it->second->alive() || dry_run())) {
        op->complete_ok(std::static_pointer_cast<otto_session>(it->second));
        return;
    }
    // One build per name; other names build in parallel (§14.2, §14.3).
    std::weak_ptr<Host> weak = weak_from_this();
    Operation *raw = op.get();
    op->set_cancel_hook([weak, name, raw] {
        auto self = weak.lock();
        if (!self) return;
        auto it = self->opening_.find(name);
        if (it == self->opening_.end()) return;
        auto &waiters = it->second->waiters;
        for (auto w = waiters.begin(); w != waiters.end(); ++w) {
            if (w->get() != raw) continue;
            auto canceled = std::move(*w);
            waiters.erase(w);
            canceled->complete(OTTO_ECANCELED, "canceled");
            break;
        }
        if (waiters.empty()) {
            // Nobody wants it any more: close what was built, publish nothing.
            auto session = std::move(it->second->session);
            self->opening_.erase(it);
            session->close([] {});
        }
    });
    if (auto it = opening_.find(name); it != opening_.end()) {
        it->second->waiters.push_back(std::move(op));
        return;
    }
    auto opening = std::make_shared<Opening>();
    opening->session = std::make_shared<otto_session>(shared_from_this(), name);
    opening->waiters.push_back(std::move(op));
    opening_[name] = opening;
    if (dry_run()) {
        defer_unconditionally(engine_->uv(), [weak, name, session = opening->session] {
            if (auto self = weak.lock()) self->finish_opening(name, session, Error());
        });
        return;
    }
    auto session = opening->session;
    session->open([weak, name, session](Error error) {
        if (auto self = weak.lock()) self->finish_opening(name, session, std::move(error));
    });
}

void Host::finish_opening(const std::string &name, std::shared_ptr<Session> session, Error error) {
    auto it = opening_.find(name);
    if (it == opening_.end() || it->second->session != session) return;
    auto waiters = std::move(it->second->waiters);
    opening_.erase(it);
    if (error) {
        session->close([] {});
        for (auto &w : waiters) w->complete(error.code, error.message);
        return;
    }
    // A dead entry of the same name is replaced; its shell is already gone.
    named_[name] = session;
    for (auto &w : waiters) w->complete_ok(std::static_pointer_cast<otto_session>(session));
}

void Host::forget_session(const Session *session) {
    auto it = named_.find(session->name());
    if (it != named_.end() && it->second.get() == session) named_.erase(it);
}

void Host::run_oneshot(std::shared_ptr<Operation> op, OneshotSpec spec) {
    if (closing_) {
        op->complete(OTTO_ECLOSED, "host \"" + id() + "\" is closed");
        return;
    }
    if (dry_run()) {
        log(OTTO_LOG_INFO, OTTO_LOG_KIND_COMMAND, "", "[dry run] " + spec.command);
        auto result =
            std::make_shared<CommandResult>(unsent_result(spec.command, OTTO_STATUS_NOTRUN, "dry run: not executed"));
        op->complete_ok(std::shared_ptr<const CommandResult>(std::move(result)));
        return;
    }
    if (config_.log_mode != OTTO_LOG_MODE_NEVER) log(OTTO_LOG_INFO, OTTO_LOG_KIND_COMMAND, "", spec.command);
    std::weak_ptr<Operation> weak_op = op;
    std::weak_ptr<Host> weak = weak_from_this();
    bool log_output = config_.log_mode == OTTO_LOG_MODE_NORMAL;
    auto handle_slot = std::make_shared<const OneshotHandle *>(nullptr);
    auto lines = [weak_op, weak, log_output, handle_slot](otto_event_kind_t stream, std::string_view line) {
        auto self = weak.lock();
        if (self && log_output) self->log(OTTO_LOG_INFO, OTTO_LOG_KIND_OUTPUT, "", line);
        auto o = weak_op.lock();
        if (!o) return;
        o->emit_event(stream, line, 0);
        if (self && o->events_backlogged()) self->pause_oneshot_output(*handle_slot, *o);
    };
    auto done = [weak_op, weak, handle_slot](CommandResult result) {
        if (auto self = weak.lock()) {
            self->oneshots_.erase(*handle_slot);
            self->last_oneshot_output_ = result.output.size();
        }
        auto o = weak_op.lock();
        if (!o) return;
        if (result.op_error != OTTO_OK) {
            o->complete(result.op_error, std::move(result.output));
            return;
        }
        o->complete_ok(std::shared_ptr<const CommandResult>(std::make_shared<CommandResult>(std::move(result))));
    };
    spec.output_guess = last_oneshot_output_;
    auto handle = backend().run_oneshot(spec, lines, done);
    if (!handle) return;  // completed already
    *handle_slot = handle.get();
    oneshots_[handle.get()] = RunningOneshot{handle, op};
    op->set_cancel_hook([weak, raw = handle.get(), weak_op] {
        auto self = weak.lock();
        if (!self) return;
        auto it = self->oneshots_.find(raw);
        if (it == self->oneshots_.end()) return;
        auto running = std::move(it->second.handle);
        self->oneshots_.erase(it);
        running->cancel();
        if (auto o = weak_op.lock()) o->complete(OTTO_ECANCELED, "canceled");
    });
}

void Host::pause_oneshot_output(const OneshotHandle *raw, Operation &op) {
    auto it = oneshots_.find(raw);
    if (it == oneshots_.end() || it->second.paused) return;
    // App-mode dispatch is behind: stop reading until it catches up, as a
    // session's run does.
    it->second.paused = true;
    it->second.handle->pause_output();
    op.when_events_drained([weak = weak_from_this(), raw] {
        auto self = weak.lock();
        if (!self) return;
        auto running = self->oneshots_.find(raw);
        if (running == self->oneshots_.end() || !running->second.paused) return;
        running->second.paused = false;
        running->second.handle->resume_output();
    });
}

void Host::close(std::function<void()> done) {
    if (close_finished_) {
        if (done) defer_unconditionally(engine_->uv(), std::move(done));
        return;
    }
    close_waiters_.push_back(std::move(done));
    if (closing_) return;
    closing_ = true;
    closed_.store(true);

    std::vector<std::shared_ptr<Session>> sessions;
    if (default_session_) sessions.push_back(std::move(default_session_));
    for (auto &[name, s] : named_) sessions.push_back(s);
    named_.clear();
    for (auto &[name, opening] : opening_) {
        sessions.push_back(opening->session);
        for (auto &w : opening->waiters) w->complete(OTTO_ECANCELED, "host \"" + id() + "\" was closed");
    }
    opening_.clear();
    auto oneshots = std::move(oneshots_);
    oneshots_.clear();
    for (auto &[raw, running] : oneshots) {
        running.handle->cancel();
        if (auto op = running.op.lock()) op->complete(OTTO_ECANCELED, "host \"" + id() + "\" was closed");
    }

    // Transfers stop (removing their temporary files) while the transport
    // is still there to carry the removal.
    if (files_) files_->shutdown();

    auto self = shared_from_this();
    auto remaining = std::make_shared<size_t>(sessions.size() + 1);
    auto one_closed = [self, remaining] {
        if (--*remaining != 0) return;
        // Sessions first, then connections even if a session refused (§14.7).
        auto finish = [self] {
            self->files_.reset();
            self->backend_.reset();
            self->close_finished_ = true;
            auto waiters = std::move(self->close_waiters_);
            for (auto &w : waiters)
                if (w) w();
        };
        if (self->backend_) self->backend_->shutdown(finish);
        else finish();
    };
    for (auto &s : sessions) s->close(one_closed);
    one_closed();
}

}  // namespace otto
