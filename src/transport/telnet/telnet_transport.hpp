// A telnet console as a shell transport (SESSION-PROTOCOL §11): a
// TelnetConversation (negotiation, login, the shell's bytes) over a libuv
// TCP stream on the loop thread. It connects within a deadline, times the
// conversation's waits, and carries the shell's bytes with newlines sent as
// a lone CR.
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "host/host_config.hpp"
#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "loop/uv_handle.hpp"
#include "transport/shell_transport.hpp"
#include "transport/telnet/telnet_conversation.hpp"

namespace otto {

class TcpConnector;

class TelnetTransport final : public ShellTransport,
                              public std::enable_shared_from_this<TelnetTransport>,
                              private TelnetConversation::Owner {
public:
    using Opened = std::function<void(std::shared_ptr<TelnetTransport>, Error)>;

    // Connects, negotiates and logs in; `done` runs once, on a later turn,
    // with a transport whose next bytes belong to the shell, or the error.
    static std::shared_ptr<TelnetTransport> open(uv_loop_t *loop, const HostConfig &config, Opened done);

    TelnetTransport(uv_loop_t *loop, const HostConfig &config);
    ~TelnetTransport() override;

    void set_listener(Listener *listener) override;
    void write(std::string bytes, std::function<void(int status)> written) override;
    void interrupt() override;
    void pause_reading() override;
    void resume_reading() override;
    void close(bool graceful, std::function<void()> closed) override;
    void handshake_done() override;
    std::string loss_detail() const override { return loss_detail_; }

    // Abandons a login under way (the opener no longer wants it).
    void cancel();

private:
    struct WriteRequest;

    void start(Opened done);
    void on_connected(int fd, Error error);
    void start_reading();
    void on_read(ssize_t nread, const uv_buf_t *buf);
    void send_raw(std::string bytes, std::function<void(int)> written = {});
    void flush_chunks();
    void fail_login(Error error);
    void report_loss(LossReason reason);
    void finish_close();
    Timer &timer(TelnetConversation::Wait wait);

    // TelnetConversation::Owner
    void send_bytes(std::string bytes) override { send_raw(std::move(bytes)); }
    void start_wait(TelnetConversation::Wait wait, double seconds) override;
    void stop_wait(TelnetConversation::Wait wait) override { timer(wait).stop(); }
    void logged_in(std::string early_bytes) override;
    void login_failed(Error error) override { fail_login(std::move(error)); }
    void shell_bytes(std::string_view bytes) override;
    void refused_after_login(std::string message) override;
    void protocol_error(std::string message) override;

    uv_loop_t *loop_;
    HostConfig config_;
    Opened opened_;
    Listener *listener_ = nullptr;
    std::shared_ptr<TcpConnector> connector_;
    UvHandle<uv_tcp_t> tcp_;
    // Null only when the prompt patterns did not compile.
    std::unique_ptr<TelnetConversation> conversation_;
    bool reading_ = false;
    bool paused_ = false;
    bool lost_ = false;

    std::string pending_;  // shell bytes that arrived before the listener
    std::string loss_detail_;

    std::deque<std::string> chunks_;  // chunked writes waiting for their turn
    std::deque<std::function<void(int)>> written_after_chunks_;
    Timer phase_timer_;
    Timer probe_timer_;
    Timer quiet_timer_;
    Timer chunk_timer_;
    Timer close_timer_;
    Deferred deferred_;
    bool closing_ = false;
    std::function<void()> closed_;
    std::shared_ptr<TelnetTransport> keep_alive_;
    char read_buffer_[64 * 1024];
};

}  // namespace otto
