// Host key policies against known_hosts files (LAB-FORMAT §15.1): strict,
// accept-new (the default) and off. A changed or revoked key, and a file
// that cannot be read or parsed for the host, are always errors; under
// accept-new an unknown host's key is appended. The files are read and
// written on libuv's thread pool, and the append lock is taken without
// waiting (retried from the loop), so a slow disk or another process
// holding the lock never stalls the loop thread's other hosts.
#pragma once

#include <libssh/libssh.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/host_config.hpp"
#include "loop/timer.hpp"
#include "transport/ssh/known_hosts.hpp"
#include "util/error.hpp"

namespace otto {

// The known_hosts file the host uses: the configured one or
// ~/.ssh/known_hosts.
std::string known_hosts_path(const HostConfig &config);

class HostKeyCheck : public std::enable_shared_from_this<HostKeyCheck> {
public:
    using Done = std::function<void(Error)>;
    using Warn = std::function<void(const std::string &)>;

    // Loop thread: checks the key `session` (past its key exchange)
    // offered. `done` runs once on the loop thread, possibly before this
    // returns (policy off); never after the check is destroyed. `warn`
    // receives the one-per-host warning of policy off.
    static std::shared_ptr<HostKeyCheck> start(uv_loop_t *loop, ssh_session session, const HostConfig &config,
                                               std::string where, const Warn &warn, Done done);
    HostKeyCheck(uv_loop_t *loop, std::string where, Done done);

    // Why the check has not finished yet, for a deadline's message.
    std::string waiting_for() const;

private:
    void look_up();
    void on_verdict(const KnownHostsVerdict &verdict);
    void record();
    void finish(Error error);
    Error refusal(const KnownHostsVerdict &verdict) const;

    std::string where_;
    Done done_;
    Timer retry_;
    bool strict_ = false;
    bool lock_busy_ = false;
    uv_loop_t *loop_;
    std::vector<std::string> files_;  // the user's file first: appends go there
    std::string name_;                // the host as known_hosts names it
    PublicKeyText key_;
    std::string key_description_;  // "ssh-ed25519 SHA256:..."
};

}  // namespace otto
