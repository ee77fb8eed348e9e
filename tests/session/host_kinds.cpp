#include "host_kinds.hpp"

#include <memory>
#include <mutex>
#include <sstream>

#include "lab.hpp"

namespace otto_test {

namespace {

void set_shell(otto_host_opts *opts, const std::vector<std::string> &argv) {
    std::vector<const char *> args;
    for (auto &a : argv) args.push_back(a.c_str());
    EXPECT_EQ(otto_host_opts_set_shell(opts, args.data(), args.size()), OTTO_OK) << otto_last_error_message();
}

HostKind local(std::string name, bool pty, std::vector<std::string> shell, bool ash) {
    HostKind k;
    k.name = std::move(name);
    k.pty = pty;
    k.ash = ash;
    k.line_limit = ash ? 1022 : (pty ? 4000 : 0);
    k.shell = shell;
    k.configure = [pty, shell, ash](otto_host_opts *opts) {
        EXPECT_EQ(otto_host_opts_set_pty(opts, pty ? 1 : 0), OTTO_OK);
        set_shell(opts, shell);
        if (ash) {
            EXPECT_EQ(otto_host_opts_set_command_frame(opts, OTTO_FRAME_ASH), OTTO_OK);
        }
    };
    return k;
}

// One loopback sshd per test process, started on first use and stopped at
// exit (and with the process, should it crash).
otto_lab::Lab &lab() {
    static std::unique_ptr<otto_lab::Lab> instance;
    static std::once_flag once;
    std::call_once(once, [] {
        otto_lab::Options options;
        options.die_with_parent = true;
        options.max_sessions = 64;
        instance = otto_lab::Lab::start(options);
    });
    return *instance;
}

// The user SSH kinds log in as; empty: the invoking user.
std::string &ssh_user() {
    static std::string user;
    return user;
}

// An SSH host on the lab's sshd. An empty `shell` means the login shell.
HostKind ssh(std::string name, std::vector<std::string> shell) {
    HostKind k;
    k.name = std::move(name);
    k.ssh = true;
    k.pty = true;
    k.line_limit = 4000;
    k.shell = shell.empty() ? std::vector<std::string>{"bash", "--norc", "--noprofile"} : shell;
    k.oneshot_timeout_kills_children = false;
    k.configure = [shell](otto_host_opts *opts) {
        otto_lab::Lab &l = lab();
        // Log in as the lab's clean user where there is one (as root): an
        // empty home, so no start-up files slow or disturb what is measured.
        if (l.password_user()) ssh_user() = l.password_user()->name;
        EXPECT_EQ(otto_host_opts_set_port(opts, l.ssh().at(0).port), OTTO_OK);
        EXPECT_EQ(otto_host_opts_add_identity(opts, l.user().key.c_str()), OTTO_OK);
        EXPECT_EQ(otto_host_opts_set_known_hosts(opts, l.known_hosts().c_str()), OTTO_OK);
        EXPECT_EQ(otto_host_opts_set_host_key_policy(opts, OTTO_HOST_KEY_STRICT), OTTO_OK);
        if (!shell.empty()) set_shell(opts, shell);
    };
    return k;
}

}  // namespace

std::vector<HostKind> all_host_kinds() {
    return {
        local("local_bash_pty", true, {"bash", "--norc", "--noprofile"}, false),
        local("local_bash_pipes", false, {"bash", "--norc", "--noprofile"}, false),
        local("local_dash_pty", true, {"dash"}, false),
        local("local_ash_pty", true, {"busybox", "ash"}, true),
        ssh("ssh_login_shell", {}),
        ssh("ssh_dash", {"dash"}),
    };
}

const otto_lab::Lab &test_lab() { return lab(); }

Host make_host(otto_context *ctx, const HostKind &kind, const std::function<void(otto_host_opts *)> &extra) {
    otto_host_opts *raw = nullptr;
    EXPECT_EQ(otto_host_opts_new(&raw), OTTO_OK);
    HostOpts opts(raw);
    kind.configure(opts.get());
    if (extra) extra(opts.get());
    otto_host *host = nullptr;
    if (kind.ssh) {
        EXPECT_EQ(otto_host_new_ssh(&host, ctx, "127.0.0.1", nullptr, opts.get()), OTTO_OK)
            << otto_last_error_message();
    } else {
        EXPECT_EQ(otto_host_new_local(&host, ctx, opts.get()), OTTO_OK) << otto_last_error_message();
    }
    return Host(host);
}

std::vector<std::string> counting_shell(const HostKind &kind, const std::string &counter, double delay) {
    std::ostringstream script;
    script << "echo start >> '" << counter << "'; sleep " << delay << "; exec";
    for (auto &a : kind.shell) script << " '" << a << "'";
    return {"sh", "-c", script.str()};
}

std::vector<std::string> barrier_shell(const HostKind &kind, const std::string &counter, int starts) {
    std::ostringstream script;
    script << "echo start >> '" << counter << "'; while [ \"$(wc -l < '" << counter << "')\" -lt " << starts
           << " ]; do sleep 0.01; done; exec";
    for (auto &a : kind.shell) script << " '" << a << "'";
    return {"sh", "-c", script.str()};
}

std::string kind_name(const ::testing::TestParamInfo<HostKind> &info) { return info.param.name; }

}  // namespace otto_test
