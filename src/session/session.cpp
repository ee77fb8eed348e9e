#include "session/session.hpp"

#include <utility>

#include "host/host.hpp"
#include "loop/deferred.hpp"
#include "loop/timer.hpp"

namespace otto {

Session::Session(std::shared_ptr<Host> host, std::string name)
    : host_(std::move(host)), name_(std::move(name)), deferred_(host_->engine().uv()) {}

Session::~Session() = default;

void Session::add_user_reference() {
    if (user_references_.fetch_add(1) == 0) {
        // The first reference pins the session; the registry alone would not
        // once it is closed.
        auto self = shared_from_this();
        host_->engine().post([self] { self->user_hold_ = self; });
    }
}

void Session::release_user_reference() {
    if (user_references_.fetch_sub(1) != 1) return;
    auto self = shared_from_this();
    host_->engine().post([self] {
        if (self->user_references_.load() != 0) return;  // taken again meanwhile
        self->close([] {});
        self->user_hold_.reset();
    });
}

void Session::submit(std::shared_ptr<Job> job) {
    if (closed()) {
        job->op().complete(OTTO_ECLOSED, "the session is closed");
        return;
    }
    std::weak_ptr<Session> weak = weak_from_this();
    const Job *raw = job.get();
    job->op().set_cancel_hook([weak, raw] {
        if (auto self = weak.lock()) self->cancel(raw);
    });
    queue_.push_back(std::move(job));
    pump();
}

void Session::pump() {
    if (active_ || queue_.empty() || closed()) return;
    active_ = std::move(queue_.front());
    queue_.pop_front();
    auto job = active_;
    job->start(*this);
}

void Session::job_finished(Job &job) {
    if (active_.get() != &job) return;
    // The job may still be on the stack: release it on a later turn.
    auto finished = std::move(active_);
    deferred_.call([finished] {});
    deferred_.call([weak = weak_from_this()] {
        if (auto self = weak.lock()) self->pump();
    });
}

void Session::cancel(const Job *job) {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
        if (it->get() == job) {
            auto queued = std::move(*it);
            queue_.erase(it);
            queued->op().complete(OTTO_ECANCELED, "canceled");
            return;
        }
    }
    if (active_.get() != job) return;
    // §8.3: complete at once, do no I/O, recover before the next op.
    if (shell_) {
        if (shell_->state() == ShellState::Handshaking) {
            drop_shell();
        } else {
            shell_->abandon();
        }
    }
    if (retry_timer_) retry_timer_->stop();
    active_->op().complete(OTTO_ECANCELED, "canceled");
    job_finished(*active_);
}

void Session::open(std::function<void(Error)> done) { ensure_ready(std::move(done)); }

void Session::ensure_ready(std::function<void(Error)> then, bool allow_replacement) {
    if (closed()) {
        then(Error(OTTO_ECLOSED, "the session is closed"));
        return;
    }
    if (shell_ && shell_->alive()) {
        if (!shell_->needs_recovery()) {
            then(Error());
            return;
        }
        std::weak_ptr<Session> weak = weak_from_this();
        host_->log(OTTO_LOG_INFO, OTTO_LOG_KIND_INFO, name_, "recovering the shell after a canceled operation");
        shell_->recover([weak, then, allow_replacement](bool recovered) {
            auto self = weak.lock();
            if (!self) return;
            if (!recovered)
                self->host_->log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, self->name_,
                                 "the shell did not recover after a canceled operation");
            self->ensure_ready(then, allow_replacement);
        });
        return;
    }
    bool may_start = !ever_started_ || (is_default() && allow_replacement);
    if (!may_start) {
        then(Error(OTTO_EDEAD, is_default() ? "the shell of host \"" + host_->id() + "\" is dead"
                                            : "session \"" + name_ + "\" is dead"));
        return;
    }
    start_shell(std::move(then), is_default());
}

