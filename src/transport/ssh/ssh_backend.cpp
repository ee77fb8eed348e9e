#include "transport/ssh/ssh_backend.hpp"

#include <algorithm>

#include "loop/deferred.hpp"
#include "otto.h"
#include "transfer/sftp_files.hpp"
#include "transport/ssh/ssh_oneshot.hpp"
#include "transport/ssh/ssh_shell_transport.hpp"
#include "util/shell_quote.hpp"

namespace otto {

namespace {
// How long a closing host waits for the kills of its canceled commands to
// start on the server (one round trip on a healthy connection).
constexpr double kDetachedCommandsWait = 2.0;
}  // namespace

SshBackend::SshBackend(uv_loop_t *loop, const HostConfig &config, SshConnection::Log log,
                       std::shared_ptr<SlotGate> handshakes)
    : loop_(loop), config_(config), log_(std::move(log)), handshakes_(std::move(handshakes)),
      where_(ssh_where(config)) {}

SshBackend::~SshBackend() {
    for (auto &c : connections_) c->close();
}

LineLimit SshBackend::line_limit() const {
    // §10.1: BusyBox ash's 1022 where it is the shell, a PTY's 4000; a
    // shell on the channel's pipes has no limit.
    if (config_.frame == OTTO_FRAME_ASH) return {1022, "BusyBox ash's line editor"};
    if (config_.pty) return {4000, "a PTY's line buffer"};
    return {0, ""};
}

std::shared_ptr<SshConnection> SshBackend::new_connection() {
    auto connection = std::make_shared<SshConnection>(loop_, config_, log_, handshakes_);
    connection->on_slot_freed([this] { serve_queue(); });
    connections_.push_back(connection);
    return connection;
}

void SshBackend::acquire(std::shared_ptr<Request> request) {
    std::erase_if(connections_, [](const auto &c) { return c->broken(); });
    const int budget = std::max(1, config_.ssh.channel_budget);
    for (auto &c : connections_) {
        if (c->channels_in_use() < budget) {
            c->open_channel(request->spec, request->done);
            return;
        }
    }
    // Every connection is full. A one-shot waits for a slot if one-shots
    // hold some (they end soon); a shell, or a one-shot facing only shells
    // (which may never end), gets a connection of its own.
    bool execs_running = std::any_of(connections_.begin(), connections_.end(),
                                     [](const auto &c) { return c->channels_in_use() > c->shells_in_use(); });
    if (!request->spec.long_lived() && execs_running) {
        waiting_.push_back(std::move(request));
        return;
    }
    new_connection()->open_channel(request->spec, request->done);
}

void SshBackend::serve_queue() {
    while (!waiting_.empty()) {
        auto request = waiting_.front();
        if (request->canceled) {
            waiting_.pop_front();
            continue;
        }
        std::erase_if(connections_, [](const auto &c) { return c->broken(); });
        const int budget = std::max(1, config_.ssh.channel_budget);
        auto it = std::find_if(connections_.begin(), connections_.end(),
                               [budget](const auto &c) { return c->channels_in_use() < budget; });
        if (it == connections_.end()) {
            if (!connections_.empty()) return;  // still full: keep waiting
            waiting_.pop_front();
            new_connection()->open_channel(request->spec, request->done);
            continue;
        }
        waiting_.pop_front();
        (*it)->open_channel(request->spec, request->done);
    }
}

void SshBackend::launch_shell(ShellLauncher::Done done) {
    auto request = std::make_shared<Request>();
    const bool pty = config_.pty;
    request->spec.pty = pty;
    // No shell configured: the user's login shell (a "shell" request).
    request->spec.command = shell_command_line(config_.shell_argv);
    double close_wait = config_.close_exit_wait;
    uv_loop_t *loop = loop_;
    request->done = [done, close_wait, loop, pty](std::shared_ptr<SshChannel> channel, Error error) {
        if (error) {
            done(nullptr, std::move(error));
            return;
        }
        done(std::make_shared<SshShellTransport>(loop, std::move(channel), close_wait, pty), Error());
    };
    acquire(request);
}

std::shared_ptr<OneshotHandle> SshBackend::run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                                       std::function<void(CommandResult)> done) {
    auto oneshot = std::make_shared<SshOneshot>(loop_, spec, std::move(lines), std::move(done));
    auto request = std::make_shared<Request>();
    request->spec.pty = false;
    request->spec.command = SshOneshot::command_line(spec.command);
    std::weak_ptr<SshOneshot> weak = oneshot;
    request->done = [weak](std::shared_ptr<SshChannel> channel, Error error) {
        if (auto o = weak.lock()) {
            o->attach(std::move(channel), std::move(error));
        } else if (channel) {
            channel->close();
        }
    };
    std::weak_ptr<Request> weak_request = request;
    oneshot->on_give_up([weak_request] {
        if (auto r = weak_request.lock()) r->canceled = true;
    });
    oneshot->start();
    acquire(request);
    return oneshot;
}

void SshBackend::shutdown(std::function<void()> done) {
    shut_down_ = true;
    for (auto &r : waiting_) r->done(nullptr, Error(OTTO_ECANCELED, "the host was closed"));
    waiting_.clear();
    auto connections = std::move(connections_);
    connections_.clear();
    // The kills of canceled commands go out before the connection goes.
    auto remaining = std::make_shared<size_t>(connections.size() + 1);
    auto one_closed = [remaining, loop = loop_, done = std::move(done)] {
        if (--*remaining == 0) defer_unconditionally(loop, done);
    };
    for (auto &c : connections) c->close_after_detached(kDetachedCommandsWait, one_closed);
    one_closed();
}

void SshBackend::open_subsystem(const std::string &name, SshConnection::Opened done) {
    if (shut_down_) {
        defer_unconditionally(loop_, [done] { done(nullptr, Error(OTTO_ECANCELED, "the host was closed")); });
        return;
    }
    auto request = std::make_shared<Request>();
    request->spec.pty = false;
    request->spec.subsystem = name;
    request->done = std::move(done);
    acquire(request);
}

// SFTP where the server has it; the SFTP files turn into shell commands over
// exec channels by themselves where it does not.
std::unique_ptr<RemoteFiles> SshBackend::make_files() { return make_sftp_files(loop_, *this); }

}  // namespace otto
