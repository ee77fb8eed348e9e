// Files through shell commands run as the host's one-shots, for hosts
// without SFTP: an SSH server without the subsystem (exec channels) and
// telnet consoles (pooled logged-in shells). Every operation is one or
// more one-shots; the remote side needs only POSIX sh plus stat, ls, mkdir,
// rm, rmdir, mv, chmod, realpath (or readlink -f), md5sum and base64, as
// BusyBox and GNU coreutils both have them (shell_file_commands.hpp).
//
// Reads come back base64-encoded, decoded line by line as they stream,
// and are checked against md5sum. Writes go up as base64 chunks appended
// in order to a temporary sibling, whose md5sum is checked before it is
// moved into place (shell_transfers.hpp). Paths are always single-quoted.
//
// shutdown() cancels every one-shot and starts none: an upload cut short
// by it may leave its remote temporary file (".name.otto-*.tmp"), since the
// host's connections close right after. cancel() does remove it.
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
