// One remote file operation of the C API (read, write, stat, ...) run on a
// host's files and completing its op with a file result or the error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace otto {

class Host;
class Operation;

struct FileRequest {
    enum class Kind { Read, Write, Stat, Lstat, List, Glob, Mkdir, Remove, Rename, Realpath };
    Kind kind = Kind::Stat;
    std::string path;
    std::string other;  // Rename: the new path; Glob: the pattern
    std::string bytes;  // Write
    std::optional<uint32_t> mode;
};

// "stat /etc/hostname": for the log and dry run.
std::string describe(const FileRequest &request);

// Loop thread. Under dry run nothing is contacted: the op fails with
// OTTO_ENOTRUN and the log says what would have been done.
void start_file_request(Host &host, std::shared_ptr<Operation> op, FileRequest request);

}  // namespace otto
