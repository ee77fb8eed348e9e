#include "transport/net/tcp_connector.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "otto.h"
#include "util/clock.hpp"

namespace otto {

void ack_received_now(uv_tcp_t *tcp) {
#ifdef TCP_QUICKACK
    uv_os_fd_t fd;
    if (uv_fileno(reinterpret_cast<uv_handle_t *>(tcp), &fd) != 0) return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
    (void)tcp;
#endif
}

std::shared_ptr<TcpConnector> TcpConnector::start(uv_loop_t *loop, std::string address, int port, double timeout,
                                                  Done done) {
    auto c = std::make_shared<TcpConnector>(loop, std::move(address), port, std::move(done));
    c->keep_alive_ = c;
    c->resolve(timeout);
    return c;
}

TcpConnector::TcpConnector(uv_loop_t *loop, std::string address, int port, Done done)
    : loop_(loop), address_(std::move(address)), port_(port), done_(std::move(done)), deadline_(loop), soon_(loop) {}

TcpConnector::~TcpConnector() {
    if (addresses_ != nullptr) uv_freeaddrinfo(addresses_);
}

std::string TcpConnector::where() const {
    bool v6 = address_.find(':') != std::string::npos;
    return (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port_);
}

void TcpConnector::resolve(double timeout) {
    timeout_ = timeout;
    deadline_.start(timeout, [this] {
        finish(-1, Error(OTTO_ECONNECT, "connecting to " + where() + " timed out after " + format_seconds(timeout_) +
                                            " s" + (last_error_.empty() ? "" : " (" + last_error_ + ")")));
    });
    if (take_numeric_address()) {
        // Unless cancel() or the deadline came first.
        soon_.call([this] {
            if (done_) connect_next();
        });
        return;
    }
    resolving_ = std::make_unique<uv_getaddrinfo_t>();
    resolving_->data = this;
    struct addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    int rc = uv_getaddrinfo(
        loop_, resolving_.get(),
        [](uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
            auto *self = static_cast<TcpConnector *>(req->data);
            if (self == nullptr) {  // canceled: only free what came back
                if (res != nullptr) uv_freeaddrinfo(res);
                delete req;
                return;
            }
            self->resolving_.release();
            delete req;
            if (status != 0) {
                self->finish(-1,
                             Error(OTTO_ECONNECT, "cannot resolve \"" + self->address_ + "\": " + uv_strerror(status)));
                return;
            }
            self->addresses_ = res;
            self->next_ = res;
            self->connect_next();
        },
        address_.c_str(), std::to_string(port_).c_str(), &hints);
    if (rc != 0) {
        resolving_.reset();
        auto self = shared_from_this();
        deadline_.start(0, [self, rc] {
            self->finish(-1, Error(OTTO_ECONNECT, "cannot resolve \"" + self->address_ + "\": " + uv_strerror(rc)));
        });
    }
}

bool TcpConnector::take_numeric_address() {
    // An address in numbers (most labs) needs no resolver: parsed here, it
    // spares each connection a round trip through libuv's thread pool and
    // the resolver's dump of the local addresses (AI_ADDRCONFIG).
    struct addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    struct addrinfo *found = nullptr;
    if (getaddrinfo(address_.c_str(), std::to_string(port_).c_str(), &hints, &found) != 0) return false;
    addresses_ = found;
    next_ = found;
    return true;
}

void TcpConnector::connect_next() {
    socket_.reset();
    if (next_ == nullptr) {
        finish(-1, Error(OTTO_ECONNECT, "cannot connect to " + where() + ": " + last_error_));
        return;
    }
    struct addrinfo *ai = next_;
    next_ = next_->ai_next;
    socket_ = std::make_unique<UvHandle<uv_tcp_t>>();
    uv_tcp_init(loop_, socket_->get());
    socket_->mark_initialized();
    socket_->get()->data = this;
    uv_tcp_nodelay(socket_->get(), 1);
    connecting_ = std::make_unique<uv_connect_t>();
    connecting_->data = this;
    int rc = uv_tcp_connect(connecting_.get(), socket_->get(), ai->ai_addr, [](uv_connect_t *req, int status) {
        auto *self = static_cast<TcpConnector *>(req->data);
        if (self == nullptr) {
            delete req;
            return;
        }
        self->connecting_.release();
        delete req;
        if (status != 0) {
            self->last_error_ = uv_strerror(status);
            self->connect_next();
            return;
        }
        // Hand a duplicate of the socket to the receiver; the libuv handle
        // (and its own descriptor) is closed here.
        uv_os_fd_t fd = -1;
        uv_fileno(self->socket_->base(), &fd);
        int owned = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (owned < 0) {
            self->finish(-1, Error(OTTO_ECONNECT, "cannot duplicate the socket: " + std::string(strerror(errno))));
            return;
        }
        int one = 1;
        setsockopt(owned, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(owned, F_SETFL, fcntl(owned, F_GETFL) | O_NONBLOCK);
        self->finish(owned, Error());
    });
    if (rc != 0) {
        connecting_.reset();
        last_error_ = uv_strerror(rc);
        connect_next();
    }
}

void TcpConnector::cancel() {
    done_ = nullptr;
    finish(-1, Error());
}

void TcpConnector::finish(int fd, Error error) {
    deadline_.stop();
    if (resolving_) {
        // The resolver thread still owns the request: let its callback free it.
        resolving_->data = nullptr;
        uv_cancel(reinterpret_cast<uv_req_t *>(resolving_.release()));
    }
    if (connecting_) connecting_.release()->data = nullptr;  // freed by its callback after the close
    socket_.reset();
    auto done = std::move(done_);
    done_ = nullptr;
    auto self = std::move(keep_alive_);
    if (done) {
        done(fd, std::move(error));
    } else if (fd >= 0) {
        ::close(fd);
    }
}

}  // namespace otto
