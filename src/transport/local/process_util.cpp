#include "transport/local/process_util.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char **environ;

namespace otto {

namespace {

std::string name_of(const std::string &entry) { return entry.substr(0, entry.find('=')); }

// Fields of /proc/<pid>/stat after the command name, which may itself hold
// spaces and parentheses: field 4 is ppid, field 6 the session id.
// A plain read(2), not a stream: the process may end between the open and
// the read, which then fails with ESRCH, and a stream throws for that.
bool read_stat(pid_t pid, pid_t *ppid, pid_t *sid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[4096];  // the whole file: procfs renders it in one read
    ssize_t n;
    do {
        n = read(fd, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0) return false;
    std::string content(buf, static_cast<size_t>(n));
    size_t close_paren = content.rfind(')');
    if (close_paren == std::string::npos) return false;
    std::istringstream rest(content.substr(close_paren + 1));
    std::string state;
    long parent = 0, group = 0, session = 0;
    if (!(rest >> state >> parent >> group >> session)) return false;
    *ppid = static_cast<pid_t>(parent);
    *sid = static_cast<pid_t>(session);
    return true;
}

template <class Visit>
void for_each_process(Visit visit) {
    DIR *dir = opendir("/proc");
    if (dir == nullptr) return;
    while (struct dirent *entry = readdir(dir)) {
        char *end = nullptr;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || pid <= 0) continue;
        pid_t ppid = 0, sid = 0;
        if (read_stat(static_cast<pid_t>(pid), &ppid, &sid)) visit(static_cast<pid_t>(pid), ppid, sid);
    }
    closedir(dir);
}

}  // namespace

CStringArray::CStringArray(std::vector<std::string> strings) : strings_(std::move(strings)) {
    for (auto &s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
}

std::vector<std::string> environment_with(const std::vector<std::string> &remove, const std::vector<std::string> &set) {
    std::vector<std::string> env;
    for (char **e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry(*e);
        std::string name = name_of(entry);
        bool drop = false;
        for (const auto &r : remove) drop = drop || r == name;
        for (const auto &s : set) drop = drop || name_of(s) == name;
        if (!drop) env.push_back(std::move(entry));
    }
    for (const auto &s : set) env.push_back(s);
    return env;
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> children;
    for_each_process([&](pid_t pid, pid_t ppid, pid_t) {
        if (ppid == parent) children.push_back(pid);
    });
    return children;
}

void signal_session(pid_t sid, int sig) {
    if (sid <= 1) return;
    // The leader by its pid first: until the child has called setsid() it is
    // still in its parent's session, so the scan below would miss it, and a
    // shell closed right after its spawn would live on (and hold the close).
    signal_process(sid, sig);
    std::vector<pid_t> members;
    for_each_process([&](pid_t pid, pid_t, pid_t session) {
        if (session == sid && pid != sid) members.push_back(pid);
    });
    for (pid_t pid : members) signal_process(pid, sig);
}

void signal_process(pid_t pid, int sig) {
    if (pid > 1) ::kill(pid, sig);  // ESRCH (already gone) is fine
}

}  // namespace otto
