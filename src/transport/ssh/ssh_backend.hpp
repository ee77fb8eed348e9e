// The SSH host's backend: a small pool of connections with a channel budget
// each (sshd refuses channels past MaxSessions). One connection normally
// serves everything; one-shots beyond the budget wait for a slot, shells
// beyond it open another connection. Broken connections are dropped and the
// next request connects again.
#pragma once

#include <uv.h>

#include <deque>
#include <memory>
#include <vector>

#include "host/host_backend.hpp"
#include "host/host_config.hpp"
#include "transport/ssh/ssh_connection.hpp"

namespace otto {

class SshBackend final : public HostBackend {
public:
    // `handshakes`: the context's limit on handshakes at once (may be null).
    SshBackend(uv_loop_t *loop, const HostConfig &config, SshConnection::Log log, std::shared_ptr<SlotGate> handshakes);
    ~SshBackend() override;

    void launch_shell(ShellLauncher::Done done) override;
    LineLimit line_limit() const override;
    std::shared_ptr<OneshotHandle> run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                               std::function<void(CommandResult)> done) override;
    std::unique_ptr<RemoteFiles> make_files() override;
    void shutdown(std::function<void()> done) override;

    // Opens a channel for a subsystem ("sftp") under the same budget as
    // everything else; like a shell it may stay open for long, so it gets a
    // connection of its own rather than wait when every slot is taken. A
    // server without the subsystem answers OTTO_ENOTSUP.
    void open_subsystem(const std::string &name, SshConnection::Opened done);
    const std::string &where() const { return where_; }
    const HostConfig &config() const { return config_; }

private:
    struct Request {
        SshChannelSpec spec;
        SshConnection::Opened done;
        bool canceled = false;
    };

    void acquire(std::shared_ptr<Request> request);
    void serve_queue();
    std::shared_ptr<SshConnection> new_connection();

    uv_loop_t *loop_;
    HostConfig config_;
    SshConnection::Log log_;
    std::shared_ptr<SlotGate> handshakes_;
    std::string where_;
    std::vector<std::shared_ptr<SshConnection>> connections_;
    std::deque<std::shared_ptr<Request>> waiting_;  // one-shots waiting for a slot
    bool shut_down_ = false;
};

}  // namespace otto
