// Records what the test lab's real servers send otto, as seeds for the fuzz
// targets (tests/fuzz_corpus/<target>/captured_*):
//   session_reader  what a shell sent after each command's frame until the
//                   next one (OpenSSH sshd with the login shell, BusyBox
//                   telnetd with /bin/login and with dash), through a
//                   transport that records what the session receives
//   telnet_login    BusyBox telnetd's bytes, as read, through a TCP relay
//                   that records them, for a login and a first command
//   sftp_reply      OpenSSH's SFTP subsystem answering a round of requests
//                   (directories, files written, read, renamed, removed,
//                   errors), as read from the channel
// Each seed starts with its target's option bytes. The shell's token and
// the frames' nonces become those the session_reader target expects; a
// host name other than the lab's "vm" is masked, byte for byte.
//
// usage: otto_fuzz_capture <corpus dir>   (e.g. tests/fuzz_corpus)
// Needs what the test lab needs (sshd, BusyBox); a console with /bin/login
// only as root.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lab.hpp"
#include "loop/event_loop.hpp"
#include "otto.h"
#include "session/shell.hpp"
#include "transfer/sftp_client.hpp"
#include "transport/ssh/ssh_backend.hpp"
#include "transport/telnet/telnet_backend.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What the session_reader target's seeds use (session_reader_fuzzer.cpp).
constexpr const char *kSeedToken = "0123456789ab";
constexpr const char *kSeedBeginNonce = "b0b0b0b0b0b0";
constexpr const char *kSeedEndNonce = "e0e0e0e0e0e0";
constexpr const char *kSeedRecoverNonce = "c0c0c0c0c0c0";
constexpr size_t kIdDigits = 12;

void replace_all(std::string &text, const std::string &from, const std::string &to) {
    if (from.empty()) return;
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// This machine's name, masked with as many 'x' (lengths in SFTP packets and
// telnet reads stay right); the lab's own "vm" is kept.
std::string masked(std::string bytes) {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0 && std::string(name).size() > 2)
        replace_all(bytes, name, std::string(std::string(name).size(), 'x'));
    return bytes;
}

void write_seed(const fs::path &dir, const std::string &name, const std::string &bytes) {
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out << masked(bytes);
    if (!out) throw std::runtime_error("cannot write " + (dir / name).string());
    std::printf("%s/%s: %zu bytes\n", dir.filename().c_str(), name.c_str(), bytes.size());
}

// Runs `task` on the loop thread and waits until it calls its argument.
void on_loop(otto::EventLoop &loop, const std::function<void(std::function<void()>)> &task) {
    auto finished = std::make_shared<std::promise<void>>();
    std::future<void> done = finished->get_future();
    loop.post([task, finished] { task([finished] { finished->set_value(); }); });
    if (done.wait_for(std::chrono::seconds(120)) != std::future_status::ready)
        throw std::runtime_error("a capture did not finish within 120 s");
}

// --- the session's bytes ------------------------------------------------------------

// What a shell sent from one frame's write to the next.
struct Exchange {
    std::string label;
    std::string received;
    std::string token, begin_nonce, end_nonce, recover_nonce;
    size_t timed_out_at = std::string::npos;  // bytes received when the RECOVER probe went out
};

// A transport that records what the session receives after each frame it
// writes, and learns the frame's token and nonces from the frame itself.
class RecordingTransport final : public otto::ShellTransport, private otto::ShellTransport::Listener {
public:
    explicit RecordingTransport(std::shared_ptr<otto::ShellTransport> inner) : inner_(std::move(inner)) {}

