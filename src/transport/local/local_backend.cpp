#include "transport/local/local_backend.hpp"

#include "loop/deferred.hpp"
#include "transfer/local_files.hpp"
#include "transport/local/local_oneshot.hpp"
#include "transport/local/local_shell.hpp"

namespace otto {

LocalBackend::LocalBackend(uv_loop_t *loop, const HostConfig &config, std::function<std::shared_ptr<void>()> hold_loop)
    : loop_(loop), config_(config), hold_loop_(std::move(hold_loop)) {}

LocalBackend::~LocalBackend() = default;

void LocalBackend::launch_shell(ShellLauncher::Done done) {
    LocalShellOptions options;
    options.argv =
        config_.shell_argv.empty() ? std::vector<std::string>{"bash", "--norc", "--noprofile"} : config_.shell_argv;
    options.pty = config_.pty;
    options.close_exit_wait = config_.close_exit_wait;
    options.close_term_wait = config_.close_term_wait;
    Error error;
    auto transport = LocalShellTransport::start(loop_, options, error);
    done(transport, error);
}

LineLimit LocalBackend::line_limit() const {
    // §10.1: the smaller applicable limit wins; a pipe-based shell has none.
    if (config_.frame == OTTO_FRAME_ASH) return {1022, "BusyBox ash's line editor"};
    if (config_.pty) return {4000, "a PTY's line buffer"};
    return {0, ""};
}

std::shared_ptr<OneshotHandle> LocalBackend::run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                                         std::function<void(CommandResult)> done) {
    // A fresh process per call, as a POSIX shell command line (like
    // subprocess with shell=True).
    std::vector<std::string> argv{"/bin/sh", "-c", spec.command};
    return LocalOneshot::start(loop_, argv, spec, std::move(lines), std::move(done),
                               hold_loop_ ? hold_loop_() : nullptr);
}

void LocalBackend::shutdown(std::function<void()> done) {
    // One-shots were canceled by the host; their processes finish closing on
    // their own, each holding the loop until reaped.
    defer_unconditionally(loop_, std::move(done));
}

std::unique_ptr<RemoteFiles> LocalBackend::make_files() { return make_local_files(loop_); }

}  // namespace otto
