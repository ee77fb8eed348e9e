// Telnet hosts against BusyBox telnetd (with /bin/login, a login-less
// shell, and BusyBox ash), plus scripted servers and a relaying proxy for
// what a real server will not do on demand: odd prompts, negotiation
// checks, silence, and garbage or IAC sequences in the middle of output.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "lab.hpp"
#include "otto_test.hpp"
#include "test_tcp_server.hpp"

namespace otto_test {
namespace {

constexpr unsigned char IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240, NOP = 241,
                        GA = 249;
constexpr unsigned char ECHO_OPT = 1, BINARY = 0, NAWS = 31, TTYPE = 24;

std::string bytes(std::initializer_list<unsigned char> list) { return std::string(list.begin(), list.end()); }

// The lab's telnet servers, in the order Lab::start creates them.
struct TelnetLab {
    std::unique_ptr<otto_lab::Lab> lab;
    size_t login = 0, shell = 0, ash = 0;
};

TelnetLab start_lab() {
    otto_lab::Options options;
    options.die_with_parent = true;
    options.ssh_servers = 0;
    bool root = getuid() == 0;
    options.telnet_login_servers = root ? 1 : 0;
    options.telnet_shell_servers = 1;
    options.telnet_ash_servers = 1;
    TelnetLab t;
    t.lab = otto_lab::Lab::start(options);
    t.login = 0;
    t.shell = root ? 1 : 0;
    t.ash = t.shell + 1;
    return t;
}

HostOpts telnet_opts(int port, bool login = false) {
    otto_host_opts *raw = nullptr;
    EXPECT_EQ(otto_host_opts_new(&raw), OTTO_OK);
    EXPECT_EQ(otto_host_opts_set_port(raw, port), OTTO_OK);
    if (!login) {
        EXPECT_EQ(otto_host_opts_set_telnet_login(raw, 0), OTTO_OK);
    }
    return HostOpts(raw);
}

Host telnet_host(otto_context *ctx, otto_host_opts *opts, const char *user = nullptr) {
    otto_host *host = nullptr;
    EXPECT_EQ(otto_host_new_telnet(&host, ctx, "127.0.0.1", user, opts), OTTO_OK) << otto_last_error_message();
    return Host(host);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What a scripted server received, readable from the test thread.
class Received {
public:
    void append(const char *data, size_t size) {
        std::lock_guard<std::mutex> lock(mutex_);
        text_.append(data, size);
    }
    std::string text() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return text_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
};

// Reads from `fd` into `into` until `until` shows in what arrived, the peer
// closes, or `seconds` pass. True if `until` showed.
bool read_until(int fd, Received &into, const std::string &until, double seconds) {
    auto start = std::chrono::steady_clock::now();
    while (seconds_since(start) < seconds) {
        if (!until.empty() && into.text().find(until) != std::string::npos) return true;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        char buf[4096];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        into.append(buf, static_cast<size_t>(n));
    }
    return !until.empty() && into.text().find(until) != std::string::npos;
}

// Relays a connection to `upstream_port`, passing the server's bytes
// through `transform` on their way to the client. What the client sends is
// recorded in `typed` (if given) before it goes on to the server.
TestTcpServer::Handler relay(int upstream_port, std::function<std::string(std::string)> transform = {},
                             Received *typed = nullptr) {
    return [upstream_port, transform, typed](int client) {
        int server = connect_loopback(upstream_port);
        if (server < 0) return;
        pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        char buf[16384];
        while (true) {
            if (::poll(fds, 2, 200) < 0) break;
            if (fds[0].revents != 0) {
                ssize_t n = ::recv(client, buf, sizeof buf, 0);
                if (n > 0 && typed != nullptr) typed->append(buf, static_cast<size_t>(n));
                if (n <= 0 || !send_all(server, std::string(buf, static_cast<size_t>(n)))) break;
            }
            if (fds[1].revents != 0) {
                ssize_t n = ::recv(server, buf, sizeof buf, 0);
                if (n <= 0) break;
                std::string chunk(buf, static_cast<size_t>(n));
                if (transform) chunk = transform(std::move(chunk));
                if (!send_all(client, chunk)) break;
            }
        }
        ::close(server);
    };
}

// `sent` without telnet commands (IAC sequences): the text typed.
std::string without_telnet_commands(const std::string &sent) {
    std::string text;
    for (size_t i = 0; i < sent.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(sent[i]);
        if (c != IAC || i + 1 >= sent.size()) {
            text.push_back(sent[i]);
            continue;
        }
        unsigned char command = static_cast<unsigned char>(sent[i + 1]);
        if (command == IAC) {
            text.push_back(sent[++i]);
        } else if (command == SB) {
            size_t end = sent.find(bytes({IAC, SE}), i);
            i = end == std::string::npos ? sent.size() : end + 1;
        } else if (command >= WILL) {
            i += 2;  // WILL, WONT, DO, DONT and their option
        } else {
            ++i;
        }
    }
    return text;
}

// A console with a login step of its own: it asks for a login and a
// password, answers the password with `answer`, and from the first byte
// typed after that (otto's first line once it takes the login as done)
// relays to the lab's login-less shell. Everything typed is kept in `typed`.
TestTcpServer::Handler login_console(int shell_port, std::string answer, Received &typed) {
    return [shell_port, answer, &typed](int client) {
        send_all(client, "\r\nconsole login: ");
        if (!read_until(client, typed, "operator\r\n", 10)) return;
        send_all(client, "Password: ");
        if (!read_until(client, typed, "secret\r\n", 10)) return;
        send_all(client, answer);
        pollfd p{client, POLLIN, 0};
        if (::poll(&p, 1, 20'000) <= 0) return;
        relay(shell_port, {}, &typed)(client);
    };
}

HostOpts login_console_opts(int port) {
    auto opts = telnet_opts(port, true);
    otto_host_opts_set_password(opts.get(), "secret");
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_ECHO_NEGOTIATION, 0.2);
    return opts;
}

// --- connecting ----------------------------------------------------------------

TEST(TelnetConnect, AHostByNameGoesThroughTheResolver) {
    // An address in numbers is parsed in place; a name takes the resolver's
    // path, and "localhost" may come back as ::1 first, where nothing
    // listens, so the next address is tried.
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.shell).port);
    otto_host *raw = nullptr;
    ASSERT_EQ(otto_host_new_telnet(&raw, ctx.get(), "localhost", nullptr, opts.get()), OTTO_OK)
        << otto_last_error_message();
    Host host(raw);
    EXPECT_EQ(run(host.get(), "echo by-name").only().output, "by-name");
}

// --- login ---------------------------------------------------------------------

TEST(TelnetLogin, LogsInAsTheUserWithItsPassword) {
    if (getuid() != 0) GTEST_SKIP() << "the lab's login user needs root";
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.login).port, true);
    otto_host_opts_set_password(opts.get(), lab.lab->password_user()->password.c_str());
    auto host = telnet_host(ctx.get(), opts.get(), lab.lab->password_user()->name.c_str());
    EXPECT_EQ(run(host.get(), "id -un").only().output, lab.lab->password_user()->name);
}