    void set_listener(otto::ShellTransport::Listener *listener) override {
        listener_ = listener;  // first: the inner transport may deliver at once
        inner_->set_listener(listener != nullptr ? this : nullptr);
    }
    void write(std::string bytes, std::function<void(int status)> written) override {
        note(bytes);
        inner_->write(std::move(bytes), std::move(written));
    }
    void interrupt() override { inner_->interrupt(); }
    void pause_reading() override { inner_->pause_reading(); }
    void resume_reading() override { inner_->resume_reading(); }
    void handshake_done() override { inner_->handshake_done(); }
    std::string loss_detail() const override { return inner_->loss_detail(); }
    void close(bool graceful, std::function<void()> closed) override {
        listener_ = nullptr;
        inner_->close(graceful, std::move(closed));
    }

    // The label of the next frame written.
    void label_next(std::string label) { next_label_ = std::move(label); }
    const std::vector<Exchange> &exchanges() const { return exchanges_; }

private:
    static std::string after(const std::string &text, const std::string &what, size_t digits) {
        size_t at = text.find(what);
        return at == std::string::npos ? std::string() : text.substr(at + what.size(), digits);
    }

    void note(const std::string &written) {
        std::string token = after(written, "__OTTO_", kIdDigits);
        if (written.find("\"\"BEGIN_") != std::string::npos) {
            Exchange e;
            e.label = std::move(next_label_);
            e.token = token;
            e.begin_nonce = after(written, "\"\"BEGIN_", kIdDigits);
            e.end_nonce = after(written, "\"\"END_", kIdDigits);
            exchanges_.push_back(std::move(e));
        } else if (!exchanges_.empty() && written.find("\"\"RECOVER_") != std::string::npos) {
            Exchange &e = exchanges_.back();
            if (e.timed_out_at == std::string::npos) e.timed_out_at = e.received.size();
            e.recover_nonce = after(written, "\"\"RECOVER_", kIdDigits);
        }
    }

    void on_transport_data(const char *data, size_t size) override {
        if (!exchanges_.empty()) exchanges_.back().received.append(data, size);
        if (listener_ != nullptr) listener_->on_transport_data(data, size);
    }
    void on_transport_lost(otto::LossReason reason) override {
        if (listener_ != nullptr) listener_->on_transport_lost(reason);
    }

    std::shared_ptr<otto::ShellTransport> inner_;
    otto::ShellTransport::Listener *listener_ = nullptr;
    std::string next_label_;
    std::vector<Exchange> exchanges_;
};

struct Command {
    std::string label;
    std::string text;
    double timeout = 30.0;
    std::vector<otto::Expect> expects;
};

Command command(std::string label, std::string text, double timeout = 30.0) {
    Command c;
    c.label = std::move(label);
    c.text = std::move(text);
    c.timeout = timeout;
    return c;
}

std::vector<Command> session_commands() {
    std::vector<Command> commands;
    commands.push_back(command("no_final_newline", "printf 'a\\nb\\nc'"));
    commands.push_back(command("lines", "seq 1 300; echo; echo; echo done"));
    commands.push_back(command("colours", "printf '\\033[31mred\\033[0m plain\\n\\033[1;32mgreen\\033[0m\\n'"));
    commands.push_back(command("carriage_returns", "printf 'one\\rtwo\\r\\nthree\\n\\n'"));
    commands.push_back(command("other_markers", "echo __OTTO_ffffffffffff_END_e0e0e0e0e0e0__0__; echo '__OTTO_'"));
    commands.push_back(command("rejected_frame", "fi"));
    Command prompt = command("expect_prompt", "printf 'Password:'; read -r v; echo got=$v");
    prompt.expects.push_back({otto::Pattern::compile("Password:", 0), "s3cret\n", 0});
    commands.push_back(std::move(prompt));
    commands.push_back(command("timeout", "echo started; sleep 5; echo never", 0.5));
    commands.push_back(command("exit_code", "false"));
    return commands;
}

