// The local host's backend: shells through LocalShellTransport, one-shots
// through LocalOneshot.
#pragma once

#include <uv.h>

#include <map>
#include <memory>

#include "host/host_backend.hpp"
#include "host/host_config.hpp"

namespace otto {

class LocalBackend final : public HostBackend {
public:
    LocalBackend(uv_loop_t *loop, const HostConfig &config, std::function<std::shared_ptr<void>()> hold_loop);
    ~LocalBackend() override;

    void launch_shell(ShellLauncher::Done done) override;
    LineLimit line_limit() const override;
    std::shared_ptr<OneshotHandle> run_oneshot(const OneshotSpec &spec, OneshotLineSink lines,
                                               std::function<void(CommandResult)> done) override;
    std::unique_ptr<RemoteFiles> make_files() override;
    void shutdown(std::function<void()> done) override;

private:
    uv_loop_t *loop_;
    HostConfig config_;
    std::function<std::shared_ptr<void>()> hold_loop_;
};

}  // namespace otto
