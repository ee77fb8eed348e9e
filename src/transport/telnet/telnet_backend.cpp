#include "transport/telnet/telnet_backend.hpp"

#include <algorithm>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "transfer/remote_files.hpp"
#include "transfer/shell_files.hpp"
#include "transport/telnet/console_oneshot.hpp"
#include "transport/telnet/telnet_transport.hpp"
#include "util/clock.hpp"
#include "util/random_id.hpp"

namespace otto {

namespace {
// Idle logged-in shells kept for the next one-shots.
constexpr size_t kPoolSize = 4;
constexpr uint64_t kFrameCopyLimit = 64 * 1024;
constexpr double kSessionDeadlineMargin = 5.0;
}  // namespace

// A logged-in shell that runs one-shots, one at a time, handing each output
// line to whichever one-shot runs now.
class TelnetBackend::PooledShell final : private ShellObserver {
public:
    PooledShell(uv_loop_t *loop, const ShellConfig &config) : shell(loop, config, this) {}
    Shell shell;
    std::function<void(std::string_view)> on_line;

private:
    void on_output_line(std::string_view line) override {
        if (on_line) on_line(line);
    }
    void on_expect_fired(const Expect &) override {}
    void on_state_changed(ShellState) override {}
};

// One one-shot on a pooled shell (see console_oneshot.hpp); cancel() drops
// the shell, whose state is unknown after an interrupted command.
class TelnetBackend::Oneshot final : public OneshotHandle, public std::enable_shared_from_this<Oneshot> {
public:
    Oneshot(TelnetBackend *backend, const OneshotSpec &spec)
        : backend_(backend), backend_alive_(backend->alive_), spec_(spec),
          reader_(std::make_shared<ConsoleOneshotReader>("OTTO" + random_hex(16), spec.retain_limit)),
          timeout_(backend->loop_), started_(Clock::now()) {}

    void run(OneshotLineSink lines, std::function<void(CommandResult)> done, const LineLimit &limit) {
        done_ = std::move(done);
        if (auto reason = console_oneshot_refusal(spec_.command, limit)) {
            finish(unsent_result(spec_.command, OTTO_STATUS_ERROR, *reason));
            return;
        }
        auto self = shared_from_this();
        backend_->acquire([self, lines](std::shared_ptr<PooledShell> shell, Error error) {
            if (self->backend_alive_.expired()) {
                if (shell) shell->shell.close(false, [] {});
                self->finish(unsent_result(self->spec_.command, OTTO_STATUS_ERROR, "the host was closed"));
                return;
            }
            if (!self->done_) {
                if (shell) self->backend_->release(std::move(shell));
                return;
            }
            if (error) {
                self->finish(unsent_result(self->spec_.command, OTTO_STATUS_ERROR, error.message));
                return;
            }
            self->start(std::move(shell), lines);
        });
    }

    void cancel() override {
        done_ = nullptr;
        timeout_.stop();
        drop_shell();
    }

    void pause_output() override {
        paused_ = true;
        if (shell_) shell_->shell.pause_input();
    }

    void resume_output() override {
        paused_ = false;
        if (shell_) shell_->shell.resume_input();
    }

private:
    void start(std::shared_ptr<PooledShell> shell, OneshotLineSink lines) {
        shell_ = std::move(shell);
        if (paused_) shell_->shell.pause_input();
        std::weak_ptr<ConsoleOneshotReader> weak_reader = reader_;
        shell_->on_line = [weak_reader, lines](std::string_view line) {
            auto reader = weak_reader.lock();
            if (!reader) return;
            if (auto tagged = reader->feed(line); tagged && lines) lines(tagged->stream, tagged->text);
        };
        CommandSpec command;
        command.command = console_oneshot_command(spec_.command, reader_->tag());
        // The one-shot's own timer ends it (see on_timeout); the session's
        // deadline only backs it up.
        command.timeout = spec_.timeout + kSessionDeadlineMargin;
        timeout_.start(std::max(0.0, spec_.timeout - seconds_since(started_)), [this] { on_timeout(); });
        // The reader keeps the command's output as the tagged lines stream;
        // the frame's own copy matters only if the wrapper itself fails.
        command.retain_limit = std::min<uint64_t>(spec_.retain_limit, kFrameCopyLimit);
        command.line_limit = spec_.retain_limit;
        auto self = shared_from_this();
        shell_->shell.run(command, [self](CommandResult result) {
            self->timeout_.stop();
            auto used = std::move(self->shell_);
            used->on_line = nullptr;
            if (self->backend_alive_.expired()) {
                used->shell.close(false, [] {});
            } else {
                self->backend_->release(std::move(used));
            }
            result.command = self->spec_.command;
            self->reader_->finish(result);
            self->finish(std::move(result));
        });
    }

