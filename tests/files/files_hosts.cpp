#include "files_hosts.hpp"

#include <unistd.h>

#include "host_kinds.hpp"
#include "lab.hpp"

namespace otto_test {

namespace {

HostKind kind_named(const std::string &name) {
    for (auto &k : all_host_kinds())
        if (k.name == name) return k;
    ADD_FAILURE() << "no host kind " << name;
    return {};
}

FilesHost from_kind(const std::string &name, const std::string &kind_name) {
    FilesHost h;
    h.name = name;
    h.make = [kind_name](otto_context *ctx) { return make_host(ctx, kind_named(kind_name)); };
    return h;
}

}  // namespace

std::vector<FilesHost> files_hosts() {
    bool root = getuid() == 0;
    std::vector<FilesHost> hosts;

    FilesHost local = from_kind("local", "local_bash_pipes");
    local.root = root;
    hosts.push_back(local);

    // SSH kinds log in as the invoking user (make_host passes no user), so
    // as root permissions do not bite over SFTP either.
    FilesHost sftp = from_kind("ssh_sftp", "ssh_login_shell");
    sftp.root = root;
    hosts.push_back(sftp);

    // A console: shell commands typed into BusyBox ash, about 1 MB/s, so
    // the large file is 2 MB. Its shell is root's.
    FilesHost console = from_kind("telnet_ash", "telnet_ash");
    console.binary_size = 64 * 1024;
    console.large_size = 2'000'000;
    console.root = true;
    hosts.push_back(console);
    return hosts;
}

std::string files_host_name(const ::testing::TestParamInfo<FilesHost> &info) { return info.param.name; }

}  // namespace otto_test
