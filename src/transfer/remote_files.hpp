// A host's files, whatever the transport: the operations every backend
// (SFTP, shell commands over one-shots, the local file system) provides,
// with one meaning and one error vocabulary. Loop thread only; callbacks
// run on the loop thread, never from inside the call that started them.
//
// Errors use the C API's codes: OTTO_ENOTFOUND (no such file),
// OTTO_EPERM (permission denied), OTTO_EFILE (any other failure the server
// or the command reported, the message quoting it), OTTO_ECONNECT for a
// transport that could not be opened, OTTO_EIO for one lost meanwhile,
// OTTO_ENOTSUP when the host cannot do it. Every message names the
// host-side path.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace otto {

// What stat and list report of one file.
struct FileInfo {
    std::string name;  // list: the entry's name; stat: the path as asked
    uint64_t size = 0;
    uint32_t mode = 0;  // st_mode: the type bits (S_IFMT) and the permissions
    uint32_t uid = 0;
    uint32_t gid = 0;
    int64_t mtime = 0;  // seconds since the epoch
    bool operator==(const FileInfo &) const = default;
};

// Bytes moved so far and the size of the whole file.
using TransferProgress = std::function<void(uint64_t done, uint64_t total)>;

// A running upload or download. Destroying the handle does not stop it.
class FileTask {
public:
    virtual ~FileTask() = default;
    // Stops the transfer: its callback never runs, and its temporary file
    // is removed (the destination is never touched: see UploadSpec).
    virtual void cancel() = 0;
};

// An upload: bytes from a local file or from memory to a host path.
// Atomic: the bytes go to a temporary file next to the destination (same
// directory, name from temporary_sibling()), which is renamed over the
// destination only when complete, so readers see the old file or the new
// one, never a partial one.
struct UploadSpec {
    std::string local_path;            // the source file, or:
    std::optional<std::string> bytes;  // the source bytes (local_path unused)
    std::string remote_path;
    // The permissions of the new file; default: the local file's
    // permission bits, or 0644 for bytes.
    std::optional<uint32_t> mode;
};

// A download: a host file to a local file (atomic in the same way: a
// temporary sibling renamed into place) or into memory.
struct DownloadSpec {
    std::string remote_path;
    std::string local_path;  // empty: into memory (the done callback's bytes)
    // Permissions of the local file; default: the remote file's.
    std::optional<uint32_t> mode;
};

class RemoteFiles {
public:
    template <class T>
    using Done = std::function<void(Error error, T value)>;
    using Finished = std::function<void(Error error)>;
    // Bytes moved, and the content when downloading into memory.
    using Downloaded = std::function<void(Error error, uint64_t bytes, std::string content)>;
    using Uploaded = std::function<void(Error error, uint64_t bytes)>;

    virtual ~RemoteFiles() = default;

    // What serves the files: "sftp", "shell commands", "local file system".
    virtual const char *kind() const = 0;

    // stat follows symbolic links, lstat (follow = false) does not.
    virtual void stat(const std::string &path, bool follow, Done<FileInfo> done) = 0;
    // The entries of a directory except "." and "..", in no set order.
    virtual void list(const std::string &dir, Done<std::vector<FileInfo>> done) = 0;
    // Creates the directory and any missing parents; an existing directory
    // is fine, an existing non-directory is an error.
    virtual void mkdir_p(const std::string &path, uint32_t mode, Finished done) = 0;
    // Removes a file, a symbolic link or an empty directory.
    virtual void remove(const std::string &path, Finished done) = 0;
    // Renames, replacing an existing destination file.
    virtual void rename(const std::string &from, const std::string &to, Finished done) = 0;
    // The absolute, canonical form of `path` (which must exist).
    virtual void realpath(const std::string &path, Done<std::string> done) = 0;

    // Progress fires as bytes move and at least once with done == total
    // when the transfer completes (also for an empty file).
    virtual std::shared_ptr<FileTask> upload(const UploadSpec &spec, TransferProgress progress, Uploaded done) = 0;
    virtual std::shared_ptr<FileTask> download(const DownloadSpec &spec, TransferProgress progress,
                                               Downloaded done) = 0;

    // The most requests this backend has had on the wire at once so far
    // (0 where requests are not pipelined): shows that calls overlap.
    virtual size_t most_requests_in_flight() const { return 0; }

    // The host is closing: every pending callback runs with OTTO_ECANCELED
    // or not at all, temporary files are removed where the transport still
    // allows, and nothing is started afterwards.
    virtual void shutdown() = 0;
};

// "dir/.name.otto-1a2b3c4d.tmp": where an atomic write puts its bytes first.
std::string temporary_sibling(const std::string &path);

}  // namespace otto
