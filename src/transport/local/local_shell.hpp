// The local host's shell transport (SESSION-PROTOCOL §12): a bash (or any
// POSIX shell) started through libuv on a PTY or on pipes.
#pragma once

#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "loop/uv_handle.hpp"
#include "transport/shell_transport.hpp"

namespace otto {

struct LocalShellOptions {
    std::vector<std::string> argv;  // the shell and its arguments
    bool pty = true;
    double close_exit_wait = 1.0;  // after `exit`
    double close_term_wait = 5.0;  // after SIGTERM
};

class LocalShellTransport final : public ShellTransport, public std::enable_shared_from_this<LocalShellTransport> {
public:
    // Starts the shell. Throws nothing; an error comes back in `error`.
    static std::shared_ptr<LocalShellTransport> start(uv_loop_t *loop, const LocalShellOptions &options, Error &error);

    LocalShellTransport(uv_loop_t *loop, LocalShellOptions options);
    ~LocalShellTransport() override;

    void set_listener(Listener *listener) override { listener_ = listener; }
    void write(std::string bytes, std::function<void(int status)> written) override;
    void interrupt() override;
    void pause_reading() override;
    void resume_reading() override;
    void close(bool graceful, std::function<void()> closed) override;

    pid_t pid() const { return pid_; }

private:
    struct WriteRequest;

    Error spawn();
    void start_reading();
    void on_read(ssize_t nread, const uv_buf_t *buf);
    void on_child_exit();
    void drain_output();
    void report_loss(LossReason reason);
    void escalate(int signal, double then_wait);
    void finish_close();

    uv_loop_t *loop_;
    LocalShellOptions options_;
    Listener *listener_ = nullptr;

    UvHandle<uv_process_t> process_;
    UvHandle<uv_pipe_t> output_;  // PTY master, or the stdout+stderr pipe
    UvHandle<uv_pipe_t> input_;   // stdin pipe (pipe mode only)
    int output_fd_ = -1;
    pid_t pid_ = 0;
    bool exited_ = false;
    bool lost_ = false;
    bool reading_ = false;
    bool paused_ = false;

    bool closing_ = false;
    std::function<void()> closed_;
    std::shared_ptr<LocalShellTransport> keep_alive_;  // while closing
    Timer escalation_;
    Deferred deferred_;

    char read_buffer_[64 * 1024];
};

}  // namespace otto
