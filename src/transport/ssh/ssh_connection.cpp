#include "transport/ssh/ssh_connection.hpp"

#include <libssh/callbacks.h>
#include <libssh/server.h>  // ssh_send_keepalive (a client call despite its header)
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "otto.h"
#include "transport/net/tcp_connector.hpp"
#include "transport/ssh/host_key_check.hpp"
#include "transport/ssh/ssh_auth.hpp"
#include "util/clock.hpp"

namespace otto {

namespace {

// While work is pending inside libssh (a channel being opened, output
// waiting for the peer's window), pump at least this often even if the
// socket stays quiet: nothing buffered in libssh is ever stranded.
constexpr double kSafetyInterval = 0.05;

// libssh reads the socket 4 KiB at a time, one read per poll. A pump keeps
// reading while bytes keep coming, up to this many reads (512 KiB), so a
// bulk transfer costs one loop wakeup per many reads, not one per read,
// while other connections on the loop still get their turn.
constexpr int kReadsPerPump = 128;
// The size of libssh's reads (MAX_BUF_SIZE). A pump's first read that
// returns less took a small reply whole (a command's answer): polling again
// would only find nothing.
constexpr uint64_t kLibsshReadSize = 4096;

// At most this many polls settle libssh's wish for POLLOUT after a pump's
// writes; past that the socket is really full and the loop waits for it.
constexpr int kSettlePolls = 3;

void init_libssh_once() {
    static std::once_flag once;
    std::call_once(once, [] { ssh_init(); });
}

}  // namespace

struct SshConnection::PendingOpen {
    enum class Step { Open, Pty, Start };
    SshChannelSpec spec;
    Opened done;
    ssh_channel channel = nullptr;
    std::shared_ptr<SshChannel> wrapper;
    Step step = Step::Open;
    std::unique_ptr<Timer> deadline;
};

SshConnection::SshConnection(uv_loop_t *loop, const HostConfig &config, Log log, std::shared_ptr<SlotGate> handshakes)
    : loop_(loop), config_(config), log_(std::move(log)), handshakes_(std::move(handshakes)), phase_deadline_(loop),
      safety_(loop), keepalive_(loop), deferred_(loop), drain_limit_(loop) {
    init_libssh_once();
    if (config_.port <= 0) config_.port = 22;
}

SshConnection::~SshConnection() { close(); }

std::string ssh_where(const HostConfig &config) {
    bool v6 = config.address.find(':') != std::string::npos;
    std::string host = v6 ? "[" + config.address + "]" : config.address;
    return "ssh " + config.user + "@" + host + ":" + std::to_string(config.port > 0 ? config.port : 22);
}

std::string SshConnection::where() const { return ssh_where(config_); }

void SshConnection::log(int level, int kind, const std::string &text) const {
    if (log_) log_(level, kind, text);
}

std::string SshConnection::libssh_error() const { return session_ != nullptr ? ssh_get_error(session_) : "no session"; }

// --- connecting --------------------------------------------------------------

void SshConnection::connect(std::function<void(Error)> done) {
    switch (phase_) {
        case Phase::Ready: deferred_.call([done] { done(Error()); }); return;
        case Phase::Failed:
        case Phase::Closed:
            deferred_.call(
                [done, where = where()] { done(Error(OTTO_ECONNECT, where + ": the connection is closed")); });
            return;
        case Phase::Idle: break;
        default: waiting_.push_back(std::move(done)); return;
    }
    waiting_.push_back(std::move(done));
    phase_ = Phase::Connecting;
    start_tcp();
}

void SshConnection::start_tcp() {
    std::weak_ptr<SshConnection> weak = weak_from_this();
    connector_ =
        TcpConnector::start(loop_, config_.address, config_.port, config_.connect_timeout, [weak](int fd, Error error) {
            if (auto self = weak.lock()) self->on_tcp_connected(fd, std::move(error));
        });
}

void SshConnection::start_phase_deadline(double seconds, const std::string &what) {
    phase_deadline_.start(seconds, [this, seconds, what] {
        fail(Error(OTTO_ECONNECT, where() + ": " + what + " timed out after " + format_seconds(seconds) + " s"));
    });
}

// Only the key exchange and authentication wait for a turn of the
// handshake limit: they are what costs the servers CPU. A TCP connect costs
// them nothing, and one that hangs (an unreachable host) must not hold a
// turn that reachable hosts wait for.
void SshConnection::on_tcp_connected(int fd, Error error) {
    connector_.reset();
    if (error) {
        error.message = where() + ": " + error.message;
        fail(std::move(error));
        return;
    }
    fd_ = fd;  // closed by close() until a session takes it
    if (!handshakes_) {
        start_session();
        return;
    }
    std::weak_ptr<SshConnection> weak = weak_from_this();
    handshakes_->acquire([weak](std::unique_ptr<SlotGate::Slot> slot) {
        auto self = weak.lock();
        // Closed while it waited: the slot goes to the next one at once.
        if (!self || self->phase_ != Phase::Connecting) return;
        self->handshake_slot_ = std::move(slot);
        self->start_session();
    });
}

void SshConnection::start_session() {
    session_ = ssh_new();
    if (session_ == nullptr) {
        fail(Error(OTTO_ENOMEM, where() + ": cannot allocate an SSH session"));
        return;
    }
    int verbosity = SSH_LOG_NOLOG;
    bool no = false;
    int port = config_.port;
    std::string known_hosts = known_hosts_path(config_);
    ssh_options_set(session_, SSH_OPTIONS_PROCESS_CONFIG, &no);  // no ~/.ssh/config surprises
    ssh_options_set(session_, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    ssh_options_set(session_, SSH_OPTIONS_HOST, config_.address.c_str());
    ssh_options_set(session_, SSH_OPTIONS_PORT, &port);
    ssh_options_set(session_, SSH_OPTIONS_USER, config_.user.c_str());
    ssh_options_set(session_, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
    ssh_options_set(session_, SSH_OPTIONS_FD, &fd_);  // closed by close() below, see there
    int nodelay = 1;
    ssh_options_set(session_, SSH_OPTIONS_NODELAY, &nodelay);
    static const std::pair<int, std::vector<ssh_options_e>> kAlgorithmOptions[] = {
        {OTTO_SSH_KEY_EXCHANGE, {SSH_OPTIONS_KEY_EXCHANGE}},
        {OTTO_SSH_CIPHERS, {SSH_OPTIONS_CIPHERS_C_S, SSH_OPTIONS_CIPHERS_S_C}},
        {OTTO_SSH_HOST_KEYS, {SSH_OPTIONS_HOSTKEYS}},
        {OTTO_SSH_MACS, {SSH_OPTIONS_HMAC_C_S, SSH_OPTIONS_HMAC_S_C}},
    };
    for (const auto &[which, options] : kAlgorithmOptions) {
        auto it = config_.ssh.algorithms.find(which);
        if (it == config_.ssh.algorithms.end()) continue;
        for (ssh_options_e option : options) {
            if (ssh_options_set(session_, option, it->second.c_str()) != SSH_OK) {
                fail(Error(OTTO_ECONNECT,
                           where() + ": unsupported algorithm in \"" + it->second + "\": " + libssh_error()));
                return;
            }
        }
    }
    ssh_set_blocking(session_, 0);

    uv_poll_init(loop_, poll_.get(), fd_);
    poll_.mark_initialized();
    poll_.get()->data = this;

    phase_ = Phase::KeyExchange;
    start_phase_deadline(config_.ssh.kex_timeout, "the key exchange");
    step();
}

void SshConnection::step() {
    if (phase_ == Phase::KeyExchange) step_key_exchange();
    if (phase_ == Phase::Authenticating) step_auth();
    // Ready connections rearm in pump(); a host key check watches nothing.
    if (phase_ == Phase::KeyExchange || phase_ == Phase::Authenticating) rearm();
}

void SshConnection::step_key_exchange() {
    int rc = ssh_connect(session_);
    if (rc == SSH_AGAIN) return;
    if (rc != SSH_OK) {
        fail(Error(OTTO_ECONNECT, where() + ": the key exchange failed: " + libssh_error()));
        return;
    }
    check_host_key();
}

// The known_hosts files are read (and appended to) on the thread pool. The
// socket is not watched meanwhile: libssh waits for our next request, and a
// readable socket nobody reads would wake the loop again and again.
void SshConnection::check_host_key() {
    phase_ = Phase::CheckingHostKey;
    if (poll_.initialized()) uv_poll_stop(poll_.get());
    polled_events_ = 0;
    phase_deadline_.start(config_.ssh.kex_timeout, [this, seconds = config_.ssh.kex_timeout] {
        std::string what = host_key_ ? host_key_->waiting_for() : "checking the host key";
        fail(Error(OTTO_EHOSTKEY, where() + ": " + what + ": timed out after " + format_seconds(seconds) + " s"));
    });
    auto warn = [this](const std::string &warning) { log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, warning); };
    auto check = HostKeyCheck::start(loop_, session_, config_, where(), warn,
                                     [this](Error error) { host_key_checked(std::move(error)); });
    // Policy off decides at once, inside start(); the rest finish later.
    if (phase_ == Phase::CheckingHostKey) host_key_ = std::move(check);
}

void SshConnection::host_key_checked(Error error) {
    const bool later = host_key_ != nullptr;  // not from inside check_host_key()
    if (error) {
        fail(std::move(error));
        return;
    }
    phase_ = Phase::Authenticating;
    auth_ = std::make_unique<SshAuthenticator>(session_, config_, where());
    start_phase_deadline(config_.ssh.auth_timeout, "authentication");
    if (later) step();
}

void SshConnection::step_auth() {
    std::optional<Error> result = auth_->step();
    if (!result) return;
    if (*result) {
        fail(std::move(*result));
        return;
    }
    log(OTTO_LOG_INFO, OTTO_LOG_KIND_INFO, "connected to " + where() + " (" + auth_->method() + ")");
    become_ready();
}

void SshConnection::become_ready() {
    phase_deadline_.stop();
    host_key_.reset();
    handshake_slot_.reset();
    auth_.reset();
    phase_ = Phase::Ready;
    counter_ = std::make_unique<ssh_counter_struct>();
    ssh_set_counters(session_, nullptr, counter_.get());
    event_ = ssh_event_new();
    ssh_event_add_session(event_, session_);
    start_keepalive();
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto &w : waiting) w(Error());
    pump_soon();
}

void SshConnection::fail(Error error) {
    if (phase_ == Phase::Failed || phase_ == Phase::Closed) return;
    bool was_ready = phase_ == Phase::Ready;
    phase_ = Phase::Failed;
    if (was_ready) {
        lose(error.message);
        return;
    }
    phase_deadline_.stop();
    handshake_slot_.reset();
    if (connector_) {
        connector_->cancel();
        connector_.reset();
    }
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto &w : waiting) w(error);
    auto opening = std::move(opening_);
    opening_.clear();
    for (auto &o : opening) {
        release_open(*o);
        o->done(nullptr, error);
    }
    close();
}

