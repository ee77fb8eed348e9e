#include "transport/ssh/ssh_shell_transport.hpp"

#include <algorithm>
#include <string_view>

#include "transport/ssh/ssh_connection.hpp"

namespace otto {

namespace {

// What a PTY gives a shell and pipes do not, set up before anything else
// runs. stderr joins stdout, so that a command's output keeps its order
// (over separate streams its last error line could arrive after the end
// marker). The shell traps SIGINT, since an interrupt reaches its whole
// process group and the shell must outlive the command it interrupts (a
// handler, unlike an ignored signal, is reset in the commands the shell
// starts). It tells its pid (remote_process_group.hpp) before the session's
// handshake, whose reader skips whatever precedes it.
const std::string kPipesSetup = "exec 2>&1; trap : INT; " + announce_pid_statement() + "\n";
// The pid is looked for in this much of the first output only.
constexpr size_t kPidScanLimit = 4096;

}  // namespace

SshShellTransport::SshShellTransport(uv_loop_t *loop, std::shared_ptr<SshChannel> channel, double close_wait, bool pty)
    : channel_(std::move(channel)), close_wait_(close_wait), pty_(pty), pid_(pty ? 0 : kPidScanLimit),
      close_timer_(loop), deferred_(loop) {
    channel_->set_listener(this);
    if (!pty_) channel_->write(kPipesSetup, {});
}

// A signal request remains for a shell whose pid is unknown.
void SshShellTransport::signal_shell_group(const std::string &signal) {
    auto connection = channel_->connection();
    if (pid_.pid().empty() || !connection) {
        channel_->send_signal(signal.c_str());
        return;
    }
    signal_remote_group(*connection, pid_.pid(), signal);
}

SshShellTransport::~SshShellTransport() {
    channel_->set_listener(nullptr);
    channel_->close();
}

void SshShellTransport::set_listener(ShellTransport::Listener *listener) { listener_ = listener; }

void SshShellTransport::write(std::string bytes, std::function<void(int status)> written) {
    channel_->write(std::move(bytes), std::move(written));
}

// On a PTY, the line discipline turns 0x03 into SIGINT for the foreground
// job; on pipes, the shell's process group gets SIGINT (the shell survives
// it through its trap).
void SshShellTransport::interrupt() {
    if (pty_) {
        channel_->write(std::string(1, '\x03'), {});
    } else {
        signal_shell_group("INT");
    }
}

void SshShellTransport::on_channel_data(const char *data, size_t size, bool) {
    // A PTY merges stderr into stdout; anything on the stderr stream is
    // output all the same.
    auto pass_on = [this](std::string_view bytes) {
        if (listener_ != nullptr) listener_->on_transport_data(bytes.data(), bytes.size());
    };
    if (pid_.done()) {
        pass_on(std::string_view(data, size));
        return;
    }
    pid_.feed(std::string_view(data, size), pass_on);
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
    // in it (a stuck REPL) gets SIGHUP. Pipes hang nothing up: the hangup
    // goes to the shell's process group first.
    if (!pty_ && !channel_->ended() && !channel_->closed()) signal_shell_group("HUP");
    channel_->set_listener(nullptr);
    channel_->close();
    auto closed = std::move(closed_);
    closed_ = nullptr;
    auto self = std::move(keep_alive_);
    if (closed) closed();
}

}  // namespace otto
