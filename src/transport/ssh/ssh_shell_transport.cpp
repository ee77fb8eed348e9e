#include "transport/ssh/ssh_shell_transport.hpp"

namespace otto {

SshShellTransport::SshShellTransport(uv_loop_t *loop, std::shared_ptr<SshChannel> channel, double close_wait)
    : channel_(std::move(channel)), close_wait_(close_wait), close_timer_(loop), deferred_(loop) {
    channel_->set_listener(this);
}

SshShellTransport::~SshShellTransport() {
    channel_->set_listener(nullptr);
    channel_->close();
}

void SshShellTransport::set_listener(ShellTransport::Listener *listener) { listener_ = listener; }

void SshShellTransport::write(std::string bytes, std::function<void(int status)> written) {
    channel_->write(std::move(bytes), std::move(written));
}

// The PTY's line discipline turns 0x03 into SIGINT for the foreground job.
void SshShellTransport::interrupt() { channel_->write(std::string(1, '\x03'), {}); }

void SshShellTransport::on_channel_data(const char *data, size_t size, bool) {
    // A PTY merges stderr into stdout; anything on the stderr stream is
    // output all the same.
    if (listener_ != nullptr) listener_->on_transport_data(data, size);
}

void SshShellTransport::on_channel_ended(LossReason reason) {
    if (closing_) {
        finish_close();
        return;
    }
    if (listener_ != nullptr) listener_->on_transport_lost(reason);
}

void SshShellTransport::close(bool graceful, std::function<void()> closed) {
    listener_ = nullptr;
    if (closing_) {
        add_closed_callback(closed_, std::move(closed));
        if (!graceful) finish_close();
        return;
    }
    closing_ = true;
    closed_ = std::move(closed);
    keep_alive_ = shared_from_this();
    if (graceful && !channel_->ended() && !channel_->closed()) {
        // Let the shell end its session itself (history, traps); the
        // channel is closed regardless after the wait.
        channel_->write("exit\n", {});
        close_timer_.start(close_wait_, [this] { finish_close(); });
        return;
    }
    deferred_.call([this] { finish_close(); });
}

void SshShellTransport::finish_close() {
    close_timer_.stop();
    // Closing the channel makes sshd hang up the PTY: whatever still runs
    // in it (a stuck REPL) gets SIGHUP.
    channel_->set_listener(nullptr);
    channel_->close();
    auto closed = std::move(closed_);
    closed_ = nullptr;
    auto self = std::move(keep_alive_);
    if (closed) closed();
}

}  // namespace otto