TEST(TelnetLogin, ABadPasswordIsAnAuthErrorWellWithinTheHandshakeDeadline) {
    if (getuid() != 0) GTEST_SKIP() << "the lab's login user needs root";
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.login).port, true);
    otto_host_opts_set_password(opts.get(), "not-the-password");
    // A deadline the refusal must beat: the error must come from the
    // refusal, not from the deadline.
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_HANDSHAKE, 30.0);
    auto host = telnet_host(ctx.get(), opts.get(), lab.lab->password_user()->name.c_str());
    auto start = std::chrono::steady_clock::now();
    auto r = run(host.get(), "true");
    EXPECT_EQ(r.error, OTTO_EAUTH) << r.error_message;
    EXPECT_NE(r.error_message.find("login was refused"), std::string::npos) << r.error_message;
    EXPECT_NE(r.error_message.find(lab.lab->password_user()->name), std::string::npos) << r.error_message;
    EXPECT_EQ(r.error_message.find("not-the-password"), std::string::npos) << "the password leaked";
    EXPECT_LT(seconds_since(start), 25.0);
    // Auth failures are not retried: one connection, one error.
    auto again = oneshot(host.get(), "true");
    EXPECT_EQ(again.status, OTTO_STATUS_ERROR);
    EXPECT_NE(again.output.find("login was refused"), std::string::npos) << again.output;
}

