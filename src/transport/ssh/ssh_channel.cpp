#include "transport/ssh/ssh_channel.hpp"

#include <uv.h>

#include "transport/ssh/ssh_connection.hpp"

namespace otto {

SshChannel::SshChannel(uv_loop_t *loop, std::weak_ptr<SshConnection> connection, ssh_channel channel, bool shell)
    : deferred_(loop), connection_(std::move(connection)), channel_(channel), shell_(shell) {
    callbacks_.userdata = this;
    callbacks_.channel_data_function = &SshChannel::on_data;
    callbacks_.channel_close_function = &SshChannel::on_close;
    callbacks_.channel_exit_status_function = &SshChannel::on_exit_status;
    callbacks_.channel_exit_signal_function = &SshChannel::on_exit_signal;
    ssh_callbacks_init(&callbacks_);
    ssh_set_channel_callbacks(channel_, &callbacks_);
}

SshChannel::~SshChannel() { close(); }

int SshChannel::on_data(ssh_session, ssh_channel, void *data, uint32_t len, int is_stderr, void *user) {
    auto *self = static_cast<SshChannel *>(user);
    // A paused channel leaves the bytes in libssh: its window then stays
    // shut and the peer stops sending (flow control end to end).
    if (self->paused_) return 0;
    self->inbound_.push_back({std::string(static_cast<const char *>(data), len), is_stderr != 0});
    return static_cast<int>(len);
}

void SshChannel::on_close(ssh_session, ssh_channel, void *user) {
    static_cast<SshChannel *>(user)->remote_closed_ = true;
}

void SshChannel::on_exit_status(ssh_session, ssh_channel, int status, void *user) {
    static_cast<SshChannel *>(user)->exit_status_ = status;
}

void SshChannel::on_exit_signal(ssh_session, ssh_channel, const char *signal, int, const char *, const char *,
                                void *user) {
    static_cast<SshChannel *>(user)->exit_signal_ = signal != nullptr ? signal : "";
}

void SshChannel::set_listener(Listener *listener) {
    listener_ = listener;
    if (listener_ != nullptr && has_pending()) {
        if (auto c = connection_.lock()) c->pump_soon();
    }
}

void SshChannel::write(std::string bytes, std::function<void(int)> written) {
    if (channel_ == nullptr || ended_) {
        if (written) {
            // Even with the connection gone, the writer hears back.
            deferred_.call([written] { written(UV_EPIPE); });
        }
        return;
    }
    outbound_.push_back({std::move(bytes), 0, std::move(written)});
    if (auto c = connection_.lock()) c->pump_soon();
}

bool SshChannel::flush_writes() {
    while (!outbound_.empty() && channel_ != nullptr) {
        PendingWrite &w = outbound_.front();
        size_t left = w.data.size() - w.offset;
        int n = left == 0 ? 0 : ssh_channel_write(channel_, w.data.data() + w.offset, static_cast<uint32_t>(left));
        if (n < 0) {
            auto failed = std::move(outbound_);
            outbound_.clear();
            for (auto &f : failed)
                if (f.written) f.written(UV_EPIPE);
            ended_ = true;
            end_reason_ = LossReason::BrokenPipe;
            return false;
        }
        w.offset += static_cast<size_t>(n);
        if (w.offset < w.data.size()) return true;  // the peer's window is full: retry later
        auto done = std::move(w.written);
        outbound_.pop_front();
        if (done) done(0);
    }
    if (eof_wanted_ && !eof_sent_ && outbound_.empty() && channel_ != nullptr) {
        eof_sent_ = true;
        ssh_channel_send_eof(channel_);
    }
    return false;
}

void SshChannel::close_stdin() {
    eof_wanted_ = true;
    if (auto c = connection_.lock()) c->pump_soon();
}

void SshChannel::send_signal(const char *name) {
    if (channel_ == nullptr) return;
    ssh_channel_request_send_signal(channel_, name);
    // The request may wait in libssh's output buffer: let the pump flush it.
    if (auto c = connection_.lock()) c->pump_soon();
}

void SshChannel::take_arrived() {
    if (auto c = connection_.lock()) c->pump_now();
}

void SshChannel::pause() { paused_ = true; }

void SshChannel::resume() {
    if (!paused_) return;
    paused_ = false;
    // Take what libssh kept while paused.
    if (channel_ != nullptr) {
        char buffer[64 * 1024];
        for (int is_stderr = 0; is_stderr < 2; ++is_stderr) {
            while (true) {
                int n = ssh_channel_read_nonblocking(channel_, buffer, sizeof buffer, is_stderr);
                if (n <= 0) break;
                inbound_.push_back({std::string(buffer, static_cast<size_t>(n)), is_stderr != 0});
            }
        }
    }
    if (auto c = connection_.lock()) c->pump_soon();
}

bool SshChannel::has_pending() const {
    return !inbound_.empty() || (!ended_ && remote_closed_) || (exit_status_ && !status_delivered_) ||
           (exit_signal_ && !status_delivered_);
}

void SshChannel::deliver() {
    while (listener_ != nullptr && !inbound_.empty() && !paused_) {
        Chunk chunk = std::move(inbound_.front());
        inbound_.pop_front();
        listener_->on_channel_data(chunk.data.data(), chunk.data.size(), chunk.is_stderr);
    }
    if (listener_ == nullptr) return;
    if (!status_delivered_ && (exit_status_ || exit_signal_)) {
        status_delivered_ = true;
        if (exit_signal_) listener_->on_channel_exit_signal(*exit_signal_);
        if (exit_status_ && listener_ != nullptr) listener_->on_channel_exit_status(*exit_status_);
    }
    // The end is the peer's CLOSE, not its EOF: sshd sends the exit status
    // between the two. A paused channel's last bytes may still wait in
    // libssh: the end comes after them, once resumed.
    if (!ended_ && remote_closed_ && inbound_.empty() && !paused_ && listener_ != nullptr) {
        ended_ = true;
        listener_->on_channel_ended(LossReason::Eof);
    }
}

void SshChannel::connection_lost() {
    if (ended_) return;
    ended_ = true;
    auto failed = std::move(outbound_);
    outbound_.clear();
    for (auto &f : failed)
        if (f.written) f.written(UV_EPIPE);
    if (listener_ != nullptr) listener_->on_channel_ended(LossReason::ConnectionLost);
}

void SshChannel::forget_session() {
    channel_ = nullptr;
    outbound_.clear();
}

void SshChannel::close() {
    if (channel_ == nullptr) return;
    ssh_remove_channel_callbacks(channel_, &callbacks_);
    // Sends CLOSE if still open; libssh releases the channel once the peer
    // answers (or with the session).
    ssh_channel_free(channel_);
    channel_ = nullptr;
    outbound_.clear();
    if (auto c = connection_.lock()) c->channel_closed(this);
}

}  // namespace otto
