// The ways a host serves files, as the files suite runs over them: the
// local file system, SFTP, shell commands over an SSH server without SFTP,
// and shell commands typed into a telnet console.
#pragma once

#include <functional>
#include <string>

#include "otto_test.hpp"

namespace otto_test {

struct FilesHost {
    std::string name;
    std::function<Host(otto_context *)> make;
    size_t binary_size = 1 << 20;     // the random binary round trip
    size_t large_size = 100'000'000;  // the large round trip and the canceled put
    bool root = false;                // the host's user is root
    bool unprivileged() const { return !root; }
};

std::vector<FilesHost> files_hosts();
std::string files_host_name(const ::testing::TestParamInfo<FilesHost> &info);

inline void PrintTo(const FilesHost &host, std::ostream *os) { *os << host.name; }

}  // namespace otto_test
