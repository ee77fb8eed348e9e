// A telnet console as a shell transport (SESSION-PROTOCOL §11): libtelnet's
// protocol state machine over a libuv TCP stream on the loop thread. It
// connects within a deadline, negotiates (DONT ECHO, NAWS, binary when the
// server agrees, suppress go-ahead), logs in by prompt patterns with bounded
// waits, confirms the login before it types anything else, then carries the
// shell's bytes with newlines sent as a lone CR.
#pragma once

// libtelnet.h uses size_t without including what declares it.
#include <cstdarg>
#include <cstddef>
// clang-format off
#include <libtelnet.h>
// clang-format on
#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/host_config.hpp"
#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "loop/uv_handle.hpp"
#include "session/pattern.hpp"
#include "transport/shell_transport.hpp"

namespace otto {

class TcpConnector;

// How messages name a telnet host: "telnet user@address:port".
std::string telnet_where(const HostConfig &config);

class TelnetTransport final : public ShellTransport, public std::enable_shared_from_this<TelnetTransport> {
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
    void handshake_done() override { watching_login_ = false; }
    std::string loss_detail() const override { return loss_detail_; }

    // Abandons a login under way (the opener no longer wants it).
    void cancel();

private:
    enum class Phase {
        Connecting,
        Negotiating,
        WaitLogin,
        WaitPassword,
        ConfirmingLogin,
        StartingShell,
        Shell,
        Closed
    };
    struct WriteRequest;

    void start(Opened done);
    void on_connected(int fd, Error error);
    void start_reading();
    void on_read(ssize_t nread, const uv_buf_t *buf);
    static void on_telnet_event(telnet_t *telnet, telnet_event_t *event, void *user);
    void on_data(const char *data, size_t size);
    void send_text(std::string_view text);
    void flush_outbox(std::function<void(int)> written = {});
    void send_raw(const char *data, size_t size, std::function<void(int)> written = {});
    void flush_chunks();
    void enter_login();
    void check_prompts();
    void answer_prompt(const std::string &answer);
    void confirm_login();
    void judge_login(bool quiet);
    void check_refusal(std::string_view data);
    Error login_refused(const std::string &excerpt) const;
    void login_failed(Error error);
    void ready();
    void await_login_shell();
    void send_shell_up_probe();
    void check_login_shell();
    void hand_over(bool watch_for_refusal);
    void report_loss(LossReason reason);
    void finish_close();
    std::string where() const;
    std::string tail() const;

    uv_loop_t *loop_;
    HostConfig config_;
    Phase phase_ = Phase::Connecting;
    Opened opened_;
    Listener *listener_ = nullptr;
    std::shared_ptr<TcpConnector> connector_;
    UvHandle<uv_tcp_t> tcp_;
    std::unique_ptr<telnet_t, void (*)(telnet_t *)> telnet_{nullptr, telnet_free};
    bool reading_ = false;
    bool paused_ = false;
    bool lost_ = false;

    std::optional<Pattern> login_prompt_;
    std::optional<Pattern> password_prompt_;
    std::string login_text_;                     // what the server said during the login
    std::vector<std::string> answered_prompts_;  // the prompt lines otto answered, as shown
    std::string pending_;                        // shell bytes that arrived before the listener
    bool watching_login_ = false;
    std::string refusal_scan_;  // recent text while a refused login may still show
    std::string loss_detail_;
    std::string shell_up_word_;  // what the login shell's echo prints once it runs commands

    std::string outbox_;              // libtelnet's output of the call under way
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
