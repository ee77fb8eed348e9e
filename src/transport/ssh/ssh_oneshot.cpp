#include "transport/ssh/ssh_oneshot.hpp"

#include "loop/loop_guard.hpp"
#include "otto.h"
#include "util/signals.hpp"

namespace otto {

namespace {
// The pid's line comes first; this much output without it means it never will.
constexpr size_t kPidScanLimit = 4096;
}  // namespace

SshOneshot::SshOneshot(uv_loop_t *loop, OneshotSpec spec, OneshotLineSink lines, Done done)
    : spec_(std::move(spec)), line_sink_(std::move(lines)), done_(std::move(done)), timeout_(loop),
      started_(Clock::now()), pid_(kPidScanLimit) {
    out_.size_guess = spec_.output_guess;
    out_.bound_lines(spec_.retain_limit);
    err_.bound_lines(spec_.retain_limit);
}

std::string SshOneshot::command_line(const std::string &command) {
    // On a line of its own: the command follows verbatim.
    return announce_pid_statement() + "\n" + command;
}

SshOneshot::~SshOneshot() {
    if (channel_) {
        channel_->set_listener(nullptr);
        channel_->close();
    }
}

void SshOneshot::start() {
    timeout_.start(spec_.timeout, [this] {
        auto self = shared_from_this();
        if (channel_) channel_->take_arrived();  // output already here counts
        if (finished_) return;                   // ...and it may have been the end
        if (channel_) {
            // Without a PTY, closing the channel alone would leave the command
            // running on the server.
            kill_remote();
        } else if (give_up_) {
            give_up_();  // still waiting for a connection or a slot
        }
        finish(result_with(OTTO_STATUS_ERROR, -1, "timed out after " + format_seconds(spec_.timeout) + " s", true));
    });
}

void SshOneshot::attach(std::shared_ptr<SshChannel> channel, Error error) {
    if (finished_) {
        if (channel) channel->close();
        return;
    }
    if (error) {
        // Could not even start the command: an Error result naming why.
        finish(result_with(OTTO_STATUS_ERROR, -1, error.message, false));
        return;
    }
    channel_ = std::move(channel);
    if (paused_) channel_->pause();
    channel_->set_listener(this);
    channel_->close_stdin();
}

void SshOneshot::kill_remote() {
    // Servers with privilege separation honour a signal request; a kill of
    // the process group over another channel works on all of them.
    channel_->send_signal("KILL");
    auto connection = channel_->connection();
    if (connection && !pid_.pid().empty()) signal_remote_group(*connection, pid_.pid(), "KILL");
}

void SshOneshot::pause_output() {
    paused_ = true;
    if (channel_) channel_->pause();
}

void SshOneshot::resume_output() {
    paused_ = false;
    if (channel_) channel_->resume();
}

void SshOneshot::on_channel_data(const char *data, size_t size, bool is_stderr) {
    Error failure = catch_failure([&] {
        std::string_view bytes(data, size);
        if (is_stderr || pid_.done()) {
            take_output(bytes, is_stderr);
            return;
        }
        pid_.feed(bytes, [this](std::string_view rest) { take_output(rest, false); });
    });
    if (!failure || finished_) return;
    // The output can no longer be followed: the command ends at once, its
    // output goes (it may be what exhausted memory), and its op fails.
    if (channel_) kill_remote();
    out_ = Stream();
    err_ = Stream();
    CommandResult r = result_with(OTTO_STATUS_ERROR, -1, failure.message, false);
    r.op_error = failure.code;
    finish(std::move(r));
}

void SshOneshot::take_output(std::string_view bytes, bool is_stderr) {
    Stream &s = is_stderr ? err_ : out_;
    s.keep(bytes, spec_.retain_limit);
    otto_event_kind_t kind = is_stderr ? OTTO_EVENT_STDERR_LINE : OTTO_EVENT_OUTPUT_LINE;
    if (line_sink_) s.lines.feed(bytes, [&](std::string_view line) { line_sink_(kind, line); });
}

void SshOneshot::on_channel_ended(LossReason reason) {
    pid_.flush([this](std::string_view bytes) { take_output(bytes, false); });
    if (line_sink_) {
        out_.lines.flush([&](std::string_view line) { line_sink_(OTTO_EVENT_OUTPUT_LINE, line); });
        err_.lines.flush([&](std::string_view line) { line_sink_(OTTO_EVENT_STDERR_LINE, line); });
    }
    if (exit_signal_) {
        int sig = signal_number(*exit_signal_);
        auto r = result_with(OTTO_STATUS_FAILED, sig > 0 ? 128 + sig : -1, "", false);
        r.signal = *exit_signal_;
        finish(std::move(r));
    } else if (exit_status_) {
        finish(result_with(*exit_status_ == 0 ? OTTO_STATUS_SUCCESS : OTTO_STATUS_FAILED, *exit_status_, "", false));
    } else {
        // The channel ended without a status: the connection went away.
        finish(result_with(OTTO_STATUS_ERROR, -1,
                           std::string("connection lost before the command finished (") + loss_text(reason) + ")",
                           false));
    }
}

CommandResult SshOneshot::result_with(int32_t status, int32_t retcode, const std::string &headline, bool timed_out) {
    CommandResult r;
    r.command = spec_.command;
    r.status = status;
    r.retcode = retcode;
    r.timed_out = timed_out;
    r.duration = seconds_since(started_);
    // A headline (timeout, failure) comes first, then what was printed.
    r.output = headline_then(headline, out_.take_text());
    r.stderr_output = err_.take_text();
    return r;
}

void SshOneshot::finish(CommandResult result) {
    if (finished_) return;
    auto self = shared_from_this();  // the owner may drop us from inside `done`
    finished_ = true;
    timeout_.stop();
    if (channel_) {
        channel_->set_listener(nullptr);
        channel_->close();
        channel_.reset();
    }
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(result));
}

void SshOneshot::cancel() {
    done_ = nullptr;
    line_sink_ = nullptr;
    if (channel_) kill_remote();
    if (!channel_ && give_up_) give_up_();
    finish({});
}

}  // namespace otto
