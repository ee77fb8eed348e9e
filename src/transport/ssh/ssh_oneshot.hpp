// A one-shot command over SSH: an exec channel without a PTY, so stdout and
// stderr stay apart and the result carries the exit status or signal. Its
// stdin is empty (as with `ssh -n`): a command reading it ends at once. The
// timeout covers getting the channel too (connecting, queueing for a slot).
#pragma once

#include <memory>
#include <string>

#include "host/host_backend.hpp"
#include "loop/timer.hpp"
#include "transport/oneshot_output.hpp"
#include "transport/ssh/remote_process_group.hpp"
#include "transport/ssh/ssh_channel.hpp"
#include "util/clock.hpp"

namespace otto {

class SshOneshot final : public OneshotHandle,
                         private SshChannel::Listener,
                         public std::enable_shared_from_this<SshOneshot> {
public:
    using Done = std::function<void(CommandResult)>;

    SshOneshot(uv_loop_t *loop, OneshotSpec spec, OneshotLineSink lines, Done done);
    ~SshOneshot() override;

    // What the exec channel runs: the command, after a statement telling
    // its shell's pid, so that a timeout, a cancel or a closed host can end
    // everything the command started.
    static std::string command_line(const std::string &command);

    // Starts the timeout; then the backend hands over the channel (or an
    // error) with attach().
    void start();
    void attach(std::shared_ptr<SshChannel> channel, Error error);
    void cancel() override;
    void pause_output() override;
    void resume_output() override;
    bool finished() const { return finished_; }
    void on_give_up(std::function<void()> fn) { give_up_ = std::move(fn); }

private:
    using Stream = OneshotOutput;

    void on_channel_data(const char *data, size_t size, bool is_stderr) override;
    void on_channel_ended(LossReason reason) override;
    void on_channel_exit_status(int status) override { exit_status_ = status; }
    void on_channel_exit_signal(const std::string &signal) override { exit_signal_ = signal; }
    void take_output(std::string_view bytes, bool is_stderr);
    // Ends the command's whole process group on the server.
    void kill_remote();
    void finish(CommandResult result);
    CommandResult result_with(int32_t status, int32_t retcode, const std::string &headline, bool timed_out);

    OneshotSpec spec_;
    OneshotLineSink line_sink_;
    Done done_;
    Timer timeout_;
    Clock::time_point started_;
    std::shared_ptr<SshChannel> channel_;
    Stream out_;
    Stream err_;
    PidAnnouncement pid_;  // the first line of stdout (see SshOneshot::command_line)
    std::optional<int> exit_status_;
    std::optional<std::string> exit_signal_;
    bool finished_ = false;
    bool paused_ = false;  // pause_output(): the channel's data stays in libssh
    std::function<void()> give_up_;
};

}  // namespace otto
