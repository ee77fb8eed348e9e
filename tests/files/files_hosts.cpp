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

    // As root, the SSH host logs in as the lab's unprivileged user (the
    // lab's key admits it), so that permissions bite.
    FilesHost ssh;
    ssh.name = "ssh";
    ssh.root = false;
    ssh.make = [root](otto_context *ctx) {
        HostKind kind = kind_named("ssh_login_shell");
        otto_host_opts *raw = nullptr;
        EXPECT_EQ(otto_host_opts_new(&raw), OTTO_OK);
        HostOpts opts(raw);
        kind.configure(opts.get());
        const auto &user = test_lab().password_user();
        otto_host *host = nullptr;
        EXPECT_EQ(otto_host_new_ssh(&host, ctx, "127.0.0.1", root && user ? user->name.c_str() : nullptr, opts.get()),
                  OTTO_OK)
            << otto_last_error_message();
        return Host(host);
    };
    hosts.push_back(ssh);

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