    // A timed-out one-shot is not interrupted: ^C would reach the console
    // shell's helpers too (job control is off), and bash as a login shell
    // may log out when a subshell of a pipeline dies of SIGINT. Hanging up
    // the connection ends the console session and all of it instead.
    void on_timeout() {
        CommandResult result;
        result.command = spec_.command;
        result.status = OTTO_STATUS_ERROR;
        result.retcode = -1;
        result.timed_out = true;
        result.duration = seconds_since(started_);
        result.output = "timed out after " + format_seconds(spec_.timeout) + " s";
        reader_->finish(result);
        drop_shell();
        finish(std::move(result));
    }

    void drop_shell() {
        if (!shell_) return;
        shell_->on_line = nullptr;
        shell_->shell.abandon();
        shell_->shell.close(false, [] {});
        shell_.reset();
    }

    void finish(CommandResult result) {
        auto done = std::move(done_);
        done_ = nullptr;
        if (done) done(std::move(result));
    }

    TelnetBackend *backend_;
    std::weak_ptr<char> backend_alive_;
    OneshotSpec spec_;
    std::shared_ptr<ConsoleOneshotReader> reader_;
    std::function<void(CommandResult)> done_;
    std::shared_ptr<PooledShell> shell_;
    Timer timeout_;
    Clock::time_point started_;
    bool paused_ = false;  // pause_output(): the shell's transport is not read
};

TelnetBackend::TelnetBackend(uv_loop_t *loop, const HostConfig &config, ShellConfig shell_config)
    : loop_(loop), config_(config), shell_config_(std::move(shell_config)) {}

TelnetBackend::~TelnetBackend() {
    for (auto &weak : all_)
        if (auto s = weak.lock()) s->shell.close(false, [] {});
}

LineLimit TelnetBackend::line_limit() const {
    if (config_.frame == OTTO_FRAME_ASH) return {1022, "BusyBox ash's line editor"};
    return {4000, "a PTY's line buffer"};
}

void TelnetBackend::launch_shell(ShellLauncher::Done done) {
    track_opening(
        TelnetTransport::open(loop_, config_, [done](std::shared_ptr<TelnetTransport> transport, Error error) {
            done(std::move(transport), std::move(error));
        }));
}

void TelnetBackend::track_opening(const std::shared_ptr<TelnetTransport> &transport) {
    std::erase_if(opening_, [](const auto &w) { return w.expired(); });
    opening_.push_back(transport);
}

void TelnetBackend::acquire(std::function<void(std::shared_ptr<PooledShell>, Error)> done) {
    while (!idle_.empty()) {
        auto shell = std::move(idle_.back());
        idle_.pop_back();
        if (shell->shell.alive() && !shell->shell.needs_recovery()) {
            defer_unconditionally(loop_, [shell, done] { done(shell, Error()); });
            return;
        }
        shell->shell.close(false, [] {});
    }
    auto shell = std::make_shared<PooledShell>(loop_, shell_config_);
    all_.push_back(shell);
    std::erase_if(all_, [](const auto &w) { return w.expired(); });
    track_opening(
        TelnetTransport::open(loop_, config_, [shell, done](std::shared_ptr<TelnetTransport> transport, Error error) {
            if (error) {
                done(nullptr, std::move(error));
                return;
            }
            shell->shell.start(std::move(transport), [shell, done](Error ready) {
                if (ready) {
                    done(nullptr, std::move(ready));
                    return;
                }
                done(shell, Error());
            });
        }));
}

void TelnetBackend::release(std::shared_ptr<PooledShell> shell) {
    if (shut_down_ || !shell->shell.alive() || shell->shell.needs_recovery() || idle_.size() >= kPoolSize) {
        shell->shell.close(!shut_down_, [] {});
        return;
    }
    idle_.push_back(std::move(shell));
}

std::shared_ptr<OneshotHandle> TelnetBackend::run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                                          std::function<void(CommandResult)> done) {
    auto oneshot = std::make_shared<Oneshot>(this, spec);
    oneshot->run(std::move(lines), std::move(done), line_limit());
    return oneshot;
}

void TelnetBackend::shutdown(std::function<void()> done) {
    shut_down_ = true;
    for (auto &weak : opening_)
        if (auto t = weak.lock()) t->cancel();
    opening_.clear();
    idle_.clear();
    for (auto &weak : all_)
        if (auto s = weak.lock()) s->shell.close(false, [] {});
    all_.clear();
    defer_unconditionally(loop_, std::move(done));
}

bool TelnetBackend::oneshot_fits(std::string_view command) const {
    return !console_oneshot_refusal(command, line_limit());
}

// Consoles have no file protocol: files go through shell commands.
std::unique_ptr<RemoteFiles> TelnetBackend::make_files() {
    return make_shell_files(loop_, *this, telnet_where(config_));
}

}  // namespace otto
