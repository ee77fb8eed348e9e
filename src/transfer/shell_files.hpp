// Files through shell commands run as the host's one-shots, for hosts
// without SFTP: an SSH server without the subsystem (exec channels) and
// telnet consoles (pooled logged-in shells). Reads come back base64-encoded
// and are checked against md5sum; writes go up as base64 chunks appended to
// a temporary sibling, whose md5sum is checked before it is moved into
// place. The remote side needs only POSIX sh plus cat, base64, md5sum,
// stat, ls, mkdir, rm, mv and realpath, as BusyBox and coreutils have them.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "host/host_backend.hpp"
#include "transfer/remote_files.hpp"

namespace otto {

// `backend` outlives the result (the host destroys its files first);
// `where` names the host in messages.
std::unique_ptr<RemoteFiles> make_shell_files(uv_loop_t *loop, HostBackend &backend, std::string where);

}  // namespace otto
