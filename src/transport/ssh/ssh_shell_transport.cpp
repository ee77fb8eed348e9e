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
// starts). It tells its pid, which leads that process group (sshd starts
// it in a session of its own), before the session's handshake, whose
// reader skips whatever precedes it.
constexpr std::string_view kPidMarker = "otto-shell-pid:";
const std::string kPipesSetup = "exec 2>&1; trap : INT; echo " + std::string(kPidMarker) + "$$.\n";
// The marker is looked for in this much of the first output only.
constexpr size_t kPidScanLimit = 4096;

}  // namespace

SshShellTransport::SshShellTransport(uv_loop_t *loop, std::shared_ptr<SshChannel> channel, double close_wait, bool pty)
    : channel_(std::move(channel)), close_wait_(close_wait), pty_(pty), close_timer_(loop), deferred_(loop) {
    channel_->set_listener(this);
    if (!pty_) channel_->write(kPipesSetup, {});
}

void SshShellTransport::watch_for_pid(const char *data, size_t size) {
    pid_scan_.append(data, std::min(size, kPidScanLimit - pid_scan_.size()));
    size_t at = pid_scan_.find(kPidMarker);
    if (at != std::string::npos) {
        size_t digits = at + kPidMarker.size();
        size_t end = pid_scan_.find('.', digits);
        if (end == std::string::npos) return;  // the rest has not arrived yet
        std::string pid = pid_scan_.substr(digits, end - digits);
        if (!pid.empty() && pid.size() < 12 && pid.find_first_not_of("0123456789") == std::string::npos)
            shell_pid_ = pid;
    } else if (pid_scan_.size() < kPidScanLimit) {
        return;
    }
    pid_scan_done_ = true;
    pid_scan_.clear();
    pid_scan_.shrink_to_fit();
}

// sshd delivers a "signal" request to the shell's process group only under
// privilege separation, which root logins go without; a kill run on a
// second channel of the same connection works for every user. The signal
// request remains for a shell whose pid is unknown.
void SshShellTransport::signal_shell_group(const std::string &signal) {
    auto connection = channel_->connection();
    if (shell_pid_.empty() || !connection) {
        channel_->send_signal(signal.c_str());
        return;
    }
    SshChannelSpec spec;
    spec.pty = false;
    spec.command = "kill -s " + signal + " -- -" + shell_pid_ + " 2>/dev/null || kill -s " + signal + " " + shell_pid_;
    // Once the command is started it needs nothing more from the channel.
    connection->open_channel(spec, [](std::shared_ptr<SshChannel> channel, Error) {
        if (channel) channel->close();
    });
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
    if (!pty_ && !pid_scan_done_) watch_for_pid(data, size);
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