// --- the pump ----------------------------------------------------------------

void SshConnection::pump_soon() {
    if (pump_scheduled_ || broken()) return;
    pump_scheduled_ = true;
    deferred_.call([this] {
        pump_scheduled_ = false;
        pump(Source::Work);
    });
}

void SshConnection::rearm() {
    if (!poll_.initialized()) return;
    // Always readable; writable only while libssh has output waiting.
    int want = UV_READABLE;
    if (ssh_get_poll_flags(session_) & SSH_WRITE_PENDING) want |= UV_WRITABLE;
    if (want == polled_events_) return;
    polled_events_ = want;
    uv_poll_start(poll_.get(), want, [](uv_poll_t *handle, int, int) {
        if (auto *self = static_cast<SshConnection *>(handle->data)) self->pump(Source::Socket);
    });
}

void SshConnection::read_socket() {
    for (int reads = 0; reads < kReadsPerPump; ++reads) {
        uint64_t before = counter_->in_bytes;
        if (ssh_event_dopoll(event_, 0) != SSH_OK) break;
        // Once reads come full a transfer is under way: read on while bytes
        // keep coming, short reads included.
        if (reads == 0 && counter_->in_bytes - before < kLibsshReadSize) break;
    }
}

void SshConnection::pump(Source source) {
    if (pumping_ || session_ == nullptr) return;
    auto keep = shared_from_this();  // a listener may drop the last owner
    pumping_ = true;
    if (phase_ == Phase::KeyExchange || phase_ == Phase::Authenticating) {
        step();
        pumping_ = false;
        return;
    }
    if (phase_ != Phase::Ready) {
        pumping_ = false;
        return;
    }
    // Work queued on the loop (a write, an open, a close) needs no read
    // first: whatever has arrived makes the socket readable, and the loop
    // pumps for that on its own.
    if (source == Source::Socket) read_socket();
    drive_opens();
    bool writes_waiting = false;
    std::vector<std::shared_ptr<SshChannel>> live;
    for (auto &weak : channels_)
        if (auto c = weak.lock()) live.push_back(std::move(c));
    for (auto &c : live) writes_waiting = c->flush_writes() || writes_waiting;
    // After a write, libssh asks for POLLOUT until its next poll, even when
    // the socket took every byte. Polling once now settles that, where
    // waiting for writability through the loop would cost a round of
    // epoll_ctl calls and a wakeup per command.
    // (A poll that also reads may queue a reply, such as a window adjust,
    // and ask again: hence a few.)
    for (int settle = 0; settle < kSettlePolls && (ssh_get_poll_flags(session_) & SSH_WRITE_PENDING); ++settle)
        ssh_event_dopoll(event_, 0);
    if (ssh_is_connected(session_) == 0) {
        pumping_ = false;
        lose("the server closed the connection (" + libssh_error() + ")");
        return;
    }
    // Listeners run last and outside libssh: they may write, close channels
    // or close this connection.
    for (auto &c : live) {
        c->deliver();
        if (phase_ != Phase::Ready) break;
    }
    pumping_ = false;
    if (phase_ != Phase::Ready) return;
    rearm();
    if (!opening_.empty() || writes_waiting) {
        if (!safety_.pending()) safety_.start(kSafetyInterval, [this] { pump(Source::Socket); });
    }
}

