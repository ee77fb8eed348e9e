// Uploads and downloads over an SftpClient, pipelined: up to kInFlight
// blocks of kBlock bytes are requested at once, so a transfer runs at the
// link's speed rather than one round trip per block, while the bytes queued
// towards the channel (and arriving from it) stay bounded.
#pragma once

#include <uv.h>

#include <memory>

#include "transfer/remote_files.hpp"
#include "transfer/sftp_client.hpp"

namespace otto {

inline constexpr uint32_t kSftpBlock = 64 * 1024;
inline constexpr int kSftpInFlight = 32;

// Writes a temporary sibling of the destination, gives it the mode and
// renames it over the destination (posix-rename@openssh.com when the server
// has it, so an existing destination is replaced in one step). Canceled or
// failed, it removes the temporary file.
std::shared_ptr<FileTask> start_sftp_upload(uv_loop_t *loop, const std::shared_ptr<SftpClient> &client,
                                            const UploadSpec &spec, TransferProgress progress,
                                            RemoteFiles::Uploaded done);

// Reads the remote file into a DownloadSink, committed with the remote
// file's mode.
std::shared_ptr<FileTask> start_sftp_download(uv_loop_t *loop, const std::shared_ptr<SftpClient> &client,
                                              const DownloadSpec &spec, TransferProgress progress,
                                              RemoteFiles::Downloaded done);

}  // namespace otto
