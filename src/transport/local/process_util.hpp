// Small process helpers for the local transports: environments, signalling
// whole sessions, and finding a shell's children through /proc.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace otto {

// Strings kept alive together with the NULL-terminated char* array that
// exec-style APIs (uv_spawn's args and env) take.
class CStringArray {
public:
    explicit CStringArray(std::vector<std::string> strings);
    CStringArray(const CStringArray &) = delete;
    CStringArray &operator=(const CStringArray &) = delete;
    char **data() { return pointers_.data(); }

private:
    std::vector<std::string> strings_;
    std::vector<char *> pointers_;
};

// The current environment without `remove`, plus `set` ("NAME=value")
// entries replacing any of the same name.
std::vector<std::string> environment_with(const std::vector<std::string> &remove, const std::vector<std::string> &set);

// Pids of the direct children of `parent`.
std::vector<pid_t> children_of(pid_t parent);

// Sends `sig` to every process of session `sid` (the shell made itself the
// leader of a new session, so this reaches all it started, whatever process
// group job control put them in). "No such process" is expected and ignored:
// a process may exit between listing and signalling.
void signal_session(pid_t sid, int sig);

// Sends `sig` to `pid`, ignoring ESRCH.
void signal_process(pid_t pid, int sig);

}  // namespace otto
