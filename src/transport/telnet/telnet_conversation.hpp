// What a telnet connection says, without the socket (SESSION-PROTOCOL §11):
// fed the bytes the server sends, it drives libtelnet's option negotiation
// (DONT ECHO, NAWS, binary when the server agrees, suppress go-ahead), logs
// in by prompt patterns, judges the server's answer before typing anything
// else, and then hands the shell's bytes on. What it sends, the waits it
// needs timed and what it decides go to its Owner, so that the transport
// puts it on a libuv TCP stream with timers, and the fuzzer feeds it bytes
// directly.
#pragma once

// libtelnet.h uses size_t without including what declares it.
#include <cstdarg>
#include <cstddef>
// clang-format off
#include <libtelnet.h>
// clang-format on

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_config.hpp"
#include "session/pattern.hpp"
#include "util/error.hpp"

namespace otto {

// How messages name a telnet host: "telnet user@address:port".
std::string telnet_where(const HostConfig &config);

class TelnetConversation {
public:
    // The waits the conversation asks its owner to time. Phase bounds the
    // current phase (negotiation, each login prompt, the answer to the last
    // credential, the login shell's start); Probe paces the probes for the
    // login shell; Quiet is how long the server stays silent after the last
    // credential before its answer counts as complete.
    enum class Wait { Phase, Probe, Quiet };

    class Owner {
    public:
        // Bytes for the server, as one write, in order.
        virtual void send_bytes(std::string bytes) = 0;
        // Calls wait_over(wait) after `seconds` unless stopped or started
        // again first.
        virtual void start_wait(Wait wait, double seconds) = 0;
        virtual void stop_wait(Wait wait) = 0;
        // The login is done (or there is none): the shell reads what is typed
        // from now on. `early_bytes` are the shell's first bytes, which
        // arrived with the login's last.
        virtual void logged_in(std::string early_bytes) = 0;
        // The login failed (after this, the conversation is closed).
        virtual void login_failed(Error error) = 0;
        // Bytes from the shell, after logged_in().
        virtual void shell_bytes(std::string_view bytes) = 0;
        // After logged_in(), while the login is still watched: the server
        // showed that it refused the login after all.
        virtual void refused_after_login(std::string message) = 0;
        // The server broke the telnet protocol beyond repair.
        virtual void protocol_error(std::string message) = 0;

    protected:
        ~Owner() = default;
    };

    // Compiles the prompt patterns of `config`; throws ApiError(OTTO_EINVAL)
    // naming a bad one.
    TelnetConversation(const HostConfig &config, Owner &owner);
    TelnetConversation(const TelnetConversation &) = delete;
    TelnetConversation &operator=(const TelnetConversation &) = delete;

    // The connection is up: asks the server not to echo and waits a moment
    // for it to agree.
    void start();
    // Bytes the server sent.
    void receive(std::string_view bytes);
    // A wait the owner timed has run out.
    void wait_over(Wait wait);
    // `text` for the shell, as telnet bytes to send (IAC doubled).
    std::string encode(std::string_view text);
    // The shell is known to run (its READY handshake): a refusal can no
    // longer come.
    void stop_watching_login() { watching_login_ = false; }
    // No more decisions: the connection is being given up.
    void close();

    bool in_shell() const { return phase_ == Phase::Shell; }
    bool closed() const { return phase_ == Phase::Closed; }
    // "telnet user@address:port", for messages.
    const std::string &where() const { return where_; }
    // The last text the server sent during the login, printable.
    std::string tail() const;

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

    static void on_telnet_event(telnet_t *telnet, telnet_event_t *event, void *user);
    void on_data(std::string_view bytes);
    void send_text(std::string_view text);
    void flush_outbox();
    void enter_login();
    void check_prompts();
    void answer_prompt(const std::string &answer);
    void confirm_login();
    void judge_login(bool quiet);
    void check_refusal(std::string_view data);
    Error login_refused(const std::string &excerpt) const;
    void fail(Error error);
    void ready();
    void await_login_shell();
    void send_shell_up_probe();
    void check_login_shell();
    void hand_over(bool watch_for_refusal);

    HostConfig config_;
    Owner &owner_;
    std::string where_;
    Pattern login_prompt_;
    Pattern password_prompt_;
    std::unique_ptr<telnet_t, void (*)(telnet_t *)> telnet_{nullptr, telnet_free};
    Phase phase_ = Phase::Connecting;
    // The server has done negotiating: the login starts once the bytes
    // under way have been read.
    bool negotiated_ = false;

    std::string outbox_;                         // libtelnet's output of the call under way
    std::string login_text_;                     // what the server said during the login
    std::vector<std::string> answered_prompts_;  // the prompt lines otto answered, as shown
    bool watching_login_ = false;
    std::string refusal_scan_;   // recent text while a refused login may still show
    std::string shell_up_word_;  // what the login shell's echo prints once it runs commands
};

}  // namespace otto
