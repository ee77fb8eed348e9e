#include "session/shell.hpp"

#include <algorithm>
#include <utility>

#include "loop/loop_guard.hpp"
#include "otto.h"
#include "util/headline.hpp"
#include "util/line_pieces.hpp"
#include "util/printable.hpp"

namespace otto {

namespace {
// While nobody reads, keep at most this much output before pushing back on
// the shell (it then blocks on its writes; nothing is lost).
constexpr size_t kIdleBufferLimit = 8u << 20;
}  // namespace

Shell::Shell(uv_loop_t *loop, ShellConfig config, ShellObserver *observer)
    : loop_(loop), config_(config), observer_(observer), token_(Token::generate()), deadline_(loop), resend_(loop),
      deferred_(loop) {}

Shell::~Shell() {
    if (transport_) kill_transport();
}

void Shell::set_state(ShellState state) {
    if (state_ == state) return;
    state_ = state;
    if (observer_ != nullptr) observer_->on_state_changed(state);
}

void Shell::write(std::string bytes) {
    if (transport_) transport_->write(std::move(bytes));
}

void Shell::stop_timers() {
    deadline_.stop();
    resend_.stop();
}

void Shell::kill_transport() {
    if (!transport_) return;
    auto transport = std::move(transport_);
    transport->set_listener(nullptr);
    transport->close(false, [token = hold_loop()] {});
}

std::shared_ptr<void> Shell::hold_loop() const { return config_.hold_loop ? config_.hold_loop() : nullptr; }

// --- handshake (§3) ---------------------------------------------------------

void Shell::start(std::shared_ptr<ShellTransport> transport, ReadyCallback ready) {
    transport_ = std::move(transport);
    transport_->set_listener(this);
    ready_done_ = std::move(ready);
    activity_ = Activity::Handshake;
    set_state(ShellState::Handshaking);
    probe_ = handshake_probe(token_, config_.keep_history);
    write(probe_);
    // Resending is required: login(1) flushes typed-ahead input (§3.3).
    resend_handshake_probe();
    deadline_.start(config_.timings.handshake, [this] {
        handshake_failed(
            Error(OTTO_EHANDSHAKE, "shell never became ready within " + format_seconds(config_.timings.handshake) +
                                       " s (wrong credentials, a login shell that is not POSIX, or a slow login "
                                       "banner); last output: \"" +
                                       printable_tail(buffer_.view()) + "\""));
    });
}

void Shell::resend_handshake_probe() {
    resend_.start(config_.timings.handshake_resend, [this] {
        write(probe_);
        resend_handshake_probe();
    });
}

void Shell::check_ready() {
    std::string_view view = buffer_.view();
    const std::string &ready = token_.ready();
    size_t from = ready_scan_ >= ready.size() ? ready_scan_ - ready.size() : 0;
    while (true) {
        size_t at = view.find(ready, from);
        if (at == std::string_view::npos) break;
        if (at_line_start(view, at)) {
            stop_timers();
            buffer_.clear();  // late probe replies are dropped later (§5.8)
            ready_scan_ = 0;
            activity_ = Activity::None;
            transport_->handshake_done();
            set_state(ShellState::Ready);
            auto done = std::move(ready_done_);
            done(Error());
            return;
        }
        from = at + 1;
    }
    ready_scan_ = view.size();
}

void Shell::handshake_failed(Error error) {
    stop_timers();
    activity_ = Activity::None;
    set_state(ShellState::Dead);
    kill_transport();
    auto done = std::move(ready_done_);
    if (done) done(std::move(error));
}

// --- commands (§4-§6) -------------------------------------------------------

void Shell::run(const CommandSpec &spec, RunCallback done) {
    spec_ = spec;
    run_done_ = std::move(done);
    buffer_.clear();  // prompts, leftovers, late replies (§5.1)
    scrub_pos_ = 0;
    timed_out_ = false;
    failure_code_ = OTTO_OK;
    paused_idle_full_ = false;
    // A consumer's pause belonged to the command before (it may have ended
    // in the chunk that paused it); this one's lines pause anew if need be.
    paused_by_consumer_ = false;
    apply_input_pause();
    set_state(ShellState::Busy);
    started_ = Clock::now();
    deadline_.start(spec_.timeout, [this] { on_command_timeout(); });
    if (!sent_since_frame_) {
        write_frame();
        return;
    }
    // Bytes sent raw since the last command may have ended a program that
    // had the terminal in raw mode (a REPL's exit()). Text typed meanwhile
    // keeps its CR line ends untranslated there, and on a console whose
    // newline is a lone CR the frame would never form a line. Settle first:
    // probe until the shell itself answers, then frame the command.
    activity_ = Activity::Settle;
    reader_.reset();
    start_probing();
    send_settle_probe();
}

void Shell::send_settle_probe() {
    write(recover_probe(token_, recover_kind_));
    resend_.start(config_.timings.recover_resend, [this] { send_settle_probe(); });
}

void Shell::check_settled() {
    if (!reader_->feed_until_recovered(buffer_, recover_kind_)) return;
    resend_.stop();
    sent_since_frame_ = false;
    buffer_.clear();
    scrub_pos_ = 0;
    write_frame();
}

void Shell::write_frame() {
    // Fresh markers for every frame: nothing an earlier command left behind
    // can end or fill this one.
    FrameMarkers markers = FrameMarkers::draw(token_);
    std::string frame = command_frame(token_, markers, spec_.command);
    reader_ = std::make_unique<CommandReader>(token_, std::move(markers), spec_.expects, spec_.retain_limit);
    reader_->expect_output_size(last_output_size_);
    if (spec_.line_limit != 0) reader_->hold_lines_up_to(line_piece_size(spec_.line_limit));
    activity_ = Activity::Command;
    write(std::move(frame));
}

// Each recovery and each settling probes for a RECOVER reply of its own
// kind. The timed-out command's reader goes on collecting its output;
// otherwise a reader with the markers of a frame never sent, which only the
// reply ends.
void Shell::start_probing() {
    recover_kind_ = draw_recover_kind();
    if (!reader_) reader_ = std::make_unique<CommandReader>(token_, FrameMarkers::draw(token_), nullptr, 0);
}

void Shell::on_output_line(std::string_view line) {
    if (observer_ != nullptr) observer_->on_output_line(line);
}

void Shell::on_expect_matched(const Expect &expect) {
    write(expect.response);
    if (observer_ != nullptr) observer_->on_expect_fired(expect);
}

CommandResult Shell::command_result(int32_t status, int32_t retcode, std::string output) const {
    CommandResult r;
    r.command = spec_.command;
    r.status = status;
    r.retcode = retcode;
    r.output = std::move(output);
    r.timed_out = timed_out_;
    r.duration = seconds_since(started_);
    r.op_error = failure_code_;
    return r;
}

void Shell::fail_command(const std::string &headline) {
    // The headline, then what the command printed before it was cut short.
    std::string output = headline_then(headline, reader_ ? reader_->take_output() : std::string());
    auto result = command_result(OTTO_STATUS_ERROR, -1, std::move(output));
    reader_.reset();
    auto done = std::move(run_done_);
    done(std::move(result));
}

void Shell::finish_command() {
    stop_timers();
    int code = reader_->exit_code();
    auto result = command_result(code == 0 ? OTTO_STATUS_SUCCESS : OTTO_STATUS_FAILED, code, reader_->take_output());
    last_output_size_ = result.output.size();
    reader_.reset();
    activity_ = Activity::None;
    set_state(ShellState::Ready);
    auto done = std::move(run_done_);
    done(std::move(result));
}

void Shell::on_command_timeout() {
    timed_out_ = true;
    begin_recovery();
}

// --- recovery (§7) ----------------------------------------------------------

void Shell::recover(RecoverCallback done) {
    recover_done_ = std::move(done);
    if (!alive() || !transport_) {
        deferred_.call([this] { recovery_finished(false); });
        return;
    }
    buffer_.clear();
    scrub_pos_ = 0;
    reader_.reset();
    timed_out_ = false;
    begin_recovery();
}

void Shell::begin_recovery() {
    stop_timers();
    activity_ = Activity::Recover;
    set_state(ShellState::Recovering);
    // Recovery must read whatever the command still prints.
    paused_by_consumer_ = false;
    paused_idle_full_ = false;
    apply_input_pause();
    start_probing();
    transport_->interrupt();
    resend_.start(config_.timings.interrupt_wait, [this] {
        deadline_.start(config_.timings.recover, [this] { recovery_finished(false); });
        send_recover_probe();
    });
}

void Shell::send_recover_probe() {
    write(recover_probe(token_, recover_kind_));
    resend_.start(config_.timings.recover_resend, [this] { send_recover_probe(); });
}

void Shell::check_recovered() {
    if (reader_->feed_until_recovered(buffer_, recover_kind_)) recovery_finished(true);
}

void Shell::recovery_finished(bool recovered) {
    stop_timers();
    activity_ = Activity::None;
    needs_recovery_ = false;
    if (recovered) {
        sent_since_frame_ = false;  // the shell answered: nothing is left half-typed
        set_state(ShellState::Ready);
    } else {
        // No proof that the shell executes anything: it is dead (§7.4).
        set_state(ShellState::Dead);
        kill_transport();
    }
    if (run_done_) {
        fail_command("timed out after " + format_seconds(spec_.timeout) + " s" + (recovered ? "" : "; session lost"));
        return;
    }
    reader_.reset();
    auto done = std::move(recover_done_);
    if (done) done(recovered);
}

// --- send and expect (§9) ---------------------------------------------------

void Shell::send(std::string bytes, SendCallback done) {
    send_done_ = std::move(done);
    activity_ = Activity::Send;
    if (!transport_ || !alive()) {
        deferred_.call([this] {
            activity_ = Activity::None;
            auto cb = std::move(send_done_);
            if (cb) cb(Error(OTTO_EDEAD, "the session is dead"));
        });
        return;
    }
    sent_since_frame_ = true;
    transport_->write(std::move(bytes), [this](int status) {
        if (activity_ != Activity::Send || !send_done_) return;
        activity_ = Activity::None;
        auto cb = std::move(send_done_);
        cb(status == 0 ? Error() : Error(OTTO_EIO, "session died unexpectedly (broken pipe)"));
    });
}

void Shell::expect(Pattern pattern, double timeout, ExpectCallback done) {
    expect_pattern_ = std::move(pattern);
    expect_done_ = std::move(done);
    expect_scanned_ = 0;
    activity_ = Activity::Expect;
    paused_idle_full_ = false;
    apply_input_pause();
    if (!transport_ || !alive()) {
        deferred_.call([this] {
            activity_ = Activity::None;
            auto cb = std::move(expect_done_);
            if (cb) cb({}, Error(OTTO_EDEAD, "the session is dead"));
        });
        return;
    }
    deadline_.start(timeout, [this, timeout] {
        // A timed-out expect consumes nothing (§9.3).
        activity_ = Activity::None;
        std::string source = expect_pattern_->source();
        expect_pattern_.reset();
        auto cb = std::move(expect_done_);
        cb({}, Error(OTTO_ETIMEDOUT, "pattern \"" + source + "\" not seen within " + format_seconds(timeout) +
                                         " s; last output: \"" + printable_tail(buffer_.view()) + "\""));
    });
    // The buffer may already hold the match: report it on the next turn.
    deferred_.call([this] {
        if (activity_ == Activity::Expect) check_expect();
    });
}

void Shell::check_expect() {
    scrub_marker_lines();
    std::string_view view = buffer_.view();
    size_t from = expect_scanned_ > CommandReader::kRegexWindow ? expect_scanned_ - CommandReader::kRegexWindow : 0;
    auto m = expect_pattern_->search(view, from);
    if (!m) {
        expect_scanned_ = view.size();
        return;
    }
    stop_timers();
    std::string match(view.substr(0, m->end));
    buffer_.consume(m->end);
    scrub_pos_ = scrub_pos_ > m->end ? scrub_pos_ - m->end : 0;
    expect_pattern_.reset();
    activity_ = Activity::None;
    auto cb = std::move(expect_done_);
    cb(std::move(match), Error());
}

void Shell::scrub_marker_lines() {
    // §5.8: a complete line that is only a marker, arriving while nobody
    // waits for one, is dropped; expect() never sees it.
    std::string_view view = buffer_.view();
    size_t pos = scrub_pos_;
    while (true) {
        size_t nl = view.find('\n', pos);
        if (nl == std::string_view::npos) break;
        size_t line_start = pos;
        std::string_view line = view.substr(line_start, nl - line_start);
        if (line.find(token_.text()) != std::string_view::npos && is_marker_only_line(line, token_)) {
            buffer_.erase(line_start, nl + 1 - line_start);
            expect_scanned_ = std::min(expect_scanned_, line_start);
            view = buffer_.view();
            pos = line_start;
            continue;
        }
        pos = nl + 1;
    }
    scrub_pos_ = pos;
}

// --- transport events ---------------------------------------------------------

void Shell::on_transport_data(const char *data, size_t size) {
    if (Error failure = catch_failure([&] { take_transport_data(data, size); })) lose_to(std::move(failure));
}

void Shell::take_transport_data(const char *data, size_t size) {
    buffer_.append(data, size);
    switch (activity_) {
        case Activity::Handshake: check_ready(); break;
        case Activity::Command:
            if (reader_->feed(buffer_, *this)) finish_command();
            break;
        case Activity::Recover: check_recovered(); break;
        case Activity::Settle: check_settled(); break;
        case Activity::Expect: check_expect(); break;
        case Activity::None:
        case Activity::Send:
            scrub_marker_lines();
            if (buffer_.size() > kIdleBufferLimit && !paused_idle_full_) {
                paused_idle_full_ = true;
                apply_input_pause();
            }
            break;
    }
}

void Shell::on_transport_lost(LossReason reason) {
    std::string detail = transport_ ? transport_->loss_detail() : std::string();
    stop_timers();
    Activity activity = activity_;
    activity_ = Activity::None;
    set_state(ShellState::Dead);
    kill_transport();
    std::string died = std::string("session died unexpectedly (") + loss_text(reason) + ")";
    if (activity == Activity::Handshake) {
        auto done = std::move(ready_done_);
        if (reason == LossReason::AuthFailed) {
            done(Error(OTTO_EAUTH, detail));
        } else {
            done(Error(OTTO_EHANDSHAKE, "the shell exited before it became ready (" + std::string(loss_text(reason)) +
                                            "); last output: \"" + printable_tail(buffer_.view()) + "\""));
        }
        return;
    }
    end_lost_activity(activity, Error(OTTO_EIO, died));
}

void Shell::lose_to(Error failure) {
    // The failed step may have left the stream half read: the shell can no
    // longer be followed and goes, as if its transport were lost, and the op
    // waiting on it fails with the failure's code.
    stop_timers();
    Activity activity = activity_;
    activity_ = Activity::None;
    set_state(ShellState::Dead);
    kill_transport();
    buffer_ = LineBuffer();  // gives its memory back
    reader_.reset();
    failure_code_ = failure.code;
    Error lost(failure.code, "session lost: " + failure.message);
    if (activity == Activity::Handshake) {
        auto done = std::move(ready_done_);
        done(std::move(lost));
        return;
    }
    end_lost_activity(activity, lost);
}

void Shell::end_lost_activity(Activity activity, const Error &lost) {
    switch (activity) {
        case Activity::Command:
        case Activity::Settle: fail_command(lost.message); break;
        case Activity::Recover: recovery_finished(false); break;
        case Activity::Expect: {
            std::string source = expect_pattern_->source();
            expect_pattern_.reset();
            auto done = std::move(expect_done_);
            done({}, Error(lost.code, lost.message + " while waiting for \"" + source + "\""));
            break;
        }
        case Activity::Send: {
            auto done = std::move(send_done_);
            if (done) done(lost);
            break;
        }
        case Activity::Handshake:
        case Activity::None: break;
    }
}

// --- cancellation, closing, flow control ----------------------------------------

void Shell::abandon() {
    stop_timers();
    if (activity_ == Activity::Command || activity_ == Activity::Settle || activity_ == Activity::Recover) {
        needs_recovery_ = true;
        if (alive()) set_state(ShellState::Ready);
    }
    activity_ = Activity::None;
    reader_.reset();
    run_done_ = nullptr;
    recover_done_ = nullptr;
    send_done_ = nullptr;
    expect_done_ = nullptr;
    expect_pattern_.reset();
    ready_done_ = nullptr;
    paused_by_consumer_ = false;
    apply_input_pause();
}

void Shell::close(bool graceful, std::function<void()> closed) {
    bool idle = state_ == ShellState::Ready && activity_ == Activity::None && !needs_recovery_;
    abandon();
    set_state(ShellState::Closed);
    if (!transport_) {
        // This shell may be destroyed right after; `closed` must still run.
        if (closed) defer_unconditionally(loop_, std::move(closed));
        return;
    }
    auto transport = std::move(transport_);
    transport->set_listener(nullptr);
    transport->close(graceful && idle, [token = hold_loop(), closed = std::move(closed)] {
        if (closed) closed();
    });
}

void Shell::pause_input() {
    paused_by_consumer_ = true;
    apply_input_pause();
}

void Shell::resume_input() {
    paused_by_consumer_ = false;
    apply_input_pause();
}

void Shell::apply_input_pause() {
    bool want = paused_by_consumer_ || paused_idle_full_;
    if (want == input_paused_ || !transport_) return;
    input_paused_ = want;
    if (want) transport_->pause_reading();
    else transport_->resume_reading();
}

}  // namespace otto
