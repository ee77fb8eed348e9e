#include "transport/local/local_shell.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "loop/stream_reading.hpp"
#include "otto.h"
#include "transport/local/process_util.hpp"

namespace otto {

namespace {
// Wide enough that line editors never wrap what otto types (§13.1 asks SSH
// for at least 200 columns; telnet defaults to 400).
constexpr unsigned short kPtyColumns = 400;
constexpr unsigned short kPtyRows = 24;

Error start_error(const std::string &what, int uv_code) {
    return Error(OTTO_ECONNECT, "could not start the local shell: " + what + ": " + uv_strerror(uv_code));
}
}  // namespace

struct LocalShellTransport::WriteRequest {
    uv_write_t request{};
    std::string data;
    std::function<void(int)> written;
    std::weak_ptr<LocalShellTransport> owner;
};

std::shared_ptr<LocalShellTransport> LocalShellTransport::start(uv_loop_t *loop, const LocalShellOptions &options,
                                                                Error &error) {
    auto transport = std::make_shared<LocalShellTransport>(loop, options);
    error = transport->spawn();
    if (error) {
        transport->close(false, [] {});
        return nullptr;
    }
    return transport;
}

LocalShellTransport::LocalShellTransport(uv_loop_t *loop, LocalShellOptions options)
    : loop_(loop), options_(std::move(options)), escalation_(loop), deferred_(loop) {}

LocalShellTransport::~LocalShellTransport() {
    // close() normally ran and the child was reaped; if not, do not leave a
    // shell behind.
    if (pid_ > 0 && !exited_) signal_session(pid_, SIGKILL);
}

Error LocalShellTransport::spawn() {
    std::vector<std::string> args;
    if (options_.pty) {
        // setsid(1) -c makes the PTY the shell's controlling terminal, so that
        // 0x03 reaches the foreground job as SIGINT.
        args = {"setsid", "-c"};
    }
    args.insert(args.end(), options_.argv.begin(), options_.argv.end());
    CStringArray argv(args);
    // §12.1: no BASH_ENV or ENV, so nothing runs before the handshake.
    CStringArray env(environment_with({"BASH_ENV", "ENV"}, {"TERM=dumb"}));

    int child_fds[3] = {-1, -1, -1};
    int parent_out = -1, parent_in = -1;
    auto close_fd = [](int &fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    };

    if (options_.pty) {
        int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0) return start_error("posix_openpt", uv_translate_sys_error(errno));
        char name[128];
        if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0) {
            int err = errno;
            ::close(master);
            return start_error("preparing the PTY", uv_translate_sys_error(err));
        }
        int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0) {
            int err = errno;
            ::close(master);
            return start_error("opening the PTY", uv_translate_sys_error(err));
        }
        struct winsize size {};
        size.ws_row = kPtyRows;
        size.ws_col = kPtyColumns;
        ioctl(master, TIOCSWINSZ, &size);
        child_fds[0] = child_fds[1] = child_fds[2] = slave;
        parent_out = master;
    } else {
        uv_file in[2], out[2];
        int rc = uv_pipe(in, 0, 0);
        if (rc != 0) return start_error("stdin pipe", rc);
        rc = uv_pipe(out, 0, 0);
        if (rc != 0) {
            ::close(in[0]);
            ::close(in[1]);
            return start_error("stdout pipe", rc);
        }
        child_fds[0] = in[0];
        child_fds[1] = child_fds[2] = out[1];
        parent_in = in[1];
        parent_out = out[0];
    }

    uv_stdio_container_t stdio[3];
    for (int i = 0; i < 3; ++i) {
        stdio[i].flags = UV_INHERIT_FD;
        stdio[i].data.fd = child_fds[i];
    }
    uv_process_options_t spawn_options{};
    spawn_options.file = argv.data()[0];
    spawn_options.args = argv.data();
    spawn_options.env = env.data();
    spawn_options.stdio_count = 3;
    spawn_options.stdio = stdio;
    // On pipes the shell leads a new session of its own so that closing can
    // reach everything it started; on a PTY setsid(1) does that.
    spawn_options.flags = options_.pty ? 0 : UV_PROCESS_DETACHED;
    spawn_options.exit_cb = [](uv_process_t *handle, int64_t, int) {
        if (auto *self = static_cast<LocalShellTransport *>(handle->data)) self->on_child_exit();
    };
    int rc = uv_spawn(loop_, process_.get(), &spawn_options);
    process_.mark_initialized();  // uv_spawn initialises the handle even on failure
    process_.get()->data = this;

    close_fd(child_fds[0]);
    if (child_fds[1] != child_fds[0]) close_fd(child_fds[1]);
    if (rc != 0) {
        exited_ = true;
        close_fd(parent_in);
        close_fd(parent_out);
        std::string what = "starting " + args[0];
        if (rc == UV_ENOENT && options_.pty) what += " (setsid from util-linux is needed for PTY shells)";
        return start_error(what, rc);
    }
    pid_ = process_.get()->pid;

    uv_pipe_init(loop_, output_.get(), 0);
    output_.mark_initialized();
    output_.get()->data = this;
    uv_pipe_open(output_.get(), parent_out);
    output_fd_ = parent_out;
    if (parent_in >= 0) {
        uv_pipe_init(loop_, input_.get(), 0);
        input_.mark_initialized();
        input_.get()->data = this;
        uv_pipe_open(input_.get(), parent_in);
    }
    start_reading();
    return {};
}

