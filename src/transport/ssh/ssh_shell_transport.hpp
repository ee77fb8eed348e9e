// The persistent shell over SSH: a channel on the host's shared connection,
// with a PTY (TERM dumb; the default) or on the channel's pipes, seen by the
// session protocol as any other transport.
#pragma once

#include <memory>
#include <string>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "transport/shell_transport.hpp"
#include "transport/ssh/remote_process_group.hpp"
#include "transport/ssh/ssh_channel.hpp"

namespace otto {

class SshShellTransport final : public ShellTransport,
                                private SshChannel::Listener,
                                public std::enable_shared_from_this<SshShellTransport> {
public:
    SshShellTransport(uv_loop_t *loop, std::shared_ptr<SshChannel> channel, double close_wait, bool pty);
    ~SshShellTransport() override;

    void set_listener(ShellTransport::Listener *listener) override;
    void write(std::string bytes, std::function<void(int status)> written) override;
    void interrupt() override;
    void pause_reading() override { channel_->pause(); }
    void resume_reading() override { channel_->resume(); }
    void close(bool graceful, std::function<void()> closed) override;

private:
    void on_channel_data(const char *data, size_t size, bool is_stderr) override;
    void on_channel_ended(LossReason reason) override;
    void finish_close();
    void signal_shell_group(const std::string &signal);

    std::shared_ptr<SshChannel> channel_;
    double close_wait_;
    bool pty_;
    PidAnnouncement pid_;  // pipes: the pid the shell tells at its start
    ShellTransport::Listener *listener_ = nullptr;
    bool closing_ = false;
    std::function<void()> closed_;
    std::shared_ptr<SshShellTransport> keep_alive_;
    Timer close_timer_;
    Deferred deferred_;
};

}  // namespace otto