void SshConnection::start_open_deadline(PendingOpen &open) {
    // Counted from when the connection can serve the request.
    PendingOpen *raw = &open;
    double timeout = config_.ssh.channel_timeout;
    open.deadline->start(timeout, [this, raw, timeout] {
        auto it = std::find_if(opening_.begin(), opening_.end(), [raw](auto &o) { return o.get() == raw; });
        if (it == opening_.end()) return;
        auto expired = std::move(*it);
        opening_.erase(it);
        release_open(*expired);
        expired->done(nullptr, Error(OTTO_ECONNECT, where() + ": opening a channel timed out after " +
                                                        format_seconds(timeout) + " s"));
    });
}

void SshConnection::drive_opens() {
    for (size_t i = 0; i < opening_.size();) {
        PendingOpen &o = *opening_[i];
        if (!o.deadline->pending() && o.step == PendingOpen::Step::Open && o.channel == nullptr) start_open_deadline(o);
        int rc = SSH_OK;
        if (o.step == PendingOpen::Step::Open) {
            if (o.channel == nullptr) o.channel = ssh_channel_new(session_);
            rc = o.channel != nullptr ? ssh_channel_open_session(o.channel) : SSH_ERROR;
            if (rc == SSH_OK) {
                // Callbacks from now on, so no byte of the shell is missed.
                o.wrapper = std::make_shared<SshChannel>(loop_, weak_from_this(), o.channel, o.spec.long_lived());
                o.step = o.spec.pty && o.spec.subsystem.empty() ? PendingOpen::Step::Pty : PendingOpen::Step::Start;
            }
        }
        if (rc == SSH_OK && o.step == PendingOpen::Step::Pty) {
            rc = ssh_channel_request_pty_size(o.channel, "dumb", o.spec.columns, o.spec.rows);
            if (rc == SSH_OK) o.step = PendingOpen::Step::Start;
        }
        if (rc == SSH_OK && o.step == PendingOpen::Step::Start) {
            if (!o.spec.subsystem.empty()) rc = ssh_channel_request_subsystem(o.channel, o.spec.subsystem.c_str());
            else if (o.spec.command.empty()) rc = ssh_channel_request_shell(o.channel);
            else rc = ssh_channel_request_exec(o.channel, o.spec.command.c_str());
        }
        if (rc == SSH_AGAIN) {
            ++i;
            continue;
        }
        auto open = std::move(opening_[i]);
        opening_.erase(opening_.begin() + static_cast<std::ptrdiff_t>(i));
        if (rc == SSH_OK) {
            channels_.push_back(open->wrapper);
            open->done(open->wrapper, Error());
            continue;
        }
        // §13.1: a refused channel (sshd MaxSessions) is an error, never
        // retried in a loop.
        std::string why = libssh_error();
        bool subsystem_refused = open->step == PendingOpen::Step::Start && !open->spec.subsystem.empty();
        release_open(*open);
        if (subsystem_refused) {
            // The channel opened but the server has no such subsystem: a
            // distinct code, so the caller can use something else instead.
            std::string name = open->spec.subsystem == "sftp" ? "SFTP" : "\"" + open->spec.subsystem + "\"";
            open->done(nullptr, Error(OTTO_ENOTSUP, where() + ": the server has no " + name + " subsystem: " + why));
            continue;
        }
        open->done(nullptr, Error(OTTO_ECONNECT, where() + ": the server refused a channel: " + why));
    }
}

