// A session: one shell's identity, queue and lifetime (SESSION-PROTOCOL §14,
// §15). The host's default session replaces a dead shell with a fresh one;
// a named session stays dead. Loop thread only, except where marked.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "session/job.hpp"
#include "session/shell.hpp"
#include "util/error.hpp"

namespace otto {

class Host;

class Session : public std::enable_shared_from_this<Session>, private ShellObserver {
public:
    // An empty name makes the host's default session.
    Session(std::shared_ptr<Host> host, std::string name);
    virtual ~Session();
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    // Any thread.
    const std::string &name() const { return name_; }
    bool is_default() const { return name_.empty(); }
    bool alive() const { return alive_.load(); }
    bool closed() const { return closed_.load(); }
    Host &host() const { return *host_; }
    const std::shared_ptr<Host> &host_ptr() const { return host_; }

    // C handle references (otto_op_take_session / otto_session_free); the
    // last one closes the session.
    void add_user_reference();
    void release_user_reference();

    // Queues a job (or completes its op with OTTO_ECLOSED).
    void submit(std::shared_ptr<Job> job);

    // Named sessions: starts the first shell.
    void open(std::function<void(Error)> done);

    // Completes every queued and running op with OTTO_ECANCELED and closes
    // the shell. `done` runs once the shell's transport is gone. Idempotent.
    void close(std::function<void()> done);

    // --- for jobs -------------------------------------------------------
    // Makes the shell usable: recovers it after a cancel, and (default
    // session, or a session never started) starts a fresh one. A named
    // session's dead shell gives OTTO_EDEAD. With `allow_replacement` false a
    // dead shell is never replaced (expect: the conversation is gone).
    void ensure_ready(std::function<void(Error)> then, bool allow_replacement = true);
    Shell *shell() const { return shell_.get(); }
    void job_finished(Job &job);
    void log_command(std::string_view text);

private:
    // ShellObserver
    void on_output_line(std::string_view line) override;
    void on_expect_fired(const Expect &expect) override;
    void on_state_changed(ShellState state) override;

    void pump();
    void cancel(const Job *job);
    void start_shell(std::function<void(Error)> then, bool retry_allowed);
    void drop_shell();

    const std::shared_ptr<Host> host_;
    const std::string name_;
    std::atomic<bool> alive_{false};
    std::atomic<bool> closed_{false};
    std::atomic<int> user_references_{0};
    std::shared_ptr<Session> user_hold_;  // while user references exist

    std::deque<std::shared_ptr<Job>> queue_;
    std::shared_ptr<Job> active_;
    std::unique_ptr<Shell> shell_;
    bool ever_started_ = false;
    bool had_ready_shell_ = false;
    Deferred deferred_;
    std::unique_ptr<Timer> retry_timer_;  // a libuv handle: released at close
};

}  // namespace otto

struct otto_session final : public otto::Session {
    using otto::Session::Session;
};
