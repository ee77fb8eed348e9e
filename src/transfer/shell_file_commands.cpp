#include "transfer/shell_file_commands.hpp"

#include <charconv>
#include <cstdio>

#include "otto.h"
#include "util/shell_quote.hpp"

namespace otto {

namespace {

// English messages, whatever the host's locale: errors are told apart by
// their text.
constexpr const char *kPrologue = "LC_ALL=C; export LC_ALL; ";
// stat's fields, in the order parse_stat_line reads them.
constexpr const char *kStatFormat = "'%s %f %u %g %Y'";
constexpr const char *kListFormat = "'%s %f %u %g %Y %n'";
// Ends an upload chunk's here-document: not base64, so no data line can
// end it early.
constexpr const char *kHereEnd = "_OTTO_";

// A path as one quoted word that no tool takes for an option. BusyBox's
// realpath does not accept `--`, so a leading '-' is made harmless instead.
std::string arg(const std::string &path) { return shell_quote(!path.empty() && path[0] == '-' ? "./" + path : path); }

std::string octal(uint32_t mode) {
    char text[16];
    std::snprintf(text, sizeof text, "%o", mode & 07777);
    return text;
}

template <class T>
bool parse_number(std::string_view text, T &value, int base = 10) {
    if (text.empty()) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return error == std::errc() && end == text.data() + text.size();
}

// The five stat fields at the start of `line`; `rest` gets what follows
// them (after one space), or stays empty when the line ends there.
std::optional<FileInfo> parse_fields(std::string_view line, std::optional<std::string_view> *rest) {
    FileInfo info;
    std::string_view fields[5];
    size_t start = 0;
    for (int i = 0; i < 5; ++i) {
        size_t space = line.find(' ', start);
        bool last = i == 4;
        if (space == std::string_view::npos) {
            if (!last) return std::nullopt;
            fields[i] = line.substr(start);
            start = line.size();
            *rest = std::nullopt;
        } else {
            fields[i] = line.substr(start, space - start);
            start = space + 1;
            if (last) *rest = line.substr(start);
        }
    }
    if (fields[1].size() > 8) return std::nullopt;  // st_mode is 32 bits
    if (!parse_number(fields[0], info.size) || !parse_number(fields[1], info.mode, 16) ||
        !parse_number(fields[2], info.uid) || !parse_number(fields[3], info.gid) ||
        !parse_number(fields[4], info.mtime))
        return std::nullopt;
    return info;
}

std::string trimmed(std::string_view text) {
    size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    size_t end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

// --- commands --------------------------------------------------------------

std::string stat_command(const std::string &path, bool follow) {
    return std::string(kPrologue) + "stat " + (follow ? "-L " : "") + "-c " + kStatFormat + " " + arg(path);
}

std::string list_command(const std::string &dir) {
    // `ls -a` first, for its errors: a missing or unreadable directory, or
    // a file (through the trailing slash). The globs then give every
    // name, dot files too, without parsing ls; a pattern that matched
    // nothing stays as it is and names no file. An entry that vanished
    // meanwhile is skipped.
    return std::string(kPrologue) + "d=" + arg(dir) +
           "; ls -a \"$d/\" >/dev/null || exit 1; for f in \"$d\"/* \"$d\"/.*; do case ${f##*/} in .|..) continue;; "
           "esac; [ -e \"$f\" ] || [ -L \"$f\" ] || continue; stat -c " +
           kListFormat + " \"$f\" || ! [ -e \"$f\" ] || exit 1; done";
}

std::string mkdir_command(const std::string &path, uint32_t mode) {
    return std::string(kPrologue) + "mkdir -p -m " + octal(mode) + " " + arg(path);
}

std::string remove_command(const std::string &path) {
    // rm cannot remove a directory (BusyBox's has no -d); stdin is never a
    // terminal, so rm does not ask before removing a read-only file.
    return std::string(kPrologue) + "p=" + arg(path) +
           "; if [ -d \"$p\" ] && ! [ -L \"$p\" ]; then rmdir \"$p\"; else rm \"$p\"; fi";
}

std::string rename_command(const std::string &from, const std::string &to) {
    // -T: a destination directory is replaced (or refused), not entered.
    return std::string(kPrologue) + "mv -f -T " + arg(from) + " " + arg(to);
}

std::string realpath_command(const std::string &path) {
    // ls for the error if the path does not exist (BusyBox's realpath
    // prints a missing path as it is and succeeds).
    return std::string(kPrologue) + "p=" + arg(path) +
           "; ls -d \"$p\" >/dev/null || exit 1; if command -v realpath >/dev/null 2>&1; then realpath \"$p\"; else "
           "readlink -f \"$p\"; fi";
}

std::string download_command(const std::string &path) {
    return std::string(kPrologue) + "f=" + arg(path) + "; md5sum <\"$f\" && base64 <\"$f\"";
}

std::string upload_chunk_command(const std::string &temp, std::string_view data, bool first) {
    // A here-document rather than a quoted argument: its lines stay short
    // however big the chunk, and a console limits line length.
    std::string command = kPrologue;
    command += first ? "umask 077; set -C; base64 -d >" : "base64 -d >>";
    command += arg(temp);
    command += " <<'";
    command += kHereEnd;
    command += "'\n";
    command += base64_lines(data);
    command += kHereEnd;
    command += '\n';
    return command;
}

std::string upload_commit_command(const std::string &temp, const std::string &dest, const std::string &md5,
                                  uint32_t mode) {
    return std::string(kPrologue) + "t=" + arg(temp) + "; s=$(md5sum <\"$t\") || exit 1; [ \"${s%% *}\" = " + md5 +
           " ] || { echo \"checksum mismatch: the host's copy has md5 ${s%% *}\" >&2; exit 1; }; chmod " + octal(mode) +
           " \"$t\" && mv -f -T \"$t\" " + arg(dest);
}

std::string remove_temporary_command(const std::string &temp) { return "rm -f " + arg(temp); }

// --- output ----------------------------------------------------------------

std::optional<FileInfo> parse_stat_line(std::string_view line, std::string name) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    std::optional<std::string_view> rest;
    auto info = parse_fields(line, &rest);
    if (!info || rest) return std::nullopt;
    info->name = std::move(name);
    return info;
}

std::optional<std::vector<FileInfo>> parse_list_output(std::string_view output, const std::string &dir) {
    std::string prefix = (!dir.empty() && dir[0] == '-' ? "./" + dir : dir) + "/";
    std::vector<FileInfo> entries;
    if (!output.empty() && output.back() == '\n') output.remove_suffix(1);
    if (output.empty()) return entries;
    size_t start = 0;
    while (start <= output.size()) {
        size_t end = output.find('\n', start);
        if (end == std::string_view::npos) end = output.size();
        std::string_view line = output.substr(start, end - start);
        start = end + 1;
        std::optional<std::string_view> rest;
        auto info = parse_fields(line, &rest);
        if (info && rest && rest->size() > prefix.size() && rest->substr(0, prefix.size()) == prefix) {
            info->name = std::string(rest->substr(prefix.size()));
            entries.push_back(std::move(*info));
        } else if (!entries.empty()) {
            entries.back().name += '\n';
            entries.back().name += line;
        } else {
            return std::nullopt;
        }
    }
    return entries;
}

std::optional<std::string> parse_realpath_output(std::string_view output) {
    if (!output.empty() && output.back() == '\n') output.remove_suffix(1);
    if (output.empty() || output[0] != '/') return std::nullopt;
    return std::string(output);
}

Error oneshot_error(const CommandResult &result, std::string_view action, std::string_view path,
                    std::string_view where) {
    if (result.status == OTTO_STATUS_SUCCESS) return {};
    std::string subject = std::string(where) + ": cannot " + std::string(action) + " " + std::string(path) + ": ";
    if (result.status != OTTO_STATUS_FAILED) {
        // Never ran to the end: the one-shot's headline says why.
        std::string headline = trimmed(std::string_view(result.output).substr(0, result.output.find('\n')));
        int code = result.timed_out                                           ? OTTO_ETIMEDOUT
                   : headline.rfind("refused", 0) == 0                        ? OTTO_ENOTSUP
                   : contains(headline, "lost") || contains(headline, "died") ? OTTO_EIO
                                                                              : OTTO_ECONNECT;
        return Error(code, subject + (headline.empty() ? "the command did not run" : headline));
    }
    std::string text = trimmed(result.stderr_output);
    if (text.empty()) text = trimmed(result.output);
    if (text.size() > 500) text = text.substr(0, 500) + "...";
    // "No such file or directory" from the tools, "Directory nonexistent"
    // (dash) and "nonexistent directory" (ash) from a redirection.
    int code = contains(text, "No such file") || contains(text, "nonexistent") ? OTTO_ENOTFOUND
               : contains(text, "Permission denied")                           ? OTTO_EPERM
                                                                               : OTTO_EFILE;
    if (text.empty())
        return Error(code, subject + "the command failed with exit status " + std::to_string(result.retcode));
    return Error(code, subject + "\"" + text + "\"");
}

// --- DownloadReader --------------------------------------------------------

Error DownloadReader::feed(std::string_view line) {
    if (error_) return error_;
    if (!remote_md5_) {
        // "<32 hex digits>  -"
        std::string_view hex = line.substr(0, line.find(' '));
        if (hex.size() != 32 || hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
            error_ = Error(OTTO_EFILE, "unexpected md5sum output \"" + std::string(line.substr(0, 100)) + "\"");
            return error_;
        }
        remote_md5_ = std::string(hex);
        return {};
    }
    block_.clear();
    if (!decoder_.feed(line, block_)) {
        error_ = Error(OTTO_EFILE, "the content arrived damaged (not base64)");
        return error_;
    }
    if (block_.empty()) return {};
    md5_.update(block_);
    if (Error e = write_(block_)) {
        error_ = std::move(e);
        return error_;
    }
    bytes_ += block_.size();
    return {};
}

Error DownloadReader::finish() {
    if (error_) return error_;
    if (!remote_md5_) return Error(OTTO_EFILE, "md5sum printed nothing");
    if (!decoder_.complete()) return Error(OTTO_EFILE, "the content arrived cut short");
    std::string local = md5_.hex_digest();
    if (local.empty()) return Error(OTTO_EFILE, "cannot check the content: this OpenSSL has no MD5");
    if (local != *remote_md5_)
        return Error(OTTO_EFILE,
                     "checksum mismatch: md5 " + local + " arrived, the host's file has md5 " + *remote_md5_);
    return {};
}

}  // namespace otto