// The message a refused login must give: it starts with the host and the
// verdict, quotes the server in a short printable excerpt, and carries
// nothing otto types into a shell.
void expect_refusal_message(const std::string &message, const std::string &where, const std::string &quoted) {
    EXPECT_EQ(message.rfind(where + ": the login was refused (", 0), 0u) << message;
    EXPECT_NE(message.find(quoted), std::string::npos) << message;
    EXPECT_LE(message.size(), where.size() + 160) << message;
    for (unsigned char c : message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "an unprintable byte in: " << message;
    for (const char *setup : {"stty", "HISTFILE", "__OTTO_", "READY"})
        EXPECT_EQ(message.find(setup), std::string::npos) << "otto's shell setup in: " << message;
}

TEST(TelnetLogin, ARefusedPasswordIsKnownBeforeOttoTypesAnythingElse) {
    if (getuid() != 0) GTEST_SKIP() << "the lab's login user needs root";
    auto lab = start_lab();
    Received typed;
    TestTcpServer proxy(relay(lab.lab->telnet().at(lab.login).port, {}, &typed));
    auto ctx = make_context();
    auto opts = telnet_opts(proxy.port(), true);
    otto_host_opts_set_password(opts.get(), "not-the-password");
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_HANDSHAKE, 30.0);
    const std::string user = lab.lab->password_user()->name;
    auto host = telnet_host(ctx.get(), opts.get(), user.c_str());
    auto r = run(host.get(), "true");
    EXPECT_EQ(r.error, OTTO_EAUTH) << r.error_message;
    expect_refusal_message(r.error_message, "telnet " + user + "@127.0.0.1:" + std::to_string(proxy.port()),
                           "Login incorrect");
    // /bin/login got the login and the password, then nothing: no shell
    // setup typed at its next login prompt.
    EXPECT_EQ(without_telnet_commands(typed.text()), user + "\r\nnot-the-password\r\n");
}

TEST(TelnetLogin, ANewLoginPromptAfterThePasswordIsARefusalWithNothingTyped) {
    auto lab = start_lab();
    Received typed;
    TestTcpServer console(login_console(lab.lab->telnet().at(lab.shell).port, "\r\n\r\nconsole login: ", typed));
    auto ctx = make_context();
    auto opts = login_console_opts(console.port());
    auto host = telnet_host(ctx.get(), opts.get(), "operator");
    auto r = run(host.get(), "true");
    EXPECT_EQ(r.error, OTTO_EAUTH) << r.error_message;
    expect_refusal_message(r.error_message, "telnet operator@127.0.0.1:" + std::to_string(console.port()),
                           "console login:");
    EXPECT_EQ(without_telnet_commands(typed.text()), "operator\r\nsecret\r\n");
}

TEST(TelnetLogin, ConsolesWithUnusualPromptsStillLogIn) {
    // After the password otto waits for the console's answer before it
    // types; whatever the console shows, short of a refusal, lets it go on.
    auto lab = start_lab();
    auto ctx = make_context();
    for (const std::string &answer : {
             std::string("\r\nLast login: today\r\nops@box:~$ "),          // a usual prompt
             std::string("\r\nWelcome to the bench console\r\nready=) "),  // text, then quiet
             std::string("\r\n"),                                          // nothing at all
         }) {
        SCOPED_TRACE(answer);
        Received typed;
        TestTcpServer console(login_console(lab.lab->telnet().at(lab.shell).port, answer, typed));
        auto opts = login_console_opts(console.port());
        auto host = telnet_host(ctx.get(), opts.get(), "operator");
        auto r = run(host.get(), "echo logged-in");
        ASSERT_EQ(r.error, OTTO_OK) << r.error_message;
        EXPECT_EQ(r.only().output, "logged-in");
    }
}

