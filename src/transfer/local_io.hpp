// The controller's side of a transfer: the bytes an upload sends (a local
// file or memory) and where a download's bytes go (a temporary local file
// renamed into place, or memory). Shared by every RemoteFiles backend.
//
// File reads and writes here are plain pread/pwrite. Remote transfers call
// them on the loop thread: blocks are at most a few hundred KiB and land in
// the page cache, so each call takes microseconds. The local host's files
// call them on libuv's thread pool (local_files.cpp), one object on one
// thread at a time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "transfer/remote_files.hpp"
#include "util/error.hpp"

namespace otto {

// An errno of a file system call as the files interface reports it:
// OTTO_ENOTFOUND, OTTO_EPERM or OTTO_EFILE, with "WHAT PATH: strerror".
Error file_system_error(const std::string &what, const std::string &path, int err);

// mkdir -p on this machine: each missing component made with `mode`; an
// existing directory is fine, anything else in the way is an error.
Error make_directories(const std::string &path, uint32_t mode);

// Whether make_directories(path) could succeed as far as a look tells: no
// error when `path` is a directory or does not exist yet, the error it would
// give when something else is in the way.
Error directory_or_missing(const std::string &path);

// Where an upload's bytes come from.
class UploadSource {
public:
    // Opens the local file (or takes the bytes); a missing or unreadable
    // file, a directory or anything else that is not a regular file is an
    // Error naming the path.
    static UploadSource open(const UploadSpec &spec, Error &error);
    UploadSource(UploadSource &&other) noexcept;
    UploadSource &operator=(UploadSource &&other) noexcept;
    ~UploadSource();

    uint64_t size() const { return size_; }
    // The mode the destination gets: the spec's, else the file's permission
    // bits, else 0644.
    uint32_t mode() const { return mode_; }
    // Up to `length` bytes from `offset` (fewer only at the end).
    std::string read(uint64_t offset, size_t length, Error &error) const;
    const std::string &description() const { return description_; }

private:
    UploadSource() = default;
    int fd_ = -1;
    std::optional<std::string> bytes_;
    uint64_t size_ = 0;
    uint32_t mode_ = 0644;
    std::string description_;  // the local path, or "memory"
};

// Where a download's bytes go.
class DownloadSink {
public:
    // For a local file: creates its temporary sibling now (so a bad local
    // directory fails before any byte moves). For memory: nothing.
    static DownloadSink open(const DownloadSpec &spec, Error &error);
    DownloadSink(DownloadSink &&other) noexcept;
    DownloadSink &operator=(DownloadSink &&other) noexcept;
    // Removes the temporary file unless committed.
    ~DownloadSink();

    Error write(uint64_t offset, std::string_view data);
    // Renames the temporary file into place with `mode` (the spec's mode
    // wins); for memory, moves the content out.
    Error commit(uint32_t remote_mode, std::string &content);
    // Removes the temporary file now.
    void abort();
    bool to_memory() const { return to_memory_; }

private:
    DownloadSink() = default;
    bool to_memory_ = false;
    std::string memory_;
    int fd_ = -1;
    std::string temp_path_;
    std::string final_path_;
    std::optional<uint32_t> mode_;
};

}  // namespace otto