// --- channels ----------------------------------------------------------------

void SshConnection::open_channel(const SshChannelSpec &spec, Opened done) {
    if (broken()) {
        deferred_.call(
            [done, where = where()] { done(nullptr, Error(OTTO_ECONNECT, where + ": the connection is closed")); });
        return;
    }
    ++channels_in_use_;
    if (spec.long_lived()) ++shells_in_use_;
    auto open = std::make_unique<PendingOpen>();
    open->spec = spec;
    open->done = std::move(done);
    open->deadline = std::make_unique<Timer>(loop_);
    opening_.push_back(std::move(open));
    if (phase_ == Phase::Ready) {
        pump_soon();
    } else if (phase_ == Phase::Idle) {
        // Lazily: the first channel connects. Opens wait in opening_ and a
        // failed connect fails them all (fail()).
        connect([](Error) {});
    }
}

void SshConnection::release_open(PendingOpen &open) {
    if (open.wrapper) {
        open.wrapper->close();  // gives the slot back through channel_closed()
        open.wrapper.reset();
    } else {
        if (open.channel != nullptr && session_ != nullptr) ssh_channel_free(open.channel);
        give_back_slot(open.spec.long_lived());
    }
    open.channel = nullptr;
}

void SshConnection::give_back_slot(bool shell) {
    --channels_in_use_;
    if (shell) --shells_in_use_;
    if (slot_freed_)
        deferred_.call([this] {
            if (slot_freed_) slot_freed_();
        });
}

