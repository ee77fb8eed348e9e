// A host: its default session, its registry of named sessions, its one-shot
// commands, and its closing (SESSION-PROTOCOL §14). Loop thread only except
// where marked.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/host_backend.hpp"
#include "host/host_config.hpp"
#include "loop/engine.hpp"
#include "loop/operation.hpp"
#include "transfer/remote_files.hpp"

namespace otto {

class Session;

class Host : public Closable, public std::enable_shared_from_this<Host> {
public:
    Host(std::shared_ptr<Engine> engine, HostConfig config);
    ~Host() override;

    // Any thread.
    const HostConfig &config() const { return config_; }
    const std::string &id() const { return config_.id; }
    Engine &engine() const { return *engine_; }
    const std::shared_ptr<Engine> &engine_ptr() const { return engine_; }
    bool closed() const { return closed_.load(); }
    uint64_t replacements() const { return replacements_.load(); }
    bool dry_run() const { return engine_->options().dry_run; }

    // The C handle's reference (otto_host_new_* / otto_host_free).
    void adopt_user_reference() { user_reference_ = shared_from_this(); }
    std::shared_ptr<Host> take_user_reference() { return std::move(user_reference_); }

    // Loop thread.
    HostBackend &backend();
    // The host's files, made on first use; nullptr once the host closes.
    RemoteFiles *files();
    // Queues a job on the default session (or fails its op once closed).
    void submit_default(std::shared_ptr<class Job> job);
    void open_session(const std::string &name, std::shared_ptr<Operation> op);
    // Compare-and-remove (§14.4): only if `session` is still registered.
    void forget_session(const Session *session);
    void run_oneshot(std::shared_ptr<Operation> op, OneshotSpec spec);
    void count_replacement() { replacements_.fetch_add(1); }
    ShellConfig shell_config() const;

    // Closes sessions (concurrently), one-shots and connections; `done`
    // runs when everything is released. Idempotent.
    void close(std::function<void()> done);
    void shutdown(std::function<void()> done) override { close(std::move(done)); }

    void log(int level, int kind, std::string_view session, std::string_view text) const;

private:
    struct Opening;
    std::unique_ptr<HostBackend> make_backend();
    Session &default_session();
    void finish_opening(const std::string &name, std::shared_ptr<Session> session, Error error);

    const std::shared_ptr<Engine> engine_;
    const HostConfig config_;
    std::atomic<bool> closed_{false};
    std::atomic<uint64_t> replacements_{0};

    std::unique_ptr<HostBackend> backend_;
    std::unique_ptr<RemoteFiles> files_;
    std::shared_ptr<Session> default_session_;
    std::map<std::string, std::shared_ptr<Session>> named_;
    std::map<std::string, std::shared_ptr<Opening>> opening_;
    struct RunningOneshot {
        std::shared_ptr<OneshotHandle> handle;
        std::weak_ptr<Operation> op;
        bool paused = false;  // its op's events wait for dispatch
    };
    void pause_oneshot_output(const OneshotHandle *raw, Operation &op);
    std::map<const OneshotHandle *, RunningOneshot> oneshots_;
    uint64_t last_oneshot_output_ = 0;  // the next one's output_guess
    std::shared_ptr<Host> user_reference_;
    bool closing_ = false;
    bool close_finished_ = false;
    std::vector<std::function<void()>> close_waiters_;
};

}  // namespace otto

struct otto_host final : public otto::Host {
    using otto::Host::Host;
};
