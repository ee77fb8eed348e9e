#include "lab/lab_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "lab/file_paths.hpp"
#include "lab/json_path.hpp"

namespace otto::lab {

namespace fs = std::filesystem;

namespace {

bool is_file(const std::string &path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

std::string joined(const std::string &dir, const char *name) {
    if (dir.empty() || dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

}  // namespace

LabFileSearch find_lab_files(const std::vector<std::string> &search_paths) {
    LabFileSearch search;
    std::set<std::string> seen;  // canonical names: a file reached twice is read once
    auto take = [&](const std::string &file) {
        std::error_code ec;
        std::string canonical = fs::weakly_canonical(file, ec).string();
        if (ec) canonical = file;
        if (seen.insert(canonical).second) search.files.push_back(file);
    };
    for (const auto &entry : search_paths) {
        std::string path = expand_home(entry);
        bool json_file = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
        if (json_file) {
            if (is_file(path)) take(path);
            else search.tried.push_back(json_quote(path) + " (no such file)");
            continue;
        }
        std::string lab = joined(path, "lab.json");
        std::string legacy = joined(path, "hosts.json");
        bool has_lab = is_file(lab);
        bool has_legacy = is_file(legacy);
        if (has_lab) {
            take(lab);
            if (has_legacy) search.warnings.push_back(legacy + ": ignored: " + lab + " is read instead");
        } else if (has_legacy) {
            take(legacy);
        } else {
            search.tried.push_back(json_quote(path) + " (no lab.json or hosts.json)");
        }
    }
    return search;
}

bool read_whole_file(const std::string &file, std::string &text, std::string &error) {
    // read(2) rather than a stream: a stream turns a failed read (EIO,
    // EISDIR) into an early end of file, and the file would seem empty.
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = file + ": cannot read the file: " + std::strerror(errno);
        return false;
    }
    std::string content;
    char buffer[65536];
    while (true) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            error = file + ": cannot read the file: " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        content.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    text = std::move(content);
    return true;
}

}  // namespace otto::lab
