// Uploads and downloads through one-shots, for ShellFiles.
//
// A download is two one-shots: `stat` for the mode and size (the size
// sets the progress total and the time allowed), then md5sum and base64 of
// the file, decoded line by line into the DownloadSink as it streams, so a
// big file is never held in memory.
//
// An upload sends base64 chunks, each one one-shot appending to the
// temporary sibling, one after another: appends must land in order, and a
// console host has few shells to run them on anyway. A chunk is the
// largest (up to 48 KiB of data, halving) whose command the backend can
// carry, found per upload since the temporary path is part of the command:
// its base64 travels as a here-document of short lines, so a console's
// line limit shrinks it only for a very long path. A last one-shot compares the temporary file's
// md5sum with the data's, sets the mode and moves it into place.
#pragma once

#include <memory>

#include "transfer/remote_files.hpp"
#include "transfer/shell_runner.hpp"

namespace otto {

class ShellTransfer : public FileTask {
public:
    // The host is closing: no callback runs any more and the local
    // temporary file goes; nothing more is sent to the host.
    virtual void abandon() = 0;
};

// Start at once; report through `runner`, on later loop turns.
std::shared_ptr<ShellTransfer> start_shell_upload(const std::shared_ptr<ShellRunner> &runner, const UploadSpec &spec,
                                                  TransferProgress progress, RemoteFiles::Uploaded done);
std::shared_ptr<ShellTransfer> start_shell_download(const std::shared_ptr<ShellRunner> &runner,
                                                    const DownloadSpec &spec, TransferProgress progress,
                                                    RemoteFiles::Downloaded done);

}  // namespace otto