void LocalShellTransport::start_reading() {
    if (reading_ || lost_ || !output_.initialized()) return;
    reading_ = true;
    start_stream_reading<LocalShellTransport, &LocalShellTransport::read_buffer_, &LocalShellTransport::on_read>(
        output_.stream());
}

void LocalShellTransport::on_read(ssize_t nread, const uv_buf_t *buf) {
    if (nread > 0) {
        if (listener_ != nullptr) listener_->on_transport_data(buf->base, static_cast<size_t>(nread));
        return;
    }
    if (nread == 0) return;
    // EOF on a pipe; EIO on a PTY master once the last slave fd is closed.
    report_loss(LossReason::Eof);
}

void LocalShellTransport::drain_output() {
    // The child has exited; what it wrote last may still sit in the pipe or
    // PTY. Read it now, before the loss is reported (the fd is non-blocking).
    if (output_fd_ < 0 || lost_) return;
    while (true) {
        ssize_t n = ::read(output_fd_, read_buffer_, sizeof read_buffer_);
        if (n <= 0) break;
        if (listener_ != nullptr) listener_->on_transport_data(read_buffer_, static_cast<size_t>(n));
    }
}

void LocalShellTransport::on_child_exit() {
    exited_ = true;
    if (closing_) {
        finish_close();
        return;
    }
    drain_output();
    report_loss(LossReason::Eof);
}

void LocalShellTransport::report_loss(LossReason reason) {
    if (lost_) return;
    lost_ = true;
    if (reading_ && output_.initialized()) uv_read_stop(output_.stream());
    reading_ = false;
    if (listener_ != nullptr) listener_->on_transport_lost(reason);
}

void LocalShellTransport::write(std::string bytes, std::function<void(int status)> written) {
    uv_stream_t *stream = options_.pty ? output_.stream() : input_.stream();
    if (lost_ || closing_ || stream == nullptr || pid_ == 0) {
        deferred_.call([written = std::move(written)] {
            if (written) written(UV_EPIPE);
        });
        return;
    }
    auto *request = new WriteRequest;
    request->data = std::move(bytes);
    request->written = std::move(written);
    request->owner = weak_from_this();
    request->request.data = request;
    uv_buf_t buf = uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
    int rc = uv_write(&request->request, stream, &buf, 1, [](uv_write_t *req, int status) {
        std::unique_ptr<WriteRequest> done(static_cast<WriteRequest *>(req->data));
        auto owner = done->owner.lock();
        if (done->written) done->written(status);
        if (owner && status < 0 && status != UV_ECANCELED) owner->report_loss(LossReason::BrokenPipe);
    });
    if (rc != 0) {
        std::unique_ptr<WriteRequest> failed(request);
        auto weak = weak_from_this();
        deferred_.call([weak, written = std::move(failed->written), rc] {
            if (written) written(rc);
            if (auto self = weak.lock()) self->report_loss(LossReason::BrokenPipe);
        });
    }
}

void LocalShellTransport::interrupt() {
    if (options_.pty) {
        write(std::string(1, '\x03'), {});
        return;
    }
    // Pipes: no terminal to carry ^C, so signal the shell's direct children
    // (grandchildren survive; §12.2).
    for (pid_t child : children_of(pid_)) signal_process(child, SIGINT);
}

void LocalShellTransport::pause_reading() {
    paused_ = true;
    if (reading_ && output_.initialized()) uv_read_stop(output_.stream());
    reading_ = false;
}

void LocalShellTransport::resume_reading() {
    if (!paused_) return;
    paused_ = false;
    start_reading();
}

void LocalShellTransport::close(bool graceful, std::function<void()> closed) {
    listener_ = nullptr;
    if (closing_) {
        // A second close only adds its callback.
        add_closed_callback(closed_, std::move(closed));
        if (!graceful && !exited_) signal_session(pid_, SIGKILL);
        return;
    }
    if (graceful && !lost_ && !exited_ && pid_ != 0) write("exit\n", {});
    closing_ = true;
    closed_ = std::move(closed);
    keep_alive_ = shared_from_this();
    if (exited_ || pid_ == 0) {
        deferred_.call([this] { finish_close(); });
        return;
    }
    if (graceful && !lost_) {
        escalate(SIGTERM, options_.close_exit_wait);
    } else {
        signal_session(pid_, SIGKILL);
    }
}

void LocalShellTransport::escalate(int signal, double after) {
    escalation_.start(after, [this, signal] {
        if (exited_) return;
        if (signal == SIGTERM) {
            // An interactive shell ignores SIGTERM but not SIGHUP.
            signal_session(pid_, SIGHUP);
            signal_session(pid_, SIGTERM);
            escalate(SIGKILL, options_.close_term_wait);
        } else {
            signal_session(pid_, SIGKILL);
        }
    });
}

void LocalShellTransport::finish_close() {
    escalation_.stop();
    if (reading_ && output_.initialized()) uv_read_stop(output_.stream());
    reading_ = false;
    output_.reset();
    input_.reset();
    process_.reset();
    output_fd_ = -1;
    auto closed = std::move(closed_);
    auto self = std::move(keep_alive_);  // released last
    if (closed) closed();
}

}  // namespace otto