void SshConnection::channel_closed(SshChannel *channel) {
    give_back_slot(channel->is_shell());
    std::erase_if(channels_, [channel](const std::weak_ptr<SshChannel> &w) {
        auto c = w.lock();
        return !c || c.get() == channel;
    });
    if (phase_ == Phase::Ready) pump_soon();  // CLOSE goes out with the next flush
}

// --- detached commands ----------------------------------------------------------

void SshConnection::run_detached(const std::string &command) {
    if (phase_ != Phase::Ready) return;
    SshChannelSpec spec;
    spec.pty = false;
    spec.command = command;
    ++detached_;
    std::weak_ptr<SshConnection> weak = weak_from_this();
    // Once the command is started it needs nothing more from the channel.
    open_channel(spec, [weak](std::shared_ptr<SshChannel> channel, Error) {
        if (channel) channel->close();
        auto self = weak.lock();
        if (!self || --self->detached_ > 0) return;
        if (auto drained = std::exchange(self->drained_, nullptr)) drained();
    });
}

void SshConnection::close_after_detached(double limit, std::function<void()> closed) {
    if (detached_ == 0) {
        close();
        closed();
        return;
    }
    drained_ = [self = shared_from_this(), closed = std::move(closed)] {
        self->drain_limit_.stop();
        self->close();
        closed();
    };
    drain_limit_.start(limit, [this] {
        if (auto drained = std::exchange(drained_, nullptr)) drained();
    });
}