TEST(TelnetLogin, APromptThatNeverComesIsATimeoutNamingThePrompt) {
    TestTcpServer silent(TestTcpServer::silent());
    auto ctx = make_context();
    auto opts = telnet_opts(silent.port(), true);
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_LOGIN, 0.5);
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_ECHO_NEGOTIATION, 0.2);
    auto host = telnet_host(ctx.get(), opts.get(), "admin");
    auto r = run(host.get(), "true");
    EXPECT_EQ(r.error, OTTO_ETIMEDOUT) << r.error_message;
    EXPECT_NE(r.error_message.find("no login prompt matching"), std::string::npos) << r.error_message;
    EXPECT_NE(r.error_message.find("within 0.5 s"), std::string::npos) << r.error_message;
}

TEST(TelnetLogin, PromptPatternsAreConfigurableAndLoginLinesEndWithCrLf) {
    Received received;
    TestTcpServer console([&](int fd) {
        send_all(fd, "Welcome\r\nUser name? ");
        if (!read_until(fd, received, "\n", 5)) return;
        send_all(fd, "\r\nSecret> ");
        read_until(fd, received, "hunter2\r\n", 5);
        // A console that hangs up after the login: the session then fails
        // its handshake, which is all this test needs.
    });
    auto ctx = make_context();
    auto opts = telnet_opts(console.port(), true);
    otto_host_opts_set_password(opts.get(), "hunter2");
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_LOGIN, 2.0);
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_ECHO_NEGOTIATION, 0.2);
    ASSERT_EQ(otto_host_opts_set_telnet_prompts(opts.get(), "name\\? $", "Secret> $"), OTTO_OK);
    auto host = telnet_host(ctx.get(), opts.get(), "operator");
    auto r = run(host.get(), "true");
    EXPECT_NE(r.error, OTTO_OK);
    EXPECT_NE(r.error, OTTO_ETIMEDOUT) << "a prompt was not recognised: " << r.error_message;
    std::string text = received.text();
    EXPECT_NE(text.find("operator\r\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hunter2\r\n"), std::string::npos) << text;

    // The default patterns do not match "Secret> ": a timeout naming it.
    Received again;
    TestTcpServer strict([&](int fd) {
        send_all(fd, "login: ");
        read_until(fd, again, "\n", 5);
        send_all(fd, "Secret> ");
        read_until(fd, again, "", 3);
    });
    auto defaults = telnet_opts(strict.port(), true);
    otto_host_opts_set_password(defaults.get(), "hunter2");
    otto_host_opts_set_timing(defaults.get(), OTTO_TIMING_LOGIN, 0.5);
    otto_host_opts_set_timing(defaults.get(), OTTO_TIMING_ECHO_NEGOTIATION, 0.2);
    auto strict_host = telnet_host(ctx.get(), defaults.get(), "operator");
    auto t = run(strict_host.get(), "true");
    EXPECT_EQ(t.error, OTTO_ETIMEDOUT) << t.error_message;
    EXPECT_NE(t.error_message.find("no password prompt matching"), std::string::npos) << t.error_message;
    EXPECT_NE(t.error_message.find("Secret> "), std::string::npos) << "the last output is quoted: " << t.error_message;
    EXPECT_EQ(again.text().find("hunter2"), std::string::npos) << "the password went out without its prompt";
}

TEST(TelnetLogin, BadPromptPatternsAreRefusedAtOnce) {
    otto_host_opts *raw = nullptr;
    ASSERT_EQ(otto_host_opts_new(&raw), OTTO_OK);
    HostOpts opts(raw);
    EXPECT_EQ(otto_host_opts_set_telnet_prompts(opts.get(), "([", nullptr), OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("(["), std::string::npos) << otto_last_error_message();
}

