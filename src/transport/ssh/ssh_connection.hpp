// One SSH connection driven from the loop thread without ever blocking it
// (the transport requirements): libuv resolves and connects, the
// socket goes to a non-blocking libssh session, one uv_poll watcher follows
// libssh's poll flags after every call, and every phase has a deadline.
// Channels for shells and one-shots are opened on it and counted against a
// budget the backend enforces.
#pragma once

#include <libssh/libssh.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/host_config.hpp"
#include "loop/deferred.hpp"
#include "loop/slot_gate.hpp"
#include "loop/timer.hpp"
#include "loop/uv_handle.hpp"
#include "transport/ssh/ssh_channel.hpp"
#include "util/error.hpp"

namespace otto {

class TcpConnector;
class SshAuthenticator;
class HostKeyCheck;

struct SshChannelSpec {
    bool pty = true;
    std::string command;  // empty: a login shell
    // A subsystem ("sftp") instead of a shell or command; never with a PTY.
    std::string subsystem;
    int columns = 400;
    int rows = 24;

    // Shells and subsystems stay open as long as their user wants: the
    // budget counts them apart from one-shots, which end soon.
    bool long_lived() const { return pty || !subsystem.empty(); }
};

// "ssh user@host:port": how messages name an SSH host.
std::string ssh_where(const HostConfig &config);

class SshConnection : public std::enable_shared_from_this<SshConnection> {
public:
    using Log = std::function<void(int level, int kind, const std::string &text)>;
    using Opened = std::function<void(std::shared_ptr<SshChannel>, Error)>;

    // `handshakes` (may be null: no limit) holds the connection's handshake
    // until it may start: its deadlines run from then on.
    SshConnection(uv_loop_t *loop, const HostConfig &config, Log log, std::shared_ptr<SlotGate> handshakes);
    ~SshConnection();
    SshConnection(const SshConnection &) = delete;
    SshConnection &operator=(const SshConnection &) = delete;

    // Connects once; callers arriving meanwhile wait for the same attempt.
    // `deadline` (seconds, may be infinite) bounds this caller's wait.
    void connect(std::function<void(Error)> done);
    bool ready() const { return phase_ == Phase::Ready; }
    bool broken() const { return phase_ == Phase::Failed || phase_ == Phase::Closed; }

    // Opens a channel with a PTY and a shell, an exec channel or a subsystem
    // channel, connecting first if needed. A refused subsystem is
    // OTTO_ENOTSUP (the caller may fall back to something else). It counts against the budget from this call until
    // the channel is closed (or fails to open).
    void open_channel(const SshChannelSpec &spec, Opened done);
    int channels_in_use() const { return channels_in_use_; }
    // Shells and subsystems (SshChannelSpec::long_lived).
    int shells_in_use() const { return shells_in_use_; }
    // Runs whenever a channel gives its slot back.
    void on_slot_freed(std::function<void()> fn) { slot_freed_ = std::move(fn); }

    // Ends the connection: open channels end as lost, waiting callers fail.
    void close();

    // Runs `command` on a channel of its own, closed as soon as the command
    // has started; nothing is reported back. For signalling processes that
    // other channels started (remote_process_group.hpp). Does nothing on a
    // connection that is not up.
    void run_detached(const std::string &command);
    // Closes once every detached command has started, or after `limit`
    // seconds, then runs `closed`: a host closing right after canceling
    // its commands still ends them on the server.
    void close_after_detached(double limit, std::function<void()> closed);

    // --- for channels ---
    void pump_soon();
    // Processes what has arrived right now (before a deadline decides).
    void pump_now() { pump(Source::Socket); }
    void channel_closed(SshChannel *channel);
    std::string where() const;

private:
    enum class Phase { Idle, Connecting, KeyExchange, CheckingHostKey, Authenticating, Ready, Failed, Closed };
    struct PendingOpen;

    void on_tcp_connected(int fd, Error error);
    void start_session();
    void step();
    void step_key_exchange();
    void check_host_key();
    void host_key_checked(Error error);
    void step_auth();
    void become_ready();
    void fail(Error error);
    void lose(const std::string &why);

    // Why a pump runs: the socket (or a timer standing in for it) has
    // something, or work was queued on the loop.
    enum class Source { Socket, Work };
    void pump(Source source);
    // Reads what has arrived, through libssh, until the socket is empty.
    void read_socket();
    void drive_opens();
    void rearm();
    void start_keepalive();
    void keepalive_tick();
    void start_phase_deadline(double seconds, const std::string &what);
    void start_tcp();
    void release_open(PendingOpen &open);
    void start_open_deadline(PendingOpen &open);
    void give_back_slot(bool shell);
    std::string libssh_error() const;
    void log(int level, int kind, const std::string &text) const;

    uv_loop_t *loop_;
    HostConfig config_;
    Log log_;
    Phase phase_ = Phase::Idle;
    std::vector<std::function<void(Error)>> waiting_;
    std::shared_ptr<TcpConnector> connector_;
    std::shared_ptr<SlotGate> handshakes_;
    std::unique_ptr<SlotGate::Slot> handshake_slot_;  // held from key exchange to ready or failed

    ssh_session session_ = nullptr;
    ssh_event event_ = nullptr;
    std::unique_ptr<ssh_counter_struct> counter_;
    int fd_ = -1;
    UvHandle<uv_poll_t> poll_;
    int polled_events_ = 0;
    std::unique_ptr<SshAuthenticator> auth_;
    std::shared_ptr<HostKeyCheck> host_key_;  // while the key is being checked

    Timer phase_deadline_;
    Timer safety_;
    Timer keepalive_;
    Deferred deferred_;
    bool pump_scheduled_ = false;
    bool pumping_ = false;

    std::vector<std::unique_ptr<PendingOpen>> opening_;
    std::vector<std::weak_ptr<SshChannel>> channels_;
    int channels_in_use_ = 0;
    int shells_in_use_ = 0;
    std::function<void()> slot_freed_;
    int detached_ = 0;               // detached commands not yet started
    std::function<void()> drained_;  // close_after_detached's end
    Timer drain_limit_;
    uint64_t packets_seen_ = 0;
    int keepalive_misses_ = 0;
};

}  // namespace otto
