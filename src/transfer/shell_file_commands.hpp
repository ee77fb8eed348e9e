// The command lines behind ShellFiles and the reading of what they print:
// pure functions over strings, so they can be checked without a host.
//
// Every command is POSIX sh using only tools that BusyBox and GNU
// coreutils both have, with the same options and output in both: stat -c,
// ls, mkdir -p, rm, rmdir, mv -T, realpath (readlink -f where it is
// missing), md5sum and base64. Messages are asked for in the C locale,
// since errors are classified by their text ("No such file...").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/result.hpp"
#include "transfer/md5.hpp"
#include "transfer/remote_files.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"

namespace otto {

// --- commands --------------------------------------------------------------

// One line: size, mode (hex), uid, gid, mtime.
std::string stat_command(const std::string &path, bool follow);
// One line per entry, the fields of stat_command then the path.
std::string list_command(const std::string &dir);
std::string mkdir_command(const std::string &path, uint32_t mode);
std::string remove_command(const std::string &path);
std::string rename_command(const std::string &from, const std::string &to);
// The canonical path, one line.
std::string realpath_command(const std::string &path);

// A download's content: the md5sum line, then the file in base64.
std::string download_command(const std::string &path);

// An upload appends decoded base64 to `temp` (the first chunk creates it,
// failing if it exists, readable by its owner only), then checks the whole
// file against `md5`, sets `mode` and moves it over `dest`.
std::string upload_chunk_command(const std::string &temp, std::string_view data, bool first);
std::string upload_commit_command(const std::string &temp, const std::string &dest, const std::string &md5,
                                  uint32_t mode);
std::string remove_temporary_command(const std::string &temp);

// --- output ----------------------------------------------------------------

// A stat_command line; `name` becomes the result's name.
std::optional<FileInfo> parse_stat_line(std::string_view line, std::string name);
// The whole output of list_command for `dir`. A name holding a newline
// spans lines: a line that is not an entry continues the previous name.
std::optional<std::vector<FileInfo>> parse_list_output(std::string_view output, const std::string &dir);
// The single line of realpath_command's output.
std::optional<std::string> parse_realpath_output(std::string_view output);

// What a failed one-shot means: nothing if it succeeded; its own error if
// it could not run (OTTO_ETIMEDOUT, OTTO_EIO, OTTO_ECONNECT, OTTO_ENOTSUP
// for a command the console refused); else, from the command's stderr,
// OTTO_ENOTFOUND, OTTO_EPERM or OTTO_EFILE quoting it. `action` and
// `path` say what failed ("cannot stat /etc/x"), `where` names the host.
Error oneshot_error(const CommandResult &result, std::string_view action, std::string_view path,
                    std::string_view where);

// Reads download_command's stdout line by line: the md5sum line, then
// base64 decoded into `write` as it arrives, hashing what it decodes.
class DownloadReader {
public:
    using Write = std::function<Error(std::string_view bytes)>;
    explicit DownloadReader(Write write) : write_(std::move(write)) {}

    // The first error sticks; later lines are ignored.
    Error feed(std::string_view line);
    // After the command succeeded: an error if the stream was damaged or
    // the bytes do not match the host's md5sum ("checksum mismatch").
    Error finish();
    uint64_t bytes() const { return bytes_; }

private:
    Write write_;
    std::optional<std::string> remote_md5_;
    Base64Decoder decoder_;
    Md5 md5_;
    std::string block_;
    uint64_t bytes_ = 0;
    Error error_;
};

}  // namespace otto