// The session_reader target's option bytes for a captured exchange:
// split-proof expects where the command had one, the timeout where it fell,
// reads in pieces of 8, 14, 32 and 64 bytes.
std::string session_header(const Exchange &e, bool expects) {
    std::string header(8, '\0');
    header[0] = static_cast<char>((expects ? 1 : 0) | (e.timed_out_at != std::string::npos ? 0x20 : 0));
    if (e.timed_out_at != std::string::npos && !e.received.empty())
        header[3] = static_cast<char>(e.timed_out_at * 256 / e.received.size());
    header[4] = 7, header[5] = 13, header[6] = 31, header[7] = 63;
    return header;
}

std::string with_seed_markers(const Exchange &e) {
    std::string bytes = e.received;
    replace_all(bytes, "__OTTO_" + e.token + "_", std::string("__OTTO_") + kSeedToken + "_");
    replace_all(bytes, "BEGIN_" + e.begin_nonce + "__", std::string("BEGIN_") + kSeedBeginNonce + "__");
    replace_all(bytes, "END_" + e.end_nonce + "__", std::string("END_") + kSeedEndNonce + "__");
    if (!e.recover_nonce.empty())
        replace_all(bytes, "RECOVER_" + e.recover_nonce + "__", std::string("RECOVER_") + kSeedRecoverNonce + "__");
    return bytes;
}

// Runs the session commands on a fresh shell of `backend` and keeps what
// the shell sent for each.
std::vector<Exchange> capture_session(otto::EventLoop &loop, std::unique_ptr<otto::HostBackend> backend,
                                      const std::vector<Command> &commands) {
    struct Run {
        std::unique_ptr<otto::HostBackend> backend;
        std::shared_ptr<RecordingTransport> recorder;
        std::unique_ptr<otto::Shell> shell;
        std::function<void(size_t)> next;
        std::string error;
    };
    auto run = std::make_shared<Run>();
    run->backend = std::move(backend);
    on_loop(loop, [&loop, run, &commands](std::function<void()> done) {
        auto finish = [&loop, run, done] {
            auto end = [&loop, run, done] {
                run->backend->shutdown([&loop, run, done] {
                    loop.defer([run, done] {
                        run->shell.reset();
                        run->backend.reset();
                        run->next = nullptr;
                        done();
                    });
                });
            };
            if (run->shell) run->shell->close(true, end);
            else end();
        };
        run->next = [run, &commands, finish](size_t i) {
            if (i == commands.size()) return finish();
            otto::CommandSpec spec;
            spec.command = commands[i].text;
            spec.timeout = commands[i].timeout;
            spec.expects = &commands[i].expects;
            run->recorder->label_next(commands[i].label);
            run->shell->run(spec, [run, i](otto::CommandResult) { run->next(i + 1); });
        };
        run->backend->launch_shell(
            [&loop, run, finish](std::shared_ptr<otto::ShellTransport> transport, otto::Error e) {
                if (e) {
                    run->error = e.message;
                    return finish();
                }
                run->recorder = std::make_shared<RecordingTransport>(std::move(transport));
                run->shell = std::make_unique<otto::Shell>(loop.uv(), otto::ShellConfig{}, nullptr);
                run->shell->start(run->recorder, [run, finish](otto::Error error) {
                    if (error) {
                        run->error = error.message;
                        return finish();
                    }
                    run->next(0);
                });
            });
    });
    if (!run->error.empty()) throw std::runtime_error("no shell: " + run->error);
    return run->recorder->exchanges();
}

void write_session_seeds(const fs::path &dir, const std::string &host, const std::vector<Exchange> &exchanges,
                         const std::vector<Command> &commands) {
    for (const Exchange &e : exchanges) {
        bool expects = false;
        for (const Command &c : commands) expects = expects || (c.label == e.label && !c.expects.empty());
        write_seed(dir, "captured_" + host + "_" + e.label, session_header(e, expects) + with_seed_markers(e));
    }
}

// --- a telnet server's bytes, as read -------------------------------------------------

// Relays one connection to `upstream_port` and keeps what the server sent,
// read by read, with the time each read came.
class Relay {
public:
    struct Read {
        std::string bytes;
        Clock::time_point at;
    };

