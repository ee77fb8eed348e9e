#include "transport/telnet/telnet_transport.hpp"

#include <algorithm>

#include "loop/stream_reading.hpp"
#include "otto.h"
#include "transport/net/tcp_connector.hpp"

namespace otto {

struct TelnetTransport::WriteRequest {
    uv_write_t request{};
    std::string data;
    std::function<void(int)> written;
    std::weak_ptr<TelnetTransport> owner;
};

std::shared_ptr<TelnetTransport> TelnetTransport::open(uv_loop_t *loop, const HostConfig &config, Opened done) {
    auto transport = std::make_shared<TelnetTransport>(loop, config);
    transport->start(std::move(done));
    return transport;
}

TelnetTransport::TelnetTransport(uv_loop_t *loop, const HostConfig &config)
    : loop_(loop), config_(config), phase_timer_(loop), probe_timer_(loop), quiet_timer_(loop), chunk_timer_(loop),
      close_timer_(loop), deferred_(loop) {
    if (config_.port <= 0) config_.port = 23;
}

TelnetTransport::~TelnetTransport() {
    if (connector_) connector_->cancel();
}

// --- connecting and logging in --------------------------------------------------

void TelnetTransport::start(Opened done) {
    opened_ = std::move(done);
    keep_alive_ = shared_from_this();  // until the opener has its answer
    try {
        TelnetConversation::Owner &owner = *this;
        conversation_ = std::make_unique<TelnetConversation>(config_, owner);
    } catch (const ApiError &e) {
        Error error(OTTO_EINVAL, telnet_where(config_) + ": " + e.what());
        deferred_.call([this, error] { fail_login(error); });
        return;
    }
    std::weak_ptr<TelnetTransport> weak = weak_from_this();
    connector_ =
        TcpConnector::start(loop_, config_.address, config_.port, config_.connect_timeout, [weak](int fd, Error error) {
            if (auto self = weak.lock()) self->on_connected(fd, std::move(error));
        });
}

void TelnetTransport::on_connected(int fd, Error error) {
    connector_.reset();
    if (error) {
        error.message = conversation_->where() + ": " + error.message;
        fail_login(std::move(error));
        return;
    }
    uv_tcp_init(loop_, tcp_.get());
    tcp_.mark_initialized();
    tcp_.get()->data = this;
    uv_tcp_open(tcp_.get(), fd);
    start_reading();
    conversation_->start();
}

Timer &TelnetTransport::timer(TelnetConversation::Wait wait) {
    switch (wait) {
        case TelnetConversation::Wait::Phase: return phase_timer_;
        case TelnetConversation::Wait::Probe: return probe_timer_;
        case TelnetConversation::Wait::Quiet: break;
    }
    return quiet_timer_;
}

void TelnetTransport::start_wait(TelnetConversation::Wait wait, double seconds) {
    timer(wait).start(seconds, [this, wait] {
        auto self = shared_from_this();  // a failed login lets the opener go
        conversation_->wait_over(wait);
    });
}

void TelnetTransport::logged_in(std::string early_bytes) {
    pending_ += early_bytes;
    auto opened = std::move(opened_);
    opened_ = nullptr;
    auto self = std::move(keep_alive_);
    if (opened) deferred_.call([self, opened] { opened(self, Error()); });
}

void TelnetTransport::fail_login(Error error) {
    if (conversation_) conversation_->close();
    if (connector_) {
        connector_->cancel();
        connector_.reset();
    }
    tcp_.reset();
    auto opened = std::move(opened_);
    opened_ = nullptr;
    auto self = std::move(keep_alive_);
    if (opened) opened(nullptr, std::move(error));
}

void TelnetTransport::cancel() {
    if (conversation_ && (conversation_->in_shell() || conversation_->closed())) return;  // handed over, or over
    opened_ = nullptr;
    fail_login(Error());
}

void TelnetTransport::handshake_done() {
    if (conversation_) conversation_->stop_watching_login();
}

// --- bytes in ----------------------------------------------------------------------

void TelnetTransport::start_reading() {
    if (reading_ || !tcp_.initialized() || lost_) return;
    reading_ = true;
    start_stream_reading<TelnetTransport, &TelnetTransport::read_buffer_, &TelnetTransport::on_read>(tcp_.stream());
}

void TelnetTransport::on_read(ssize_t nread, const uv_buf_t *buf) {
    if (nread > 0) {
        auto self = shared_from_this();  // a listener may close us
        ack_received_now(tcp_.get());
        conversation_->receive(std::string_view(buf->base, static_cast<size_t>(nread)));
        return;
    }
    if (nread == 0) return;
    if (closing_) {
        finish_close();  // the shell took its `exit`: no need to wait longer
        return;
    }
    if (!conversation_->in_shell()) {
        fail_login(Error(OTTO_ECONNECT, conversation_->where() +
                                            ": the server closed the connection during the login (" +
                                            std::string(uv_strerror(static_cast<int>(nread))) + "); last output: \"" +
                                            conversation_->tail() + "\""));
        return;
    }
    report_loss(nread == UV_EOF ? LossReason::Eof : LossReason::ConnectionLost);
}

void TelnetTransport::shell_bytes(std::string_view bytes) {
    if (lost_) return;
    if (listener_ == nullptr) {
        pending_.append(bytes);
        return;
    }
    listener_->on_transport_data(bytes.data(), bytes.size());
}

// A refusal that shows only once otto has gone on (the answer to the
// password stayed unknown): it still ends the session.
void TelnetTransport::refused_after_login(std::string message) {
    loss_detail_ = std::move(message);
    report_loss(LossReason::AuthFailed);
}

void TelnetTransport::protocol_error(std::string message) {
    loss_detail_ = std::move(message);
    deferred_.call([this] { report_loss(LossReason::ConnectionLost); });
}

// --- bytes out ---------------------------------------------------------------------

void TelnetTransport::send_raw(std::string bytes, std::function<void(int)> written) {
    if (!tcp_.initialized() || lost_) {
        if (written) deferred_.call([written] { written(UV_EPIPE); });
        return;
    }
    auto *request = new WriteRequest;
    request->data = std::move(bytes);
    request->written = std::move(written);
    request->owner = weak_from_this();
    request->request.data = request;
    uv_buf_t buf = uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
    int rc = uv_write(&request->request, tcp_.stream(), &buf, 1, [](uv_write_t *req, int status) {
        std::unique_ptr<WriteRequest> done(static_cast<WriteRequest *>(req->data));
        if (done->written) done->written(status);
        if (auto owner = done->owner.lock(); owner && status < 0 && status != UV_ECANCELED)
            owner->report_loss(LossReason::BrokenPipe);
    });
    if (rc != 0) {
        std::unique_ptr<WriteRequest> failed(request);
        auto weak = weak_from_this();
        deferred_.call([weak, written = std::move(failed->written), rc] {
            if (written) written(rc);
            if (auto self = weak.lock()) self->report_loss(LossReason::BrokenPipe);
        });
    }
}

void TelnetTransport::write(std::string bytes, std::function<void(int status)> written) {
    // §11.6: every newline goes out as a lone CR.
    std::string text;
    text.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;  // CR LF: one CR
        text.push_back(bytes[i] == '\n' ? '\r' : bytes[i]);
    }
    if (!tcp_.initialized() || lost_) {
        if (written) deferred_.call([written] { written(UV_EPIPE); });
        return;
    }
    const size_t chunk = static_cast<size_t>(std::max(0, config_.telnet.write_chunk));
    if (chunk == 0) {
        // Each write goes out whole: some servers (BusyBox telnetd) take an
        // IAC sequence split across reads for data.
        std::string encoded = conversation_->encode(text);
        if (!encoded.empty() || written) send_raw(std::move(encoded), std::move(written));
        return;
    }
    // §11.7: slow UART consoles get the text in chunks with pauses.
    for (size_t at = 0; at < text.size(); at += chunk) chunks_.push_back(text.substr(at, chunk));
    if (written) chunks_.push_back(std::string());  // an empty chunk marks where `written` fires
    written_after_chunks_.push_back(std::move(written));
    if (!chunk_timer_.pending()) flush_chunks();
}