// --- negotiation and line ends -------------------------------------------------------

TEST(TelnetNegotiation, RefusesEchoAnnouncesItsWindowAgreesToBinaryAndSendsLoneCrs) {
    Received received;
    std::atomic<bool> first{true};
    TestTcpServer console([&](int fd) {
        // The handshake is retried once on a new connection; the first one
        // is the one looked at.
        Received local;
        Received &into = first.exchange(false) ? received : local;
        send_all(fd, bytes({IAC, WILL, ECHO_OPT, IAC, DO, NAWS, IAC, DO, BINARY, IAC, WILL, BINARY, IAC, DO, TTYPE}));
        send_all(fd, "$ ");
        // Take in the session's first line (its READY probe), then stay
        // silent until the client gives up.
        read_until(fd, into, "", 30);
    });
    auto ctx = make_context();
    auto opts = telnet_opts(console.port());
    ASSERT_EQ(otto_host_opts_set_terminal_size(opts.get(), 123, 45), OTTO_OK);
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_HANDSHAKE, 1.0);
    otto_host_opts_set_timing(opts.get(), OTTO_TIMING_HANDSHAKE_RETRY, 0.1);
    auto host = telnet_host(ctx.get(), opts.get());
    auto r = run(host.get(), "true");
    EXPECT_EQ(r.error, OTTO_EHANDSHAKE) << r.error_message;  // the script never answers
    std::string text = received.text();
    EXPECT_NE(text.find(bytes({IAC, DONT, ECHO_OPT})), std::string::npos);
    EXPECT_NE(text.find(bytes({IAC, WILL, NAWS})), std::string::npos);
    EXPECT_NE(text.find(bytes({IAC, SB, NAWS, 0, 123, 0, 45, IAC, SE})), std::string::npos);
    EXPECT_NE(text.find(bytes({IAC, WILL, BINARY})), std::string::npos);
    EXPECT_NE(text.find(bytes({IAC, DO, BINARY})), std::string::npos);
    EXPECT_NE(text.find(bytes({IAC, WONT, TTYPE})), std::string::npos);
    size_t probe = text.find("READY");
    ASSERT_NE(probe, std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << "a newline went out as LF or CR LF";
    EXPECT_NE(text.find('\r', probe), std::string::npos) << "the probe line did not end with CR";
}

TEST(TelnetNegotiation, TheRealServerSeesTheConfiguredWindowSize) {
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.shell).port);
    ASSERT_EQ(otto_host_opts_set_terminal_size(opts.get(), 250, 30), OTTO_OK);
    auto host = telnet_host(ctx.get(), opts.get());
    EXPECT_EQ(run(host.get(), "stty size").only().output, "30 250");
}

TEST(TelnetNegotiation, ChunkedWritesArriveWhole) {
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.shell).port);
    ASSERT_EQ(otto_host_opts_set_write_chunking(opts.get(), 16, 0.002), OTTO_OK);
    auto host = telnet_host(ctx.get(), opts.get());
    std::string word(300, 'w');
    EXPECT_EQ(run(host.get(), "echo " + word + " | wc -c").only().output, "301");
}

// --- sessions --------------------------------------------------------------------------

