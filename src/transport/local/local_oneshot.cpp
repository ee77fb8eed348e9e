#include "transport/local/local_oneshot.hpp"

#include <signal.h>
#include <string.h>

#include <utility>

#include "loop/loop_guard.hpp"
#include "otto.h"
#include "transport/local/process_util.hpp"
#include "util/signals.hpp"

namespace otto {

namespace {
// After the process exits, how long to wait for its pipes to close: a
// background child may keep them open indefinitely.
constexpr double kEofGrace = 0.1;
}  // namespace

std::shared_ptr<LocalOneshot> LocalOneshot::start(uv_loop_t *loop, std::vector<std::string> argv,
                                                  const OneshotSpec &spec, OneshotLineSink lines, Done done,
                                                  std::shared_ptr<void> hold) {
    auto oneshot = std::make_shared<LocalOneshot>(loop, spec, std::move(lines), std::move(done), std::move(hold));
    oneshot->keep_alive_ = oneshot;
    oneshot->spawn(std::move(argv));
    return oneshot;
}

LocalOneshot::LocalOneshot(uv_loop_t *loop, OneshotSpec spec, OneshotLineSink lines, Done done,
                           std::shared_ptr<void> hold)
    : loop_(loop), spec_(std::move(spec)), line_sink_(std::move(lines)), done_(std::move(done)), hold_(std::move(hold)),
      timeout_(loop), grace_(loop), deferred_(loop), started_(Clock::now()) {
    out_.size_guess = spec_.output_guess;
    out_.bound_lines(spec_.retain_limit);
    err_.bound_lines(spec_.retain_limit);
}

LocalOneshot::~LocalOneshot() {
    if (pid_ > 0 && !exited_) signal_session(pid_, SIGKILL);
}

void LocalOneshot::spawn(std::vector<std::string> argv) {
    CStringArray args(argv);
    CStringArray env(environment_with({"BASH_ENV", "ENV"}, {}));

    uv_pipe_init(loop_, out_.pipe.get(), 0);
    out_.pipe.mark_initialized();
    out_.pipe.get()->data = this;
    uv_pipe_init(loop_, err_.pipe.get(), 0);
    err_.pipe.mark_initialized();
    err_.pipe.get()->data = this;

    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;  // /dev/null
    stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
    stdio[1].data.stream = out_.pipe.stream();
    stdio[2].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
    stdio[2].data.stream = err_.pipe.stream();

    uv_process_options_t options{};
    options.file = args.data()[0];
    options.args = args.data();
    options.env = env.data();
    options.stdio_count = 3;
    options.stdio = stdio;
    // Its own session, so a timeout can end everything it started.
    options.flags = UV_PROCESS_DETACHED;
    options.exit_cb = [](uv_process_t *handle, int64_t status, int signal) {
        if (auto *self = static_cast<LocalOneshot *>(handle->data)) self->on_exit(status, signal);
    };
    int rc = uv_spawn(loop_, process_.get(), &options);
    process_.mark_initialized();
    process_.get()->data = this;
    if (rc != 0) {
        exited_ = true;
        fail_to_start("could not start " + argv[0] + ": " + uv_strerror(rc));
        return;
    }
    pid_ = process_.get()->pid;
    start_reading(out_, OTTO_EVENT_OUTPUT_LINE);
    start_reading(err_, OTTO_EVENT_STDERR_LINE);
    timeout_.start(spec_.timeout, [this] {
        timed_out_ = true;
        signal_session(pid_, SIGKILL);
    });
}

void LocalOneshot::start_reading(Stream &stream, otto_event_kind_t kind) {
    uv_read_start(
        stream.pipe.stream(),
        [](uv_handle_t *handle, size_t, uv_buf_t *buf) {
            auto *self = static_cast<LocalOneshot *>(handle->data);
            *buf = uv_buf_init(self->read_buffer_, sizeof self->read_buffer_);
        },
        kind == OTTO_EVENT_OUTPUT_LINE ? static_cast<uv_read_cb>([](uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
            if (auto *self = static_cast<LocalOneshot *>(s->data))
                self->on_data(self->out_, OTTO_EVENT_OUTPUT_LINE, n, buf);
        })
                                       : static_cast<uv_read_cb>([](uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
                                             if (auto *self = static_cast<LocalOneshot *>(s->data))
                                                 self->on_data(self->err_, OTTO_EVENT_STDERR_LINE, n, buf);
                                         }));
}

void LocalOneshot::on_data(Stream &stream, otto_event_kind_t kind, ssize_t nread, const uv_buf_t *buf) {
    if (Error failure = catch_failure([&] { take_data(stream, kind, nread, buf); })) lose_to(std::move(failure));
}

void LocalOneshot::lose_to(Error failure) {
    // The output can no longer be followed: the command ends at once, its
    // output goes (it may be what exhausted memory), and its op fails.
    if (finished_) return;
    failure_ = std::move(failure);
    if (!exited_ && pid_ > 0) signal_session(pid_, SIGKILL);
    for (Stream *stream : {&out_, &err_}) static_cast<OneshotOutput &>(*stream) = OneshotOutput();
    finish();
}

void LocalOneshot::take_data(Stream &stream, otto_event_kind_t kind, ssize_t nread, const uv_buf_t *buf) {
    if (nread > 0) {
        std::string_view data(buf->base, static_cast<size_t>(nread));
        stream.keep(data, spec_.retain_limit);
        if (line_sink_ && done_) stream.lines.feed(data, [&](std::string_view line) { line_sink_(kind, line); });
        return;
    }
    if (nread == 0) return;
    stream.eof = true;
    uv_read_stop(stream.pipe.stream());
    if (line_sink_ && done_) stream.lines.flush([&](std::string_view line) { line_sink_(kind, line); });
    maybe_finish();
}

void LocalOneshot::on_exit(int64_t status, int signal) {
    exited_ = true;
    exit_status_ = status;
    term_signal_ = signal;
    timeout_.stop();
    start_eof_grace();
    maybe_finish();
}

void LocalOneshot::start_eof_grace() {
    // While paused the pipes still hold output: the grace starts on resume.
    if (exited_ && !paused_ && (!out_.eof || !err_.eof)) grace_.start(kEofGrace, [this] { finish(); });
}

void LocalOneshot::pause_output() {
    if (paused_ || finished_) return;
    paused_ = true;
    grace_.stop();
    for (Stream *stream : {&out_, &err_})
        if (!stream->eof) uv_read_stop(stream->pipe.stream());
}

void LocalOneshot::resume_output() {
    if (!paused_ || finished_) return;
    paused_ = false;
    if (!out_.eof) start_reading(out_, OTTO_EVENT_OUTPUT_LINE);
    if (!err_.eof) start_reading(err_, OTTO_EVENT_STDERR_LINE);
    start_eof_grace();
}

void LocalOneshot::maybe_finish() {
    if (exited_ && out_.eof && err_.eof) finish();
}

void LocalOneshot::finish() {
    if (finished_) return;
    finished_ = true;
    grace_.stop();
    timeout_.stop();

    CommandResult r;
    r.command = spec_.command;
    r.duration = seconds_since(started_);
    r.output = out_.take_text();
    r.stderr_output = err_.take_text();
    if (timed_out_) {
        r.status = OTTO_STATUS_ERROR;
        r.retcode = -1;
        r.timed_out = true;
        r.output =
            "timed out after " + format_seconds(spec_.timeout) + " s" + (r.output.empty() ? "" : "\n" + r.output);
    } else if (term_signal_ != 0) {
        r.status = OTTO_STATUS_FAILED;
        r.retcode = 128 + term_signal_;
        r.signal = signal_name(term_signal_);
    } else {
        r.retcode = static_cast<int32_t>(exit_status_);
        r.status = exit_status_ == 0 ? OTTO_STATUS_SUCCESS : OTTO_STATUS_FAILED;
    }
    if (failure_) {
        r.status = OTTO_STATUS_ERROR;
        r.retcode = -1;
        r.output = failure_.message;
        r.op_error = failure_.code;
    }

    out_.pipe.reset();
    err_.pipe.reset();
    process_.reset();
    auto done = std::move(done_);
    done_ = nullptr;
    auto self = std::move(keep_alive_);
    if (done) done(std::move(r));
}

void LocalOneshot::fail_to_start(const std::string &message) {
    finished_ = true;
    CommandResult r = unsent_result(spec_.command, OTTO_STATUS_ERROR, message);
    out_.pipe.reset();
    err_.pipe.reset();
    process_.reset();
    deferred_.call([self = std::move(keep_alive_), r] {
        if (auto done = std::move(self->done_)) done(r);
    });
}

void LocalOneshot::cancel() {
    done_ = nullptr;
    line_sink_ = nullptr;
    if (!exited_ && pid_ > 0) signal_session(pid_, SIGKILL);
    if (exited_ && !finished_) finish();
}

}  // namespace otto
