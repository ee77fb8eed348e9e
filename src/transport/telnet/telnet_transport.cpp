#include "transport/telnet/telnet_transport.hpp"

#include <algorithm>

#include "loop/stream_reading.hpp"
#include "otto.h"
#include "transport/net/tcp_connector.hpp"
#include "transport/telnet/login_answer.hpp"
#include "util/clock.hpp"
#include "util/printable.hpp"
#include "util/random_id.hpp"
#include "util/shell_quote.hpp"

namespace otto {

namespace {

// What otto agrees to: no echo from the server (§11.1), window size,
// binary in both directions, no go-ahead. Anything else is refused.
const telnet_telopt_t kOptions[] = {
    {TELNET_TELOPT_ECHO, TELNET_WONT, TELNET_DONT},
    {TELNET_TELOPT_NAWS, TELNET_WILL, TELNET_DONT},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {-1, 0, 0},
};

constexpr size_t kLoginTextKeep = 4096;
constexpr size_t kRefusalScanKeep = 2048;
constexpr double kShellUpProbeInterval = 0.25;
// After the password: how long the server must stay quiet before what it
// said is taken as complete (a prompt waits for input; text cut at a read
// boundary goes on at once).
constexpr double kLoginAnswerQuiet = 0.5;
// After the password: how long a server that says nothing may take before
// it counts as logged in. Login programs make a refused login wait first
// (PAM's delay, 2 or 3 s give or take a quarter; BusyBox login 3 s), and
// say nothing meanwhile.
constexpr double kSilentLoginWait = 5.0;

}  // namespace

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

std::string telnet_where(const HostConfig &config) {
    bool v6 = config.address.find(':') != std::string::npos;
    std::string host = v6 ? "[" + config.address + "]" : config.address;
    return "telnet " + (config.user.empty() ? std::string() : config.user + "@") + host + ":" +
           std::to_string(config.port > 0 ? config.port : 23);
}

std::string TelnetTransport::where() const { return telnet_where(config_); }

std::string TelnetTransport::tail() const { return printable_tail(login_text_); }

// --- connecting and logging in --------------------------------------------------

void TelnetTransport::start(Opened done) {
    opened_ = std::move(done);
    keep_alive_ = shared_from_this();  // until the opener has its answer
    try {
        login_prompt_ = Pattern::compile(config_.telnet.login_prompt, 0, Pattern::Engine::Interpreter);
        password_prompt_ = Pattern::compile(config_.telnet.password_prompt, 0, Pattern::Engine::Interpreter);
    } catch (const ApiError &e) {
        Error error(OTTO_EINVAL, where() + ": " + e.what());
        deferred_.call([this, error] { login_failed(error); });
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
        error.message = where() + ": " + error.message;
        login_failed(std::move(error));
        return;
    }
    uv_tcp_init(loop_, tcp_.get());
    tcp_.mark_initialized();
    tcp_.get()->data = this;
    uv_tcp_open(tcp_.get(), fd);
    telnet_.reset(telnet_init(kOptions, &TelnetTransport::on_telnet_event, 0, this));
    start_reading();
    // Ask the server not to echo and give it a moment to agree; go on when
    // it does, when it starts talking to the terminal, or when the wait ends
    // (`stty -echo` in the handshake backs it up).
    phase_ = Phase::Negotiating;
    telnet_negotiate(telnet_.get(), TELNET_DONT, TELNET_TELOPT_ECHO);
    flush_outbox();
    phase_timer_.start(config_.telnet.echo_negotiation_timeout, [this] { enter_login(); });
}

void TelnetTransport::enter_login() {
    if (phase_ != Phase::Negotiating) return;
    phase_timer_.stop();
    if (!config_.telnet.login) {
        ready();
        return;
    }
    phase_ = Phase::WaitLogin;
    phase_timer_.start(config_.telnet.login_timeout, [this] {
        login_failed(Error(OTTO_ETIMEDOUT, where() + ": no login prompt matching \"" + config_.telnet.login_prompt +
                                               "\" within " + format_seconds(config_.telnet.login_timeout) +
                                               " s; last output: \"" + tail() + "\""));
    });
    check_prompts();
}

void TelnetTransport::check_prompts() {
    if (phase_ == Phase::WaitLogin && login_prompt_->search(login_text_, 0)) {
        answer_prompt(config_.user);
        if (config_.password.empty()) {
            confirm_login();
            return;
        }
        phase_ = Phase::WaitPassword;
        phase_timer_.start(config_.telnet.login_timeout, [this] {
            login_failed(Error(OTTO_ETIMEDOUT, where() + ": no password prompt matching \"" +
                                                   config_.telnet.password_prompt + "\" within " +
                                                   format_seconds(config_.telnet.login_timeout) +
                                                   " s; last output: \"" + tail() + "\""));
        });
        return;
    }
    if (phase_ == Phase::WaitPassword && password_prompt_->search(login_text_, 0)) {
        answer_prompt(config_.password);  // never logged
        confirm_login();
    }
}

void TelnetTransport::answer_prompt(const std::string &answer) {
    // The prompt as shown: should it come again, the login was refused.
    answered_prompts_.push_back(last_line_of(login_text_));
    login_text_.clear();
    // Login lines end with CR LF, as consoles expect at their prompt.
    send_text(answer + "\r\n");
}

// After the last credential otto types nothing until the server's answer
// is known (§11.4): a refused login would read the shell setup as the next
// login name, and the server would echo it into the error.
void TelnetTransport::confirm_login() {
    phase_ = Phase::ConfirmingLogin;
    // An answer still unknown at the end (a console that stays silent or
    // never stops talking) is left to the handshake, which goes on watching
    // for a refusal.
    phase_timer_.start(std::min(kSilentLoginWait, config_.telnet.login_timeout), [this] { ready(); });
}

void TelnetTransport::judge_login(bool quiet) {
    const std::string &typed = config_.password.empty() ? config_.user : config_.password;
    LoginAnswer answer = judge_login_answer(login_text_, typed, answered_prompts_, quiet);
    if (answer.verdict == LoginVerdict::Refused) {
        login_failed(login_refused(answer.excerpt));
    } else if (answer.verdict == LoginVerdict::LoggedIn) {
        ready();
    } else if (!quiet) {
        quiet_timer_.start(kLoginAnswerQuiet, [this] { judge_login(true); });
    }
}

Error TelnetTransport::login_refused(const std::string &excerpt) const {
    std::string said = excerpt;
    // A server that echoed the password must not put it into the message.
    if (!config_.password.empty()) {
        std::string secret = printable(config_.password);
        for (size_t at = said.find(secret); at != std::string::npos; at = said.find(secret, at + 3))
            said.replace(at, secret.size(), "***");
    }
    return Error(OTTO_EAUTH, where() + ": the login was refused (the server said \"" + said + "\")");
}

void TelnetTransport::ready() {
    phase_timer_.stop();
    quiet_timer_.stop();
    if (!config_.shell_argv.empty() && config_.telnet.login) {
        await_login_shell();
        return;
    }
    hand_over(config_.telnet.login);
}

// A configured shell replaces the console's own, as over SSH, by an `exec`
// typed into it. After a login that must wait until the login shell reads:
// login(1) discards what is typed ahead. The shell is up once it runs an
// echo whose output (the joined word) differs from its typed text.
void TelnetTransport::await_login_shell() {
    phase_ = Phase::StartingShell;
    std::string half = random_hex(8);
    shell_up_word_ = half + half;
    login_text_.clear();
    send_shell_up_probe();
    phase_timer_.start(config_.telnet.login_timeout, [this] {
        login_failed(Error(OTTO_ETIMEDOUT, where() + ": the login shell did not run a command within " +
                                               format_seconds(config_.telnet.login_timeout) +
                                               " s after the login; last output: \"" + tail() + "\""));
    });
}

void TelnetTransport::send_shell_up_probe() {
    std::string half = shell_up_word_.substr(0, shell_up_word_.size() / 2);
    std::string line = "echo " + half + "''" + half + "\r";
    send_text(line);
    probe_timer_.start(kShellUpProbeInterval, [this] { send_shell_up_probe(); });
}

void TelnetTransport::check_login_shell() {
    if (login_text_.find(shell_up_word_) == std::string::npos) return;
    probe_timer_.stop();
    phase_timer_.stop();
    login_text_.clear();  // probe echoes and replies: nothing the session needs
    hand_over(false);     // the login shell ran a command: the login worked
}

void TelnetTransport::hand_over(bool watch_for_refusal) {
    phase_ = Phase::Shell;
    // Nothing is awaited after the password: the READY handshake is the
    // readiness check, and a refusal that shows meanwhile ends it (§11.4).
    watching_login_ = watch_for_refusal;
    if (!config_.shell_argv.empty()) {
        // Should the exec fail, the console's shell must not pass for it.
        std::string line = "exec " + shell_command_line(config_.shell_argv) + " || exit 127\r";
        send_text(line);
    }
    if (!login_text_.empty()) pending_ += login_text_;
    login_text_.clear();
    auto opened = std::move(opened_);
    opened_ = nullptr;
    auto self = std::move(keep_alive_);
    if (opened) deferred_.call([self, opened] { opened(self, Error()); });
}

void TelnetTransport::login_failed(Error error) {
    phase_timer_.stop();
    probe_timer_.stop();
    quiet_timer_.stop();
    phase_ = Phase::Closed;
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
    if (phase_ == Phase::Shell || phase_ == Phase::Closed) return;  // handed over, or over
    opened_ = nullptr;
    login_failed(Error());
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
        telnet_recv(telnet_.get(), buf->base, static_cast<size_t>(nread));
        flush_outbox();  // the answers to whatever the server negotiated
        return;
    }
    if (nread == 0) return;
    if (closing_) {
        finish_close();  // the shell took its `exit`: no need to wait longer
        return;
    }
    if (phase_ != Phase::Shell) {
        login_failed(Error(OTTO_ECONNECT, where() + ": the server closed the connection during the login (" +
                                              std::string(uv_strerror(static_cast<int>(nread))) + "); last output: \"" +
                                              tail() + "\""));
        return;
    }
    report_loss(nread == UV_EOF ? LossReason::Eof : LossReason::ConnectionLost);
}

