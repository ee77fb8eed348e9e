#include "files_hosts.hpp"

#include <unistd.h>

#include <memory>
#include <mutex>

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

// A second sshd, started on first use, that serves no SFTP subsystem (as
// some appliances do): its hosts fall back to shell commands over exec
// channels.
const otto_lab::Lab &lab_without_sftp() {
    static std::unique_ptr<otto_lab::Lab> instance;
    static std::once_flag once;
    std::call_once(once, [] {
        otto_lab::Options options;
        options.die_with_parent = true;
        options.max_sessions = 64;
        options.sftp = false;
        instance = otto_lab::Lab::start(options);
    });
    return *instance;
}

// An SSH host logging in as the lab's unprivileged user when the tests run
// as root (the lab's key admits it), so that permissions bite.
Host unprivileged_ssh_host(otto_context *ctx, const otto_lab::Lab &lab) {
    otto_host_opts *raw = nullptr;
    EXPECT_EQ(otto_host_opts_new(&raw), OTTO_OK);
    HostOpts opts(raw);
    EXPECT_EQ(otto_host_opts_set_port(opts.get(), lab.ssh().at(0).port), OTTO_OK);
    EXPECT_EQ(otto_host_opts_add_identity(opts.get(), lab.user().key.c_str()), OTTO_OK);
    EXPECT_EQ(otto_host_opts_set_known_hosts(opts.get(), lab.known_hosts().c_str()), OTTO_OK);
    EXPECT_EQ(otto_host_opts_set_host_key_policy(opts.get(), OTTO_HOST_KEY_STRICT), OTTO_OK);
    const auto &user = lab.password_user();
    bool root = getuid() == 0;
    otto_host *host = nullptr;
    EXPECT_EQ(otto_host_new_ssh(&host, ctx, "127.0.0.1", root && user ? user->name.c_str() : nullptr, opts.get()),
              OTTO_OK)
        << otto_last_error_message();
    return Host(host);
}

}  // namespace

std::vector<FilesHost> files_hosts() {
    bool root = getuid() == 0;
    std::vector<FilesHost> hosts;

    FilesHost local = from_kind("local", "local_bash_pipes");
    local.root = root;
    hosts.push_back(local);

    // SFTP.
    FilesHost ssh;
    ssh.name = "ssh";
    ssh.make = [](otto_context *ctx) { return unprivileged_ssh_host(ctx, test_lab()); };
    hosts.push_back(ssh);

    // Shell commands over exec channels, on a server without SFTP. Its
    // large file is smaller: base64 through a shell, as on consoles.
    FilesHost no_sftp;
    no_sftp.name = "ssh_without_sftp";
    no_sftp.large_size = 20'000'000;
    no_sftp.make = [](otto_context *ctx) { return unprivileged_ssh_host(ctx, lab_without_sftp()); };
    hosts.push_back(no_sftp);

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
