#include "host_kinds.hpp"

#include <unistd.h>

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

// Telnet servers with /bin/login need the lab's password user, which only
// root can create.
bool can_log_in_over_telnet() { return getuid() == 0; }

// The lab's telnet servers, in the order Lab::start creates them.
enum TelnetServerIndex : size_t { kTelnetLogin = 0, kTelnetShell = 1, kTelnetAsh = 2 };

size_t telnet_index(TelnetServerIndex which) {
    return can_log_in_over_telnet() ? which : static_cast<size_t>(which) - 1;
}

// One loopback sshd and the telnet servers per test process, started on
// first use and stopped at exit (and with the process, should it crash).
otto_lab::Lab &lab() {
    static std::unique_ptr<otto_lab::Lab> instance;
    static std::once_flag once;
    std::call_once(once, [] {
        otto_lab::Options options;
        options.die_with_parent = true;
        options.max_sessions = 64;
        options.telnet_login_servers = can_log_in_over_telnet() ? 1 : 0;
        options.telnet_shell_servers = 1;
        options.telnet_ash_servers = 1;
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
HostKind ssh(std::string name, std::vector<std::string> shell, bool pty = true) {
    HostKind k;
    k.name = std::move(name);
    k.transport = HostKind::Transport::Ssh;
    k.pty = pty;
    k.line_limit = pty ? 4000 : 0;
    k.shell = shell.empty() ? std::vector<std::string>{"bash", "--norc", "--noprofile"} : shell;
    k.configure = [shell, pty](otto_host_opts *opts) {
        otto_lab::Lab &l = lab();
        EXPECT_EQ(otto_host_opts_set_pty(opts, pty ? 1 : 0), OTTO_OK);
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

// A telnet host on one of the lab's telnet servers.
HostKind telnet(std::string name, TelnetServerIndex which) {
    HostKind k;
    k.name = std::move(name);
    k.transport = HostKind::Transport::Telnet;
    k.pty = true;
    k.ash = which == kTelnetAsh;
    k.line_limit = k.ash ? 1022 : 4000;
    // What the console runs: the password user's login shell, dash as
    // /bin/sh, or BusyBox ash. Tests that wrap the shell exec this.
    k.shell = which == kTelnetLogin ? std::vector<std::string>{"bash", "--norc", "--noprofile"}
              : which == kTelnetAsh ? std::vector<std::string>{"busybox", "ash"}
                                    : std::vector<std::string>{"dash"};
    k.oneshot_timeout_kills_children = false;
    k.configure = [which](otto_host_opts *opts) {
        otto_lab::Lab &l = lab();
        EXPECT_EQ(otto_host_opts_set_port(opts, l.telnet().at(telnet_index(which)).port), OTTO_OK);
        if (which == kTelnetLogin) {
            EXPECT_EQ(otto_host_opts_set_password(opts, l.password_user()->password.c_str()), OTTO_OK);
        } else {
            EXPECT_EQ(otto_host_opts_set_telnet_login(opts, 0), OTTO_OK);
        }
        if (which == kTelnetAsh) {
            EXPECT_EQ(otto_host_opts_set_command_frame(opts, OTTO_FRAME_ASH), OTTO_OK);
        }
    };
    return k;
}

}  // namespace

std::vector<HostKind> all_host_kinds() {
    std::vector<HostKind> kinds{
        local("local_bash_pty", true, {"bash", "--norc", "--noprofile"}, false),
        local("local_bash_pipes", false, {"bash", "--norc", "--noprofile"}, false),
        local("local_dash_pty", true, {"dash"}, false),
        local("local_ash_pty", true, {"busybox", "ash"}, true),
        ssh("ssh_login_shell", {}),
        ssh("ssh_dash", {"dash"}),
        ssh("ssh_bash_pipes", {"bash", "--norc", "--noprofile"}, false),
    };
    if (can_log_in_over_telnet()) kinds.push_back(telnet("telnet_login", kTelnetLogin));
    kinds.push_back(telnet("telnet_shell", kTelnetShell));
    kinds.push_back(telnet("telnet_ash", kTelnetAsh));
    return kinds;
}

const otto_lab::Lab &test_lab() { return lab(); }

Host make_host(otto_context *ctx, const HostKind &kind, const std::function<void(otto_host_opts *)> &extra) {
    otto_host_opts *raw = nullptr;
    EXPECT_EQ(otto_host_opts_new(&raw), OTTO_OK);
    HostOpts opts(raw);
    kind.configure(opts.get());
    if (extra) extra(opts.get());
    otto_host *host = nullptr;
    if (kind.transport == HostKind::Transport::Ssh) {
        EXPECT_EQ(otto_host_new_ssh(&host, ctx, "127.0.0.1", nullptr, opts.get()), OTTO_OK)
            << otto_last_error_message();
    } else if (kind.transport == HostKind::Transport::Telnet) {
        const char *user = kind.name == "telnet_login" ? test_lab().password_user()->name.c_str() : nullptr;
        EXPECT_EQ(otto_host_new_telnet(&host, ctx, "127.0.0.1", user, opts.get()), OTTO_OK)
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
