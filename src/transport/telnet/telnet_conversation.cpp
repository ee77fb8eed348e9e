#include "transport/telnet/telnet_conversation.hpp"

#include <algorithm>

#include "otto.h"
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

std::string telnet_where(const HostConfig &config) {
    bool v6 = config.address.find(':') != std::string::npos;
    std::string host = v6 ? "[" + config.address + "]" : config.address;
    return "telnet " + (config.user.empty() ? std::string() : config.user + "@") + host + ":" +
           std::to_string(config.port > 0 ? config.port : 23);
}

TelnetConversation::TelnetConversation(const HostConfig &config, Owner &owner)
    : config_(config), owner_(owner), where_(telnet_where(config)),
      login_prompt_(Pattern::compile(config.telnet.login_prompt, 0, Pattern::Engine::Interpreter)),
      password_prompt_(Pattern::compile(config.telnet.password_prompt, 0, Pattern::Engine::Interpreter)) {
    telnet_.reset(telnet_init(kOptions, &TelnetConversation::on_telnet_event, 0, this));
}

std::string TelnetConversation::tail() const { return printable_tail(login_text_); }

// --- negotiating and logging in ---------------------------------------------------

void TelnetConversation::start() {
    // Ask the server not to echo and give it a moment to agree; go on when
    // it does, when it starts talking to the terminal, or when the wait ends
    // (`stty -echo` in the handshake backs it up).
    phase_ = Phase::Negotiating;
    telnet_negotiate(telnet_.get(), TELNET_DONT, TELNET_TELOPT_ECHO);
    flush_outbox();
    owner_.start_wait(Wait::Phase, config_.telnet.echo_negotiation_timeout);
}

void TelnetConversation::wait_over(Wait wait) {
    switch (wait) {
        case Wait::Probe:
            if (phase_ == Phase::StartingShell) send_shell_up_probe();
            return;
        case Wait::Quiet:
            if (phase_ == Phase::ConfirmingLogin) judge_login(true);
            return;
        case Wait::Phase: break;
    }
    const std::string within = " within " + format_seconds(config_.telnet.login_timeout) + " s";
    switch (phase_) {
        case Phase::Negotiating: enter_login(); break;
        case Phase::WaitLogin:
            fail(Error(OTTO_ETIMEDOUT, where_ + ": no login prompt matching \"" + config_.telnet.login_prompt + "\"" +
                                           within + "; last output: \"" + tail() + "\""));
            break;
        case Phase::WaitPassword:
            fail(Error(OTTO_ETIMEDOUT, where_ + ": no password prompt matching \"" + config_.telnet.password_prompt +
                                           "\"" + within + "; last output: \"" + tail() + "\""));
            break;
        // An answer still unknown at the end (a console that stays silent or
        // never stops talking) is left to the handshake, which goes on
        // watching for a refusal.
        case Phase::ConfirmingLogin: ready(); break;
        case Phase::StartingShell:
            fail(Error(OTTO_ETIMEDOUT, where_ + ": the login shell did not run a command" + within +
                                           " after the login; last output: \"" + tail() + "\""));
            break;
        case Phase::Connecting:
        case Phase::Shell:
        case Phase::Closed: break;
    }
}

void TelnetConversation::enter_login() {
    if (phase_ != Phase::Negotiating) return;
    owner_.stop_wait(Wait::Phase);
    if (!config_.telnet.login) {
        ready();
        return;
    }
    phase_ = Phase::WaitLogin;
    owner_.start_wait(Wait::Phase, config_.telnet.login_timeout);
    check_prompts();
}

void TelnetConversation::check_prompts() {
    if (phase_ == Phase::WaitLogin && login_prompt_.search(login_text_, 0)) {
        answer_prompt(config_.user);
        if (config_.password.empty()) {
            confirm_login();
            return;
        }
        phase_ = Phase::WaitPassword;
        owner_.start_wait(Wait::Phase, config_.telnet.login_timeout);
        return;
    }
    if (phase_ == Phase::WaitPassword && password_prompt_.search(login_text_, 0)) {
        answer_prompt(config_.password);  // never logged
        confirm_login();
    }
}

void TelnetConversation::answer_prompt(const std::string &answer) {
    // The prompt as shown: should it come again, the login was refused.
    answered_prompts_.push_back(last_line_of(login_text_));
    login_text_.clear();
    // Login lines end with CR LF, as consoles expect at their prompt.
    send_text(answer + "\r\n");
}

// After the last credential otto types nothing until the server's answer
// is known (§11.4): a refused login would read the shell setup as the next
// login name, and the server would echo it into the error.
void TelnetConversation::confirm_login() {
    phase_ = Phase::ConfirmingLogin;
    owner_.start_wait(Wait::Phase, std::min(kSilentLoginWait, config_.telnet.login_timeout));
}

void TelnetConversation::judge_login(bool quiet) {
    const std::string &typed = config_.password.empty() ? config_.user : config_.password;
    LoginAnswer answer = judge_login_answer(login_text_, typed, answered_prompts_, quiet);
    if (answer.verdict == LoginVerdict::Refused) {
        fail(login_refused(answer.excerpt));
    } else if (answer.verdict == LoginVerdict::LoggedIn) {
        ready();
    } else if (!quiet) {
        owner_.start_wait(Wait::Quiet, kLoginAnswerQuiet);
    }
}