TEST(TelnetSessions, EveryNamedSessionAndPooledShellIsAConnectionOfItsOwn) {
    auto lab = start_lab();
    TestTcpServer proxy(relay(lab.lab->telnet().at(lab.shell).port));
    auto ctx = make_context();
    auto opts = telnet_opts(proxy.port());
    auto host = telnet_host(ctx.get(), opts.get());
    ASSERT_EQ(run(host.get(), "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    auto a = open_session(host.get(), "a");
    auto b = open_session(host.get(), "b");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(proxy.connections(), 3);
    std::string pid_default = run(host.get(), "echo $$").only().output;
    std::string pid_a = run(a.get(), "echo $$").only().output;
    EXPECT_NE(pid_default, pid_a);
    EXPECT_EQ(oneshot(host.get(), "echo one-shot").output, "one-shot\n");
    EXPECT_EQ(proxy.connections(), 4);  // a pooled shell
    // The pooled shell is reused, not reconnected.
    EXPECT_EQ(oneshot(host.get(), "echo again").output, "again\n");
    EXPECT_EQ(proxy.connections(), 4);
    // Closing a session hangs up its connection.
    a.reset();
    EXPECT_EQ(run(b.get(), "echo still").only().output, "still");
}

// --- faults ----------------------------------------------------------------------------

TEST(TelnetFaults, ShellKilledMidCommandIsAnErrorResultAndTheNextRunStartsAFreshOne) {
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.shell).port);
    auto host = telnet_host(ctx.get(), opts.get());
    ASSERT_EQ(run(host.get(), "true").only().status, OTTO_STATUS_SUCCESS);
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_run(&raw, host.get(), "echo before; sleep 30", nullptr, nullptr, nullptr), OTTO_OK);
    Op running(raw);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_GT(lab.lab->signal_telnet_sessions(lab.shell, SIGKILL), 0);
    auto r = wait_run(running.get()).only();
    EXPECT_EQ(r.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(r.retcode, -1);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.output.rfind("session died unexpectedly", 0), 0u) << r.output;
    EXPECT_NE(r.output.find("before"), std::string::npos) << r.output;
    EXPECT_EQ(run(host.get(), "echo fresh").only().output, "fresh");
    EXPECT_EQ(otto_host_shell_replacements(host.get()), 1u);
}

TEST(TelnetFaults, ServerKilledMidCommandIsAnErrorResultAndLaterRunsFailFast) {
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.shell).port);
    auto host = telnet_host(ctx.get(), opts.get());
    ASSERT_EQ(run(host.get(), "true").only().status, OTTO_STATUS_SUCCESS);
    otto_op *run_raw = nullptr, *shot_raw = nullptr;
    ASSERT_EQ(otto_host_run(&run_raw, host.get(), "sleep 30", nullptr, nullptr, nullptr), OTTO_OK);
    ASSERT_EQ(otto_host_oneshot(&shot_raw, host.get(), "sleep 30", nullptr, nullptr, nullptr), OTTO_OK);
    Op running(run_raw), shot(shot_raw);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_EQ(::kill(lab.lab->telnet().at(lab.shell).pid, SIGKILL), 0);
    auto r = wait_run(running.get()).only();
    EXPECT_EQ(r.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(r.output.rfind("session died unexpectedly", 0), 0u) << r.output;
    ASSERT_EQ(otto_op_wait(shot.get(), kHangMs), OTTO_OK);
    auto s = copy_cmd(otto_op_cmd_result(shot.get()));
    EXPECT_EQ(s.status, OTTO_STATUS_ERROR);
    EXPECT_NE(s.output.find("session died unexpectedly"), std::string::npos) << s.output;
    auto again = run(host.get(), "true");
    EXPECT_EQ(again.error, OTTO_ECONNECT) << again.error_message;
    EXPECT_NE(again.error_message.find("refused"), std::string::npos) << again.error_message;
}

