// The one-shots of one ShellFiles: started on the host's backend, a few at
// a time (each may be a login on a console, whose telnetd accepts few at
// once; the rest wait in order), tracked so that shutdown can stop them
// all, and reporting on a later loop turn (a backend may refuse a command
// from inside run_oneshot).
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_backend.hpp"
#include "loop/deferred.hpp"

namespace otto {

class ShellRunner {
public:
    using Done = std::function<void(CommandResult)>;

    ShellRunner(uv_loop_t *loop, HostBackend &backend, std::string where);
    ~ShellRunner();
    ShellRunner(const ShellRunner &) = delete;
    ShellRunner &operator=(const ShellRunner &) = delete;

    // Runs `spec`; `done` runs on a later turn unless the handle is
    // canceled or the runner shut down first. Once shut down, nothing is
    // started and `done` never runs.
    std::shared_ptr<OneshotHandle> run(const OneshotSpec &spec, OneshotLineSink lines, Done done);
    // Runs `fn` on a later turn unless the runner is shut down by then.
    void post(std::function<void()> fn);
    bool fits(std::string_view command) const { return backend_.oneshot_fits(command); }
    const std::string &where() const { return where_; }

    // Cancels every running one-shot.
    void shutdown();
    bool shut_down() const { return shut_down_; }

    // One-shots on the backend at once.
    static constexpr size_t kAtOnce = 4;

private:
    class Tracked;
    void pump();
    void start(const std::shared_ptr<Tracked> &tracked);
    void release(Tracked &tracked);

    HostBackend &backend_;
    std::string where_;
    Deferred deferred_;
    std::vector<std::weak_ptr<Tracked>> running_;
    std::deque<std::shared_ptr<Tracked>> waiting_;
    size_t active_ = 0;
    bool shut_down_ = false;
};

}  // namespace otto
