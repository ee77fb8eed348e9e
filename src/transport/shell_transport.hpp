// The only things a session needs from a transport (SESSION-PROTOCOL §1.1):
// write bytes, receive bytes until the stream ends, interrupt, close.
// Implementations live in transport/local, transport/ssh, transport/telnet.
// Everything here runs on the loop thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "util/error.hpp"

namespace otto {

// Why a transport's byte stream ended. AuthFailed: the server refused the
// login while the shell was being brought up (telnet reports this from the
// text it sees; loss_detail() quotes it).
enum class LossReason { Eof, ConnectionLost, BrokenPipe, AuthFailed };

// "eof", "connection lost", "broken pipe" (§8.1).
const char *loss_text(LossReason reason);

// A close() while one is under way adds its callback to those that run
// once the transport is closed: `pending` runs first, then `next`.
inline void add_closed_callback(std::function<void()> &pending, std::function<void()> next) {
    pending = [first = std::move(pending), next = std::move(next)] {
        if (first) first();
        if (next) next();
    };
}

class ShellTransport {
public:
    class Listener {
    public:
        virtual void on_transport_data(const char *data, size_t size) = 0;
        // The byte stream ended or broke. Called at most once.
        virtual void on_transport_lost(LossReason reason) = 0;

    protected:
        ~Listener() = default;
    };

    virtual ~ShellTransport() = default;

    // Null detaches: nothing is reported afterwards.
    virtual void set_listener(Listener *listener) = 0;

    // Queues bytes in order. A failure is reported as on_transport_lost(),
    // never synchronously from inside write(). `written` (optional) runs once
    // the bytes have left, with 0 or a negative error.
    virtual void write(std::string bytes, std::function<void(int status)> written = {}) = 0;

    // Interrupts the foreground command: 0x03 on a terminal, SIGINT to the
    // shell's children on pipes.
    virtual void interrupt() = 0;

    virtual void pause_reading() = 0;
    virtual void resume_reading() = 0;

    // The session's READY handshake succeeded: a transport that watched for
    // a refused login may stop.
    virtual void handshake_done() {}
    // What the transport knows about its loss (the server's refusal text).
    virtual std::string loss_detail() const { return {}; }

    // Ends the transport. Graceful: ask the shell to exit, then terminate,
    // then kill (§12.4); otherwise kill at once (§7.4). The listener is
    // detached at once; `closed` runs when every resource is released. The
    // transport keeps itself alive until then.
    virtual void close(bool graceful, std::function<void()> closed) = 0;
};

// How a host starts the transport of a new shell.
class ShellLauncher {
public:
    using Done = std::function<void(std::shared_ptr<ShellTransport>, Error)>;
    virtual ~ShellLauncher() = default;
    // Calls `done` exactly once, possibly before returning.
    virtual void launch(Done done) = 0;
};

}  // namespace otto