void TelnetTransport::on_telnet_event(telnet_t *, telnet_event_t *event, void *user) {
    auto *self = static_cast<TelnetTransport *>(user);
    switch (event->type) {
        case TELNET_EV_DATA: self->on_data(event->data.buffer, event->data.size); break;
        case TELNET_EV_SEND: self->outbox_.append(event->data.buffer, event->data.size); break;
        case TELNET_EV_WONT:
            if (event->neg.telopt == TELNET_TELOPT_ECHO && self->phase_ == Phase::Negotiating) {
                self->deferred_.call([self] { self->enter_login(); });
            }
            break;
        case TELNET_EV_DO:
            if (event->neg.telopt == TELNET_TELOPT_NAWS) {
                unsigned char size[4] = {
                    static_cast<unsigned char>(self->config_.telnet.columns >> 8),
                    static_cast<unsigned char>(self->config_.telnet.columns & 0xff),
                    static_cast<unsigned char>(self->config_.telnet.rows >> 8),
                    static_cast<unsigned char>(self->config_.telnet.rows & 0xff),
                };
                telnet_subnegotiation(self->telnet_.get(), TELNET_TELOPT_NAWS, reinterpret_cast<char *>(size),
                                      sizeof size);
            }
            break;
        case TELNET_EV_ERROR:
            // A protocol violation the state machine cannot recover from.
            self->loss_detail_ = std::string("telnet protocol error: ") + event->error.msg;
            self->deferred_.call([self] { self->report_loss(LossReason::ConnectionLost); });
            break;
        default: break;  // IAC commands, warnings, other negotiation: nothing to do
    }
}

