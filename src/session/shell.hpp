// One live shell behind one transport: the session protocol's state machine
// (SESSION-PROTOCOL §3-§9). It handshakes, runs framed commands with their
// timeouts and recovery, and serves send/expect. It runs one activity at a
// time; queueing callers is the Session's job. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "session/command_reader.hpp"
#include "session/frame.hpp"
#include "session/line_buffer.hpp"
#include "session/markers.hpp"
#include "session/pattern.hpp"
#include "session/result.hpp"
#include "transport/shell_transport.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace otto {

struct ShellTimings {
    double handshake = 3.0;
    double handshake_resend = 0.5;
    double interrupt_wait = 0.1;
    double recover_resend = 0.5;
    double recover = 5.0;
};

struct ShellConfig {
    ShellTimings timings;
    bool keep_history = false;
    // Returns a token that keeps the context's loop running until released;
    // held while a transport finishes closing in the background.
    std::function<std::shared_ptr<void>()> hold_loop;
};

struct CommandSpec {
    std::string command;
    double timeout = 30.0;
    const std::vector<Expect> *expects = nullptr;
    uint64_t retain_limit = CommandReader::kDefaultRetainLimit;
    // Lines up to this long stay whole (util/line_pieces.hpp); 0: as long
    // as the retain limit. A console one-shot keeps little of the frame but
    // reads its tagged lines whole, up to its own output limit.
    uint64_t line_limit = 0;
};

enum class ShellState { New, Handshaking, Ready, Busy, Recovering, Dead, Closed };

// What the shell tells its owner as it goes.
class ShellObserver {
public:
    virtual void on_output_line(std::string_view line) = 0;
    virtual void on_expect_fired(const Expect &expect) = 0;
    virtual void on_state_changed(ShellState state) = 0;

protected:
    ~ShellObserver() = default;
};

class Shell final : private ShellTransport::Listener, private CommandReader::Sink {
public:
    using ReadyCallback = std::function<void(Error)>;
    using RunCallback = std::function<void(CommandResult)>;
    using RecoverCallback = std::function<void(bool recovered)>;
    using SendCallback = std::function<void(Error)>;
    using ExpectCallback = std::function<void(std::string match, Error)>;

    Shell(uv_loop_t *loop, ShellConfig config, ShellObserver *observer);
    ~Shell();
    Shell(const Shell &) = delete;
    Shell &operator=(const Shell &) = delete;

    ShellState state() const { return state_; }
    bool alive() const {
        return state_ == ShellState::Ready || state_ == ShellState::Busy || state_ == ShellState::Recovering;
    }
    // A command was abandoned mid-flight (a cancel): recover() before reuse.
    bool needs_recovery() const { return needs_recovery_; }

    // Each of these starts one activity; its callback runs exactly once, on
    // a later turn of the loop than the call, unless abandon() or close()
    // comes first.
    void start(std::shared_ptr<ShellTransport> transport, ReadyCallback ready);
    void run(const CommandSpec &spec, RunCallback done);
    void recover(RecoverCallback done);
    void send(std::string bytes, SendCallback done);
    void expect(Pattern pattern, double timeout, ExpectCallback done);

    // Drops the current activity's callback without any I/O (§8.3). An
    // abandoned command leaves the shell needing recovery.
    void abandon();

    // Ends the shell: no callback of the current activity runs. Graceful
    // closes ask an idle shell to exit first. `closed` runs once the
    // transport has released everything.
    void close(bool graceful, std::function<void()> closed);

    // Flow control for slow consumers of streamed output.
    void pause_input();
    void resume_input();

private:
    enum class Activity { None, Handshake, Settle, Command, Recover, Expect, Send };

    // ShellTransport::Listener
    void on_transport_data(const char *data, size_t size) override;
    void on_transport_lost(LossReason reason) override;
    void take_transport_data(const char *data, size_t size);
    // An exception while taking data (out of memory): the shell is lost.
    void lose_to(Error failure);
    void end_lost_activity(Activity activity, const Error &lost);
    // CommandReader::Sink
    void on_output_line(std::string_view line) override;
    void on_expect_matched(const Expect &expect) override;

    void set_state(ShellState state);
    void write(std::string bytes);
    void stop_timers();
    void kill_transport();

    std::shared_ptr<void> hold_loop() const;
    void resend_handshake_probe();
    void check_ready();
    void handshake_failed(Error error);
    void send_settle_probe();
    void check_settled();
    void write_frame();
    void start_probing();
    void finish_command();
    void on_command_timeout();
    void begin_recovery();
    void send_recover_probe();
    void check_recovered();
    void recovery_finished(bool recovered);
    void check_expect();
    void scrub_marker_lines();
    void apply_input_pause();

    CommandResult command_result(int32_t status, int32_t retcode, std::string output) const;
    // Completes the running command as an Error result (timeout, loss).
    void fail_command(const std::string &headline);

    uv_loop_t *loop_;
    ShellConfig config_;
    ShellObserver *observer_;
    Token token_;
    std::shared_ptr<ShellTransport> transport_;
    LineBuffer buffer_;
    ShellState state_ = ShellState::New;
    Activity activity_ = Activity::None;
    bool needs_recovery_ = false;

    Timer deadline_;
    Timer resend_;
    Deferred deferred_;

    // Handshake
    std::string probe_;
    size_t ready_scan_ = 0;
    ReadyCallback ready_done_;

    // Command
    CommandSpec spec_;
    std::unique_ptr<CommandReader> reader_;
    // The last command's output size: the next one's first guess (a loop
    // that runs the same command sizes its output once, not by doubling).
    size_t last_output_size_ = 0;
    Clock::time_point started_{};
    bool timed_out_ = false;
    int failure_code_ = 0;  // lose_to(): the command's op fails with it
    RunCallback run_done_;

    // Recovery (after a timeout, or standalone after a cancel), and settling
    // after send(): the kind of RECOVER reply the probes ask for.
    std::string recover_kind_;
    RecoverCallback recover_done_;

    // Send
    SendCallback send_done_;
    bool sent_since_frame_ = false;  // the next run() settles the shell first

    // Expect
    std::optional<Pattern> expect_pattern_;
    size_t expect_scanned_ = 0;
    ExpectCallback expect_done_;

    // Idle housekeeping
    size_t scrub_pos_ = 0;
    bool paused_by_consumer_ = false;
    bool paused_idle_full_ = false;
    bool input_paused_ = false;
};

}  // namespace otto