void Session::start_shell(std::function<void(Error)> then, bool retry_allowed) {
    if (had_ready_shell_) {
        host_->count_replacement();
        host_->log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, name_,
                   "the shell died; starting a fresh one (its working directory and environment are lost)");
        had_ready_shell_ = false;
    }
    drop_shell();
    ever_started_ = true;
    shell_ = std::make_unique<Shell>(host_->engine().uv(), host_->shell_config(), static_cast<ShellObserver *>(this));
    Shell *shell = shell_.get();
    std::weak_ptr<Session> weak = weak_from_this();
    auto on_ready = [weak, shell, then, retry_allowed](Error error) {
        auto self = weak.lock();
        if (!self || self->shell_.get() != shell) return;
        if (!error) {
            self->had_ready_shell_ = true;
            then(Error());
            return;
        }
        if (retry_allowed && error.code == OTTO_EHANDSHAKE) {
            // §3.8: single-client consoles free their slot slowly.
            self->host_->log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, self->name_,
                             error.message + "; retrying once in " +
                                 format_seconds(self->host_->config().handshake_retry_delay) + " s");
            if (!self->retry_timer_) self->retry_timer_ = std::make_unique<Timer>(self->host_->engine().uv());
            self->retry_timer_->start(self->host_->config().handshake_retry_delay, [weak, then] {
                if (auto again = weak.lock()) again->start_shell(then, false);
            });
            return;
        }
        then(std::move(error));
    };
    host_->backend().launch_shell([weak, shell, on_ready](std::shared_ptr<ShellTransport> transport, Error error) {
        auto self = weak.lock();
        if (!self || self->shell_.get() != shell) {
            if (transport) transport->close(false, [] {});
            return;
        }
        if (error) {
            self->deferred_.call([on_ready, error] { on_ready(error); });
            return;
        }
        shell->start(std::move(transport), on_ready);
    });
}

void Session::drop_shell() {
    if (!shell_) return;
    auto shell = std::move(shell_);
    shell->close(false, [] {});
    alive_.store(false);
}

void Session::close(std::function<void()> done) {
    if (closed_.exchange(true)) {
        deferred_.call(std::move(done));
        return;
    }
    alive_.store(false);
    host_->forget_session(this);
    auto queued = std::move(queue_);
    queue_.clear();
    if (active_) {
        auto active = std::move(active_);
        if (shell_) shell_->abandon();
        active->op().complete(OTTO_ECANCELED, "the session was closed");
    }
    for (auto &job : queued) job->op().complete(OTTO_ECANCELED, "the session was closed");

    retry_timer_.reset();
    auto finish = [self = shared_from_this(), done = std::move(done)] {
        if (done) done();
    };
    if (shell_) {
        auto shell = std::move(shell_);
        shell->close(true, finish);
    } else {
        deferred_.call(finish);
    }
}

void Session::log_command(std::string_view text) {
    if (host_->config().log_mode == OTTO_LOG_MODE_NEVER) return;
    host_->log(OTTO_LOG_INFO, OTTO_LOG_KIND_COMMAND, name_, text);
}

void Session::on_output_line(std::string_view line) {
    if (host_->config().log_mode == OTTO_LOG_MODE_NORMAL) host_->log(OTTO_LOG_INFO, OTTO_LOG_KIND_OUTPUT, name_, line);
    if (active_) active_->on_output_line(*this, line);
}

void Session::on_expect_fired(const Expect &expect) {
    // Responses are often passwords: never logged verbatim (§6.6).
    host_->log(OTTO_LOG_DEBUG, OTTO_LOG_KIND_INFO, name_,
               "expect \"" + expect.pattern.source() + "\" matched; wrote a " + std::to_string(expect.response.size()) +
                   "-byte response");
}

void Session::on_state_changed(ShellState state) {
    alive_.store(state == ShellState::Ready || state == ShellState::Busy || state == ShellState::Recovering);
}

}  // namespace otto
