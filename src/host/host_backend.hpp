// What differs between host kinds: how a shell is started, what limits its
// lines, and how a one-shot command runs. Owned by the Host, created and
// destroyed on the loop thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "session/frame.hpp"
#include "session/result.hpp"
#include "transport/shell_transport.hpp"

namespace otto {

class RemoteFiles;

struct OneshotSpec {
    std::string command;
    double timeout = 30.0;
    uint64_t retain_limit = 64ull << 20;
    // The host's last one-shot output size: a guess at this one's
    // (util/output_guess.hpp).
    uint64_t output_guess = 0;
};

// Lines of a one-shot's stdout and stderr, as they arrive.
using OneshotLineSink = std::function<void(otto_event_kind_t stream, std::string_view line)>;

// A running one-shot; destroying the handle does not stop it, cancel() does.
class OneshotHandle {
public:
    virtual ~OneshotHandle() = default;
    // Stops the command; its completion callback never runs.
    virtual void cancel() = 0;
    // Flow control for a slow consumer of its lines: stops reading its
    // output (the command then blocks on a full pipe or window) until
    // resume_output(). Its timeout still runs.
    virtual void pause_output() = 0;
    virtual void resume_output() = 0;
};

class HostBackend {
public:
    virtual ~HostBackend() = default;

    virtual void launch_shell(ShellLauncher::Done done) = 0;
    virtual LineLimit line_limit() const = 0;

    virtual std::shared_ptr<OneshotHandle> run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                                       std::function<void(CommandResult)> done) = 0;

    // Whether a one-shot can carry `command` as it is (a console's line
    // editor limits the typed line; exec channels and sh -c take anything
    // this library sends).
    virtual bool oneshot_fits(std::string_view command) const {
        (void)command;
        return true;
    }

    // The host's files (see transfer/remote_files.hpp); the host makes them
    // once, on first use, and shuts them down before the backend.
    virtual std::unique_ptr<RemoteFiles> make_files() = 0;

    // Stops every one-shot and connection; `done` runs when all is released.
    virtual void shutdown(std::function<void()> done) = 0;
};

}  // namespace otto