TEST(TelnetFaults, GarbageAndIacSequencesInTheMiddleOfOutput) {
    auto lab = start_lab();
    // After the line that says so, the "server" slips in commands (NOP, GA),
    // negotiation for options nobody knows, a subnegotiation, an escaped
    // 0xFF, and raw bytes of every kind.
    const std::string injected = bytes({IAC, NOP, IAC, DO, 99, IAC, WILL, 200, IAC, SB, 24, 1, IAC, SE, IAC, GA}) +
                                 std::string("\x01\x7f\x80\xfe", 4) + bytes({IAC, IAC}) + "junk\r\n";
    std::atomic<bool> done{false};
    TestTcpServer proxy(relay(lab.lab->telnet().at(lab.shell).port, [&](std::string chunk) {
        size_t at = chunk.find("INJECT-HERE\r\n");
        if (at == std::string::npos || done.exchange(true)) return chunk;
        at += 13;
        return chunk.substr(0, at) + injected + chunk.substr(at);
    }));
    auto ctx = make_context();
    auto opts = telnet_opts(proxy.port());
    auto host = telnet_host(ctx.get(), opts.get());
    auto r = run(host.get(), "echo INJECT-HERE; sleep 0.3; echo after").only();
    EXPECT_EQ(r.status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(r.output, "INJECT-HERE\n" + std::string("\x01\x7f\x80\xfe\xff") + "junk\nafter");
    EXPECT_TRUE(done);
    EXPECT_EQ(run(host.get(), "echo intact").only().output, "intact");
}

TEST(TelnetFaults, AnEndlessSubnegotiationIsDroppedNotAHangNorACrash) {
    auto lab = start_lab();
    std::atomic<bool> flooding{false};
    TestTcpServer proxy(relay(lab.lab->telnet().at(lab.shell).port, [&](std::string chunk) {
        size_t at = chunk.find("FLOOD\r\n");
        if (at == std::string::npos || flooding.exchange(true)) return chunk;
        // IAC SB with no IAC SE, far beyond any sane subnegotiation, then
        // the rest of the output: the protocol layer gives up on the
        // subnegotiation and the session carries on.
        at += 7;
        return chunk.substr(0, at) + bytes({IAC, SB, 24}) + std::string(256 * 1024, 'x') + bytes({IAC, SE}) +
               chunk.substr(at);
    }));
    auto ctx = make_context();
    auto opts = telnet_opts(proxy.port());
    auto host = telnet_host(ctx.get(), opts.get());
    auto r = run(host.get(), "echo FLOOD; sleep 0.3; echo after").only();
    EXPECT_TRUE(flooding);
    EXPECT_EQ(r.status, OTTO_STATUS_SUCCESS) << r.output.substr(0, 200);
    EXPECT_EQ(r.output.rfind("FLOOD\n", 0), 0u) << r.output.substr(0, 200);
    EXPECT_EQ(r.output.substr(r.output.size() - 5), "after");
    EXPECT_EQ(run(host.get(), "echo intact").only().output, "intact");
}

TEST(TelnetFaults, LinesOverBusyBoxAshsLimitAreRefusedNeverTruncated) {
    auto lab = start_lab();
    auto ctx = make_context();
    auto opts = telnet_opts(lab.lab->telnet().at(lab.ash).port);
    ASSERT_EQ(otto_host_opts_set_command_frame(opts.get(), OTTO_FRAME_ASH), OTTO_OK);
    auto host = telnet_host(ctx.get(), opts.get());
    std::string fits = "echo " + std::string(1000, 'a') + " | wc -c";
    EXPECT_EQ(run(host.get(), fits).only().output, "1001");
    std::string too_long = "echo " + std::string(1100, 'b');
    auto r = run(host.get(), too_long).only();
    EXPECT_EQ(r.status, OTTO_STATUS_ERROR);
    EXPECT_EQ(r.retcode, -1);
    EXPECT_NE(r.output.find("1105 characters long"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("1022-character limit of BusyBox ash"), std::string::npos) << r.output;
    // A one-shot is typed into a console too, inside its wrapper.
    auto s = oneshot(host.get(), "echo " + std::string(900, 'c'));
    EXPECT_EQ(s.status, OTTO_STATUS_ERROR);
    EXPECT_NE(s.output.find("1022-character limit"), std::string::npos) << s.output;
    EXPECT_NE(s.output.find("as typed into the console"), std::string::npos) << s.output;
    EXPECT_EQ(oneshot(host.get(), "echo " + std::string(500, 'd') + " | wc -c").output, "501\n");
    EXPECT_EQ(run(host.get(), "echo unharmed").only().output, "unharmed");
}

}  // namespace
}  // namespace otto_test