Error TelnetConversation::login_refused(const std::string &excerpt) const {
    std::string said = excerpt;
    // A server that echoed the password must not put it into the message.
    if (!config_.password.empty()) {
        std::string secret = printable(config_.password);
        for (size_t at = said.find(secret); at != std::string::npos; at = said.find(secret, at + 3))
            said.replace(at, secret.size(), "***");
    }
    return Error(OTTO_EAUTH, where_ + ": the login was refused (the server said \"" + said + "\")");
}

void TelnetConversation::fail(Error error) {
    close();
    owner_.login_failed(std::move(error));
}

void TelnetConversation::close() {
    owner_.stop_wait(Wait::Phase);
    owner_.stop_wait(Wait::Probe);
    owner_.stop_wait(Wait::Quiet);
    phase_ = Phase::Closed;
}

void TelnetConversation::ready() {
    owner_.stop_wait(Wait::Phase);
    owner_.stop_wait(Wait::Quiet);
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
void TelnetConversation::await_login_shell() {
    phase_ = Phase::StartingShell;
    std::string half = random_hex(8);
    shell_up_word_ = half + half;
    login_text_.clear();
    send_shell_up_probe();
    owner_.start_wait(Wait::Phase, config_.telnet.login_timeout);
}

void TelnetConversation::send_shell_up_probe() {
    std::string half = shell_up_word_.substr(0, shell_up_word_.size() / 2);
    std::string line = "echo " + half + "''" + half + "\r";
    send_text(line);
    owner_.start_wait(Wait::Probe, kShellUpProbeInterval);
}

void TelnetConversation::check_login_shell() {
    if (login_text_.find(shell_up_word_) == std::string::npos) return;
    owner_.stop_wait(Wait::Probe);
    owner_.stop_wait(Wait::Phase);
    login_text_.clear();  // probe echoes and replies: nothing the session needs
    hand_over(false);     // the login shell ran a command: the login worked
}

void TelnetConversation::hand_over(bool watch_for_refusal) {
    phase_ = Phase::Shell;
    // Nothing is awaited after the password: the READY handshake is the
    // readiness check, and a refusal that shows meanwhile ends it (§11.4).
    watching_login_ = watch_for_refusal;
    if (!config_.shell_argv.empty()) {
        // Should the exec fail, the console's shell must not pass for it.
        std::string line = "exec " + shell_command_line(config_.shell_argv) + " || exit 127\r";
        send_text(line);
    }
    std::string early = std::move(login_text_);
    login_text_.clear();
    owner_.logged_in(std::move(early));
}

// --- bytes in ----------------------------------------------------------------------

void TelnetConversation::receive(std::string_view bytes) {
    telnet_recv(telnet_.get(), bytes.data(), bytes.size());
    flush_outbox();  // the answers to whatever the server negotiated
    if (negotiated_) {
        negotiated_ = false;
        enter_login();
    }
}

void TelnetConversation::on_telnet_event(telnet_t *, telnet_event_t *event, void *user) {
    auto *self = static_cast<TelnetConversation *>(user);
    switch (event->type) {
        case TELNET_EV_DATA: self->on_data(std::string_view(event->data.buffer, event->data.size)); break;
        case TELNET_EV_SEND: self->outbox_.append(event->data.buffer, event->data.size); break;
        case TELNET_EV_WONT:
            if (event->neg.telopt == TELNET_TELOPT_ECHO && self->phase_ == Phase::Negotiating) self->negotiated_ = true;
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
            self->owner_.protocol_error(std::string("telnet protocol error: ") + event->error.msg);
            break;
        default: break;  // IAC commands, warnings, other negotiation: nothing to do
    }
}

void TelnetConversation::on_data(std::string_view bytes) {
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
        if (phase_ == Phase::Negotiating) negotiated_ = true;
        return;
    }
    if (watching_login_) check_refusal(bytes);
    owner_.shell_bytes(bytes);
}

// A refusal that shows only once otto has gone on (the answer to the
// password stayed unknown): it still ends the login.
void TelnetConversation::check_refusal(std::string_view data) {
    refusal_scan_.append(data);
    if (refusal_scan_.size() > kRefusalScanKeep) refusal_scan_.erase(0, refusal_scan_.size() - kRefusalScanKeep);
    auto excerpt = find_login_refusal(refusal_scan_);
    if (!excerpt) return;
    watching_login_ = false;
    Error refused = login_refused(*excerpt);
    if (phase_ == Phase::StartingShell) {
        fail(std::move(refused));
        return;
    }
    owner_.refused_after_login(std::move(refused.message));
}

// --- bytes out ---------------------------------------------------------------------

void TelnetConversation::send_text(std::string_view text) {
    telnet_send(telnet_.get(), text.data(), text.size());
    flush_outbox();
}

std::string TelnetConversation::encode(std::string_view text) {
    telnet_send(telnet_.get(), text.data(), text.size());
    std::string bytes = std::move(outbox_);
    outbox_.clear();
    return bytes;
}

// libtelnet hands over its output piece by piece (IAC SB NAWS, the size,
// IAC SE). Each libtelnet call's output goes out as one write: some servers
// (BusyBox telnetd) take a sequence split across reads for data.
void TelnetConversation::flush_outbox() {
    if (outbox_.empty()) return;
    std::string bytes = std::move(outbox_);
    outbox_.clear();
    owner_.send_bytes(std::move(bytes));
}

}  // namespace otto
