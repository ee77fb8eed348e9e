// Host key policies against a known_hosts file (LAB-FORMAT §15.1): strict,
// accept-new (the default) and off. A changed key is always an error naming
// the fingerprint; appends are serialised between threads and processes.
#pragma once

#include <libssh/libssh.h>

#include <functional>
#include <string>

#include "host/host_config.hpp"
#include "util/error.hpp"

namespace otto {

// Checks the key the server offered. `warn` receives the one-per-host
// warning of policy off. Blocking file I/O on a small local file.
Error verify_host_key(ssh_session session, const HostConfig &config, const std::string &where,
                      const std::function<void(const std::string &)> &warn);

// The known_hosts file the host uses: the configured one or
// ~/.ssh/known_hosts.
std::string known_hosts_path(const HostConfig &config);

}  // namespace otto