// --- keepalive, loss, close ----------------------------------------------------

void SshConnection::start_keepalive() {
    if (config_.ssh.keepalive_interval <= 0) return;
    keepalive_.start(config_.ssh.keepalive_interval, [this] { keepalive_tick(); });
}

void SshConnection::keepalive_tick() {
    if (phase_ != Phase::Ready) return;
    uint64_t packets = counter_->in_packets;
    if (packets == packets_seen_) {
        ++keepalive_misses_;
    } else {
        keepalive_misses_ = 0;
        packets_seen_ = packets;
    }
    if (keepalive_misses_ >= config_.ssh.keepalive_count) {
        lose("no answer to " + std::to_string(keepalive_misses_) + " keepalives in " +
             format_seconds(keepalive_misses_ * config_.ssh.keepalive_interval) + " s");
        return;
    }
    // The first call collects the previous reply (if any), the second sends
    // a new request; with a request still unanswered neither sends.
    ssh_send_keepalive(session_);
    ssh_send_keepalive(session_);
    rearm();
    start_keepalive();
}

void SshConnection::lose(const std::string &why) {
    if (phase_ == Phase::Closed) return;
    log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, where() + ": connection lost: " + why);
    phase_ = Phase::Failed;
    close();
}

void SshConnection::close() {
    if (phase_ == Phase::Closed && session_ == nullptr) return;
    bool was_failed = phase_ == Phase::Failed;
    phase_ = Phase::Closed;
    phase_deadline_.stop();
    handshake_slot_.reset();
    safety_.stop();
    keepalive_.stop();
    if (connector_) {
        connector_->cancel();
        connector_.reset();
    }
    Error closed(OTTO_ECONNECT, where() + (was_failed ? ": the connection was lost" : ": the connection was closed"));
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto &w : waiting) w(closed);
    auto opening = std::move(opening_);
    opening_.clear();
    std::vector<std::shared_ptr<SshChannel>> live;
    for (auto &weak : channels_)
        if (auto c = weak.lock()) live.push_back(std::move(c));
    channels_.clear();
    for (auto &o : opening) {
        if (o->wrapper) live.push_back(o->wrapper);
        else if (o->channel != nullptr && session_ != nullptr) ssh_channel_free(o->channel);
        o->done(nullptr, closed);
    }
    // The session frees its channels with it: detach every wrapper first.
    for (auto &c : live) c->forget_session();
    for (auto &c : live) c->connection_lost();
    channels_in_use_ = 0;
    shells_in_use_ = 0;
    poll_.reset();  // stop watching before libssh closes the descriptor
    auth_.reset();
    host_key_.reset();
    if (event_ != nullptr) {
        ssh_event_remove_session(event_, session_);
        ssh_event_free(event_);
        event_ = nullptr;
    }
    if (session_ != nullptr) {
        // libssh never closes a socket it was handed (SSH_OPTIONS_FD) at
        // ssh_disconnect, and forgets it there: close it here, or every
        // orderly close leaks it and keeps the server's session alive. Without
        // a disconnect, ssh_free closes the socket itself unless libssh
        // already did (some of its error paths do): it is not ours to close.
        socket_t forgotten = SSH_INVALID_SOCKET;
        if (!was_failed) {
            forgotten = ssh_get_fd(session_);
            ssh_disconnect(session_);
        }
        ssh_free(session_);
        session_ = nullptr;
        if (forgotten != SSH_INVALID_SOCKET) ::close(forgotten);
    } else if (fd_ >= 0) {
        ::close(fd_);  // connected, still waiting for a handshake turn
    }
    fd_ = -1;
    counter_.reset();
}

}  // namespace otto
