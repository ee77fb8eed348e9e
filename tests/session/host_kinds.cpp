#include "host_kinds.hpp"

#include <sstream>

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

}  // namespace

std::vector<HostKind> all_host_kinds() {
    return {
        local("local_bash_pty", true, {"bash", "--norc", "--noprofile"}, false),
        local("local_bash_pipes", false, {"bash", "--norc", "--noprofile"}, false),
        local("local_dash_pty", true, {"dash"}, false),
        local("local_ash_pty", true, {"busybox", "ash"}, true),
    };
}

Host make_host(otto_context *ctx, const HostKind &kind, const std::function<void(otto_host_opts *)> &extra) {
    otto_host_opts *raw = nullptr;
    EXPECT_EQ(otto_host_opts_new(&raw), OTTO_OK);
    HostOpts opts(raw);
    kind.configure(opts.get());
    if (extra) extra(opts.get());
    otto_host *host = nullptr;
    EXPECT_EQ(otto_host_new_local(&host, ctx, opts.get()), OTTO_OK) << otto_last_error_message();
    return Host(host);
}

std::vector<std::string> counting_shell(const HostKind &kind, const std::string &counter, double delay) {
    std::ostringstream script;
    script << "echo start >> '" << counter << "'; sleep " << delay << "; exec";
    for (auto &a : kind.shell) script << " '" << a << "'";
    return {"sh", "-c", script.str()};
}

std::string kind_name(const ::testing::TestParamInfo<HostKind> &info) { return info.param.name; }

}  // namespace otto_test
