#include "lab/file_paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace otto::lab {

namespace {

std::string home_directory() {
    if (const char *home = std::getenv("HOME"); home && *home) return home;
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
    passwd entry{};
    passwd *found = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_dir)
        return found->pw_dir;
    return {};
}

}  // namespace

std::string expand_home(std::string_view path) {
    if (path == "~" || path.substr(0, 2) == "~/") {
        std::string home = home_directory();
        if (!home.empty()) return home + std::string(path.substr(1));
    }
    return std::string(path);
}

std::string resolve_path(std::string_view path, std::string_view base_dir) {
    std::string expanded = expand_home(path);
    if (expanded.empty() || expanded.front() == '/' || base_dir.empty()) return expanded;
    return (std::filesystem::path(base_dir) / expanded).lexically_normal().string();
}

std::string directory_of(std::string_view file) {
    return std::filesystem::path(std::string(file)).parent_path().string();
}

}  // namespace otto::lab
