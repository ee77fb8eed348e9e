// The telnet host's backend. Telnet cannot multiplex (§11.8): every
// session is a connection of its own with its own login. One-shots are
// served by a small pool of logged-in shells, each command in a fresh
// `sh -c` so that no state leaks from one to the next.
#pragma once

#include <uv.h>

#include <memory>
#include <vector>

#include "host/host_backend.hpp"
#include "host/host_config.hpp"
#include "session/shell.hpp"

namespace otto {

class TelnetBackend final : public HostBackend {
public:
    TelnetBackend(uv_loop_t *loop, const HostConfig &config, ShellConfig shell_config);
    ~TelnetBackend() override;

    void launch_shell(ShellLauncher::Done done) override;
    LineLimit line_limit() const override;
    std::shared_ptr<OneshotHandle> run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                               std::function<void(CommandResult)> done) override;
    bool oneshot_fits(std::string_view command) const override;
    std::unique_ptr<RemoteFiles> make_files() override;
    void shutdown(std::function<void()> done) override;

private:
    class PooledShell;
    class Oneshot;

    void acquire(std::function<void(std::shared_ptr<PooledShell>, Error)> done);
    void track_opening(const std::shared_ptr<class TelnetTransport> &transport);
    void release(std::shared_ptr<PooledShell> shell);

    uv_loop_t *loop_;
    HostConfig config_;
    ShellConfig shell_config_;
    std::vector<std::shared_ptr<PooledShell>> idle_;
    std::vector<std::weak_ptr<PooledShell>> all_;
    // Logins under way: canceled at shutdown so none outlives the host.
    std::vector<std::weak_ptr<class TelnetTransport>> opening_;
    // One-shots check it before calling back into a backend that may be gone.
    std::shared_ptr<char> alive_ = std::make_shared<char>();
    bool shut_down_ = false;
};

}  // namespace otto