void TelnetTransport::on_data(const char *data, size_t size) {
    std::string_view bytes(data, size);
    if (phase_ != Phase::Shell) {
        login_text_.append(bytes);
        if (login_text_.size() > kLoginTextKeep) login_text_.erase(0, login_text_.size() - kLoginTextKeep);
        if (phase_ == Phase::WaitLogin || phase_ == Phase::WaitPassword) check_prompts();
        else if (phase_ == Phase::ConfirmingLogin) judge_login(false);
        if (phase_ == Phase::StartingShell) {
            check_refusal(bytes);
            if (phase_ == Phase::StartingShell) check_login_shell();
        }
        // Text for the terminal means the server has done negotiating: many
        // (BusyBox among them) take a refusal silently and never confirm.
        if (phase_ == Phase::Negotiating) deferred_.call([this] { enter_login(); });
        return;
    }
    if (watching_login_) check_refusal(bytes);
    if (lost_) return;
    if (listener_ == nullptr) {
        pending_.append(bytes);
        return;
    }
    listener_->on_transport_data(data, size);
}

// A refusal that shows only once otto has gone on (the answer to the
// password stayed unknown): it still ends the login.
void TelnetTransport::check_refusal(std::string_view data) {
    refusal_scan_.append(data);
    if (refusal_scan_.size() > kRefusalScanKeep) refusal_scan_.erase(0, refusal_scan_.size() - kRefusalScanKeep);
    auto excerpt = find_login_refusal(refusal_scan_);
    if (!excerpt) return;
    watching_login_ = false;
    Error refused = login_refused(*excerpt);
    if (phase_ == Phase::StartingShell) {
        login_failed(std::move(refused));
        return;
    }
    loss_detail_ = std::move(refused.message);
    report_loss(LossReason::AuthFailed);
}

