// A loopback TCP server for fault tests: every accepted connection is
// handed to a handler on a thread of its own. Handlers for the usual
// misbehaviours are provided; a test may write its own (a proxy, a scripted
// telnet server).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace otto_test {

class TestTcpServer {
public:
    // Runs with the connected socket; the server closes it afterwards.
    // Blocking calls on it return once the server is destroyed.
    using Handler = std::function<void(int fd)>;

    explicit TestTcpServer(Handler handler);
    ~TestTcpServer();
    TestTcpServer(const TestTcpServer &) = delete;
    TestTcpServer &operator=(const TestTcpServer &) = delete;

    int port() const { return port_; }
    int connections() const { return connections_; }

    // Accepts and never says a word (reads and drops what the client sends).
    static Handler silent();
    // Reads the client's first bytes, then resets the connection.
    static Handler reset_after_first_read();

private:
    void accept_loop();

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::mutex mutex_;
    std::vector<int> clients_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

// A loopback port whose TCP connects never complete, as behind a firewall
// that drops packets: its listener's accept queue is full and never
// drained, so the kernel drops every further SYN.
class BlackHole {
public:
    BlackHole();
    ~BlackHole();
    BlackHole(const BlackHole &) = delete;
    BlackHole &operator=(const BlackHole &) = delete;
    int port() const { return port_; }

private:
    int listen_fd_ = -1;
    int port_ = 0;
    std::vector<int> queued_;  // the connections that fill the queue
};

// Writes all of `bytes` to `fd`; false if the peer is gone.
bool send_all(int fd, const std::string &bytes);

// Connects to 127.0.0.1:`port`; -1 on failure.
int connect_loopback(int port);

}  // namespace otto_test