    explicit Relay(int upstream_port) : upstream_port_(upstream_port) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 1) != 0 ||
            ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&addr), &length) != 0)
            throw std::runtime_error("the relay cannot listen");
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { relay(); });
    }
    ~Relay() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }
    Relay(const Relay &) = delete;
    Relay &operator=(const Relay &) = delete;

    int port() const { return port_; }
    std::vector<Read> reads() {
        std::lock_guard<std::mutex> lock(mutex_);
        return reads_;
    }

private:
    bool wait_readable(int fd) {
        while (!stop_) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) return true;
        }
        return false;
    }

    void relay() {
        if (!wait_readable(listen_fd_)) return;
        int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
        if (client >= 0 && ::connect(server, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0)
            pump(client, server);
        if (client >= 0) ::close(client);
        ::close(server);
    }

    void pump(int client, int server) {
        char buffer[16384];
        while (!stop_) {
            pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
            if (::poll(fds, 2, 100) <= 0) continue;
            if (fds[0].revents != 0) {
                ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
                if (n <= 0 || ::send(server, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) return;
            }
            if (fds[1].revents != 0) {
                ssize_t n = ::recv(server, buffer, sizeof buffer, 0);
                if (n <= 0) return;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    reads_.push_back({std::string(buffer, static_cast<size_t>(n)), Clock::now()});
                }
                if (::send(client, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) return;
            }
        }
    }

    int upstream_port_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<Read> reads_;
    std::thread thread_;
};

// The telnet_login target's records: each read as it came (at most 255
// bytes a record), and where the server stayed silent long enough for a
// wait to run out, a record saying so: 0.5 s the quiet wait after the
// password, 3 s the negotiation's.
std::string telnet_records(const std::vector<Relay::Read> &reads) {
    std::string records;
    for (size_t i = 0; i < reads.size(); ++i) {
        if (i > 0) {
            double gap = std::chrono::duration<double>(reads[i].at - reads[i - 1].at).count();
            if (gap >= 0.5) records += std::string{'\0', static_cast<char>(gap >= 3.0 ? 4 | 1 : 4)};
        }
        std::string_view bytes = reads[i].bytes;
        while (!bytes.empty()) {
            size_t n = std::min<size_t>(bytes.size(), 255);
            records.push_back(static_cast<char>(n));
            records.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
        }
    }
    return records;
}

// --- an SFTP server's bytes --------------------------------------------------------

// Keeps what the SFTP channel delivers, then hands it to the client.
class ChannelRecorder final : public otto::SshChannel::Listener {
public:
    explicit ChannelRecorder(otto::SshChannel::Listener &client) : client_(client) {}
    void on_channel_data(const char *data, size_t size, bool is_stderr) override {
        if (!is_stderr) reads.emplace_back(data, size);
        client_.on_channel_data(data, size, is_stderr);
    }
    void on_channel_ended(otto::LossReason reason) override { client_.on_channel_ended(reason); }
    std::vector<std::string> reads;

private:
    otto::SshChannel::Listener &client_;
};

// A round of requests, each started when the one before is answered: the
// replies cover every kind (VERSION, STATUS ok and errors, HANDLE, DATA,
// NAME, ATTRS).
void sftp_round(const std::shared_ptr<otto::SftpClient> &client, std::function<void()> done) {
    using Step = std::function<void(std::function<void()>)>;
    auto handle = std::make_shared<std::string>();
    const std::string dir = "fuzz-seed", file = dir + "/file", moved = dir + "/moved";
    std::vector<Step> steps = {
        [client](auto next) { client->realpath(".", [next](otto::Error, std::string) { next(); }); },
        [client, dir](auto next) { client->mkdir(dir, 0755, [next](otto::Error) { next(); }); },
        [client, file, handle](auto next) {
            otto::sftp::Attrs attrs;
            attrs.permissions = 0644;
            client->open(file, otto::sftp::kOpenWrite | otto::sftp::kOpenCreate | otto::sftp::kOpenTruncate, attrs,
                         [next, handle](otto::Error, std::string h) {
                             *handle = std::move(h);
                             next();
                         });
        },
        [client, file, handle](auto next) {
            std::string data;
            for (int i = 0; i < 100; ++i) data += "line " + std::to_string(i) + "\n";
            client->write(*handle, file, 0, data, [next](otto::Error) { next(); });
        },
        [client, file, handle](auto next) {
            client->fstat(*handle, file, [next](otto::Error, otto::sftp::Attrs) { next(); });
        },
        [client, file, handle](auto next) { client->close(*handle, file, [next](otto::Error) { next(); }); },
        [client, file](auto next) { client->stat(file, true, [next](otto::Error, otto::sftp::Attrs) { next(); }); },
        [client, dir, handle](auto next) {
            client->opendir(dir, [next, handle](otto::Error, std::string h) {
                *handle = std::move(h);
                next();
            });
        },
        [client, dir, handle](auto next) { client->readdir(*handle, dir, [next](otto::Error, auto) { next(); }); },
        [client, dir, handle](auto next) { client->readdir(*handle, dir, [next](otto::Error, auto) { next(); }); },
        [client, dir, handle](auto next) { client->close(*handle, dir, [next](otto::Error) { next(); }); },
        [client, file, handle](auto next) {
            client->open(file, otto::sftp::kOpenRead, {}, [next, handle](otto::Error, std::string h) {
                *handle = std::move(h);
                next();
            });
        },
        [client, file, handle](auto next) {
            client->read(*handle, file, 0, 4096, [next](otto::Error, auto) { next(); });
        },
        [client, file, handle](auto next) {
            client->read(*handle, file, 4096, 4096, [next](otto::Error, auto) { next(); });
        },
        [client, file, handle](auto next) { client->close(*handle, file, [next](otto::Error) { next(); }); },
        [client, file, moved](auto next) { client->rename(file, moved, true, [next](otto::Error) { next(); }); },
        [client, dir](auto next) {
            client->stat(dir + "/missing", true, [next](otto::Error, otto::sftp::Attrs) { next(); });
        },
        [client, moved](auto next) { client->remove(moved, [next](otto::Error) { next(); }); },
        [client, dir](auto next) { client->rmdir(dir, [next](otto::Error) { next(); }); },
        [client](auto next) { client->mkdir("/proc/otto-forbidden", 0755, [next](otto::Error) { next(); }); },
    };
    auto run = std::make_shared<std::function<void(size_t)>>();
    *run = [steps, run, done](size_t i) {
        if (i == steps.size()) {
            done();
            *run = nullptr;  // the steps hold the client: let it go
            return;
        }
        steps[i]([run, i] { (*run)(i + 1); });
    };
    (*run)(0);
}

std::vector<std::string> capture_sftp(otto::EventLoop &loop, const otto::HostConfig &config) {
    struct Run {
        std::unique_ptr<otto::SshBackend> backend;
        std::shared_ptr<otto::SftpClient> client;
        std::unique_ptr<ChannelRecorder> recorder;
        std::string error;
    };
    auto run = std::make_shared<Run>();
    on_loop(loop, [&loop, run, config](std::function<void()> done) {
        run->backend = std::make_unique<otto::SshBackend>(
            loop.uv(), config, [](int, int, const std::string &) {}, nullptr);
        auto finish = [&loop, run, done] {
            if (run->client) run->client->shutdown();
            run->backend->shutdown([&loop, run, done] {
                loop.defer([run, done] {
                    run->client.reset();
                    run->backend.reset();
                    done();
                });
            });
        };
        run->backend->open_subsystem("sftp", [&loop, run, finish](std::shared_ptr<otto::SshChannel> channel,
                                                                  otto::Error error) {
            if (error) {
                run->error = error.message;
                return finish();
            }
            run->client = std::make_shared<otto::SftpClient>(loop.uv(), channel, run->backend->where(), 30.0);
            run->client->start([run, finish](otto::Error e) {
                if (e) {
                    run->error = e.message;
                    return finish();
                }
                sftp_round(run->client, finish);
            });
            run->recorder = std::make_unique<ChannelRecorder>(*run->client);
            channel->set_listener(run->recorder.get());
        });
    });
    if (!run->error.empty()) throw std::runtime_error("no SFTP: " + run->error);
    return run->recorder->reads;
}

// --- hosts ---------------------------------------------------------------------------

otto::HostConfig ssh_config(const otto_lab::Lab &lab) {
    otto::HostConfig config;
    config.id = "ssh0";
    config.kind = OTTO_HOST_SSH;
    config.address = "127.0.0.1";
    config.port = lab.ssh().at(0).port;
    config.user = lab.password_user() ? lab.password_user()->name : lab.user().name;
    config.ssh.identities = {lab.user().key};
    config.ssh.known_hosts = lab.known_hosts();
    config.ssh.host_key_policy = OTTO_HOST_KEY_STRICT;
    return config;
}

otto::HostConfig telnet_config(const otto_lab::Lab &lab, const otto_lab::TelnetServer &server, int port) {
    otto::HostConfig config;
    config.id = "console0";
    config.kind = OTTO_HOST_TELNET;
    config.address = "127.0.0.1";
    config.port = port;
    config.telnet.login = server.login;
    if (server.login) {
        config.user = lab.password_user()->name;
        config.password = lab.password_user()->password;
    }
    return config;
}

otto::ShellConfig shell_config() { return otto::ShellConfig{}; }

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus dir>   (e.g. tests/fuzz_corpus)\n", argv[0]);
        return 64;
    }
    const fs::path corpus = argv[1];
    try {
        otto_lab::Options options;
        options.die_with_parent = true;
        bool root = getuid() == 0;
        options.telnet_login_servers = root ? 1 : 0;
        options.telnet_shell_servers = 1;
        auto lab = otto_lab::Lab::start(options);
        otto::EventLoop loop;
        loop.start();

        const std::vector<Command> commands = session_commands();
        const otto::HostConfig ssh = ssh_config(*lab);
        write_session_seeds(corpus / "session_reader", "ssh",
                            capture_session(loop,
                                            std::make_unique<otto::SshBackend>(
                                                loop.uv(), ssh, [](int, int, const std::string &) {}, nullptr),
                                            commands),
                            commands);

        for (const otto_lab::TelnetServer &server : lab->telnet()) {
            const std::string name = server.login ? "telnet_login" : "telnet_shell";
            Relay relay(server.port);
            otto::HostConfig config = telnet_config(*lab, server, relay.port());
            // Two commands over the relay: the login, the handshake and a
            // first exchange are what the telnet target reads.
            std::vector<Command> first(commands.begin(), commands.begin() + 2);
            auto exchanges =
                capture_session(loop, std::make_unique<otto::TelnetBackend>(loop.uv(), config, shell_config()), first);
            std::string option(1, server.login ? '\0' : '\2');
            write_seed(corpus / "telnet_login", "captured_" + name, option + telnet_records(relay.reads()));
            // The session's exchanges over telnet, on a connection of its own.
            config.port = server.port;
            write_session_seeds(
                corpus / "session_reader", name,
                capture_session(loop, std::make_unique<otto::TelnetBackend>(loop.uv(), config, shell_config()),
                                commands),
                commands);
        }

        std::string replies;
        for (const std::string &read : capture_sftp(loop, ssh)) replies += read;
        write_seed(corpus / "sftp_reply", "captured_openssh", std::string{7, 13, 31, 63} + replies);

        loop.stop([](std::function<void()> finished) { finished(); });
    } catch (const std::exception &e) {
        std::fprintf(stderr, "otto_fuzz_capture: %s\n", e.what());
        return 1;
    }
    return 0;
}