// --- bytes out ---------------------------------------------------------------------

void TelnetTransport::send_text(std::string_view text) {
    telnet_send(telnet_.get(), text.data(), text.size());
    flush_outbox();
}

// libtelnet hands over its output piece by piece (IAC SB NAWS, the size,
// IAC SE). Each libtelnet call's output goes out as one write: some servers
// (BusyBox telnetd) take a sequence split across reads for data.
void TelnetTransport::flush_outbox(std::function<void(int)> written) {
    if (outbox_.empty() && !written) return;
    std::string bytes = std::move(outbox_);
    outbox_.clear();
    send_raw(bytes.data(), bytes.size(), std::move(written));
}

void TelnetTransport::send_raw(const char *data, size_t size, std::function<void(int)> written) {
    if (!tcp_.initialized() || lost_) {
        if (written) deferred_.call([written] { written(UV_EPIPE); });
        return;
    }
    auto *request = new WriteRequest;
    request->data.assign(data, size);
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
    if (!telnet_ || lost_) {
        if (written) deferred_.call([written] { written(UV_EPIPE); });
        return;
    }
    const size_t chunk = static_cast<size_t>(std::max(0, config_.telnet.write_chunk));
    if (chunk == 0) {
        telnet_send(telnet_.get(), text.data(), text.size());
        flush_outbox(std::move(written));
        return;
    }
    // §11.7: slow UART consoles get the text in chunks with pauses.
    for (size_t at = 0; at < text.size(); at += chunk) chunks_.push_back(text.substr(at, chunk));
    if (written) chunks_.push_back(std::string());  // an empty chunk marks where `written` fires
    written_after_chunks_.push_back(std::move(written));
    if (!chunk_timer_.pending()) flush_chunks();
}

void TelnetTransport::flush_chunks() {
    if (chunks_.empty() || !telnet_) return;
    std::string next = std::move(chunks_.front());
    chunks_.pop_front();
    if (next.empty()) {
        auto written = std::move(written_after_chunks_.front());
        written_after_chunks_.pop_front();
        if (written) flush_outbox(std::move(written));  // completes after what came before
    } else {
        send_text(next);
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
    if (graceful && !lost_ && telnet_) {
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
    phase_ = Phase::Closed;
    lost_ = true;
    tcp_.reset();  // closing the socket ends the session on the server
    auto closed = std::move(closed_);
    closed_ = nullptr;
    auto self = std::move(keep_alive_);
    if (closed) closed();
}

}  // namespace otto
