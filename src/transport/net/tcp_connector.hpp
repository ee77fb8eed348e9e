// Name resolution and TCP connect through libuv, bounded by a deadline, for
// transports that then drive the socket themselves (libssh's own connect
// would block the loop on DNS). Also used by telnet.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "loop/uv_handle.hpp"
#include "util/error.hpp"

namespace otto {

// Sends the ACK of what `tcp` has just received now rather than up to 40 ms
// later. Servers that leave Nagle's algorithm on (most telnet daemons) hold
// a reply's second write until the first is acknowledged, and a client with
// nothing to send delays that ACK. Linux drops back to delayed ACKs by
// itself, so this is asked after every read; elsewhere it does nothing.
void ack_received_now(uv_tcp_t *tcp);

class TcpConnector : public std::enable_shared_from_this<TcpConnector> {
public:
    // On success `fd` is a connected, non-blocking, close-on-exec socket with
    // TCP_NODELAY set, owned by the receiver; on failure it is -1.
    using Done = std::function<void(int fd, Error error)>;

    // Connects to `address`:`port` within `timeout` seconds. `done` runs once,
    // on a later turn of the loop, unless cancel() comes first.
    static std::shared_ptr<TcpConnector> start(uv_loop_t *loop, std::string address, int port, double timeout,
                                               Done done);

    TcpConnector(uv_loop_t *loop, std::string address, int port, Done done);
    ~TcpConnector();
    void cancel();

private:
    void resolve(double timeout);
    bool take_numeric_address();
    void connect_next();
    void finish(int fd, Error error);
    std::string where() const;

    uv_loop_t *loop_;
    std::string address_;
    int port_;
    Done done_;
    Timer deadline_;
    Deferred soon_;
    double timeout_ = 0;
    std::unique_ptr<uv_getaddrinfo_t> resolving_;
    struct addrinfo *addresses_ = nullptr;
    struct addrinfo *next_ = nullptr;
    std::unique_ptr<UvHandle<uv_tcp_t>> socket_;
    std::unique_ptr<uv_connect_t> connecting_;
    std::string last_error_;
    std::shared_ptr<TcpConnector> keep_alive_;
};

}  // namespace otto
