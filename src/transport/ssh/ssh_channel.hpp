// One libssh channel of an SshConnection, as otto uses it: inbound data is
// taken inside libssh's callbacks into a queue and handed to the listener
// afterwards, outside libssh; outbound data goes through a queue that waits
// for the peer's window. Loop thread only.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "loop/deferred.hpp"
#include "transport/shell_transport.hpp"

namespace otto {

class SshConnection;

class SshChannel : public std::enable_shared_from_this<SshChannel> {
public:
    class Listener {
    public:
        virtual void on_channel_data(const char *data, size_t size, bool is_stderr) = 0;
        // The channel ended (remote EOF or close, or the connection was lost).
        virtual void on_channel_ended(LossReason reason) = 0;
        virtual void on_channel_exit_status(int) {}
        virtual void on_channel_exit_signal(const std::string &) {}

    protected:
        ~Listener() = default;
    };

    SshChannel(uv_loop_t *loop, std::weak_ptr<SshConnection> connection, ssh_channel channel, bool shell);
    ~SshChannel();
    SshChannel(const SshChannel &) = delete;
    SshChannel &operator=(const SshChannel &) = delete;

    // Queued data is delivered once a listener is attached.
    void set_listener(Listener *listener);
    void write(std::string bytes, std::function<void(int status)> written);
    // A "signal" channel request (RFC 4254 6.9), e.g. "KILL".
    void send_signal(const char *name);
    // Sends EOF once every queued write has gone: the remote command's
    // stdin ends.
    void close_stdin();
    void pause();
    void resume();
    // Hands everything that has already reached this process to the
    // listener, now (a deadline is about to judge what arrived).
    void take_arrived();
    // Frees the libssh channel: no callback reaches this object afterwards.
    void close();
    bool closed() const { return channel_ == nullptr; }
    bool ended() const { return ended_; }
    // A shell or a subsystem (counted apart from one-shots in the budget).
    bool is_shell() const { return shell_; }
    // The connection the channel belongs to, while it lives.
    std::shared_ptr<SshConnection> connection() const { return connection_.lock(); }

    // --- for SshConnection ---
    // Moves queued output into libssh (as far as the window allows).
    bool flush_writes();
    // Hands queued input and endings to the listener.
    void deliver();
    bool has_pending() const;
    void connection_lost();
    // The session is about to be freed (with its channels): forget ours.
    void forget_session();

private:
    static int on_data(ssh_session, ssh_channel, void *data, uint32_t len, int is_stderr, void *user);
    static void on_close(ssh_session, ssh_channel, void *user);
    static void on_exit_status(ssh_session, ssh_channel, int status, void *user);
    static void on_exit_signal(ssh_session, ssh_channel, const char *signal, int core, const char *errmsg,
                               const char *lang, void *user);

    struct Chunk {
        std::string data;
        bool is_stderr;
    };
    struct PendingWrite {
        std::string data;
        size_t offset = 0;
        std::function<void(int)> written;
    };

    Deferred deferred_;
    std::weak_ptr<SshConnection> connection_;
    ssh_channel channel_;
    bool shell_;
    struct ssh_channel_callbacks_struct callbacks_ {};
    Listener *listener_ = nullptr;
    std::deque<Chunk> inbound_;
    std::deque<PendingWrite> outbound_;
    bool paused_ = false;
    bool eof_wanted_ = false;
    bool eof_sent_ = false;
    bool remote_closed_ = false;
    bool ended_ = false;
    LossReason end_reason_ = LossReason::Eof;
    std::optional<int> exit_status_;
    std::optional<std::string> exit_signal_;
    bool status_delivered_ = false;
};

}  // namespace otto
