// A host's files over SFTP: one SFTP channel per host, opened on first use
// and again on the next call after it was lost. A server without the SFTP
// subsystem turns these files, for good, into the shell-command backend
// (make_shell_files), to which every call goes from then on.
#pragma once

#include <uv.h>

#include <memory>

#include "transfer/remote_files.hpp"

namespace otto {

class SshBackend;

// `backend` outlives the result (the host destroys its files first).
std::unique_ptr<RemoteFiles> make_sftp_files(uv_loop_t *loop, SshBackend &backend);

}  // namespace otto