void TelnetTransport::flush_chunks() {
    if (chunks_.empty() || !conversation_) return;
    std::string next = std::move(chunks_.front());
    chunks_.pop_front();
    if (next.empty()) {
        auto written = std::move(written_after_chunks_.front());
        written_after_chunks_.pop_front();
        if (written) send_raw({}, std::move(written));  // completes after what came before
    } else {
        send_raw(conversation_->encode(next));
    }
    if (!chunks_.empty()) chunk_timer_.start(config_.telnet.write_chunk_delay, [this] { flush_chunks(); });
}

void TelnetTransport::set_listener(Listener *listener) {
    listener_ = listener;
    if (listener_ != nullptr && !pending_.empty()) {
        std::string bytes = std::move(pending_);
        pending_.clear();
        listener_->on_transport_data(bytes.data(), bytes.size());
    }
}

// The console is a PTY on the server: 0x03 becomes SIGINT there.
void TelnetTransport::interrupt() { write(std::string(1, '\x03'), {}); }

void TelnetTransport::pause_reading() {
    paused_ = true;
    if (reading_ && tcp_.initialized()) uv_read_stop(tcp_.stream());
    reading_ = false;
}

void TelnetTransport::resume_reading() {
    if (!paused_) return;
    paused_ = false;
    start_reading();
}

void TelnetTransport::report_loss(LossReason reason) {
    if (lost_) return;
    lost_ = true;
    if (reading_ && tcp_.initialized()) uv_read_stop(tcp_.stream());
    reading_ = false;
    if (listener_ != nullptr) listener_->on_transport_lost(reason);
}

// --- closing -------------------------------------------------------------------------

void TelnetTransport::close(bool graceful, std::function<void()> closed) {
    listener_ = nullptr;
    if (closing_) {
        add_closed_callback(closed_, std::move(closed));
        if (!graceful) finish_close();
        return;
    }
    closing_ = true;
    closed_ = std::move(closed);
    keep_alive_ = shared_from_this();
    if (graceful && !lost_ && tcp_.initialized()) {
        // Let the shell end its session (the console may allow one client
        // only and free its slot sooner); then hang up regardless.
        write("exit\n", {});
        close_timer_.start(config_.close_exit_wait, [this] { finish_close(); });
        return;
    }
    deferred_.call([this] { finish_close(); });
}

void TelnetTransport::finish_close() {
    close_timer_.stop();
    chunk_timer_.stop();
    phase_timer_.stop();
    probe_timer_.stop();
    quiet_timer_.stop();
    if (conversation_) conversation_->close();
    lost_ = true;
    tcp_.reset();  // closing the socket ends the session on the server
    auto closed = std::move(closed_);
    closed_ = nullptr;
    auto self = std::move(keep_alive_);
    if (closed) closed();
}

}  // namespace otto
