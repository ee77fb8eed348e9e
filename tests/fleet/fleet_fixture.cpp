#include "fleet_fixture.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>

namespace otto_test {

otto_lab::Lab &fleet_lab() {
    static std::unique_ptr<otto_lab::Lab> instance;
    static std::once_flag once;
    std::call_once(once, [] {
        otto_lab::Options options;
        options.die_with_parent = true;
        options.ssh_servers = 2;
        options.telnet_login_servers = getuid() == 0 ? 1 : 0;  // /bin/login needs the lab user
        options.telnet_shell_servers = 1;
        options.telnet_ash_servers = 1;
        instance = otto_lab::Lab::start(options);
        // The lab file sits alone in a directory of its own, as lab.json.
        std::string dir = instance->dir() + "/otto";
        if (mkdir(dir.c_str(), 0755) != 0) throw std::runtime_error("cannot create " + dir);
        instance->write_otto_lab(dir + "/lab.json", "fleet");
    });
    return *instance;
}

const std::string &fleet_lab_dir() {
    static const std::string dir = fleet_lab().dir() + "/otto";
    return dir;
}

std::vector<std::string> fleet_remote_ids() {
    std::vector<std::string> ids{"ssh0", "ssh1"};
    if (getuid() == 0) ids.emplace_back("console0");
    ids.emplace_back("shell0");
    ids.emplace_back("ash0");
    return ids;
}

Context open_lab_context(const ContextSettings &settings, int *error) {
    otto_context_opts *raw = nullptr;
    EXPECT_EQ(otto_context_opts_new(&raw), OTTO_OK);
    ContextOpts opts(raw);
    EXPECT_EQ(otto_context_opts_set_dispatch(opts.get(), settings.dispatch), OTTO_OK);
    EXPECT_EQ(otto_context_opts_set_dry_run(opts.get(), settings.dry_run ? 1 : 0), OTTO_OK);
    if (settings.log) {
        EXPECT_EQ(otto_context_opts_set_log_cb(opts.get(), settings.log, settings.log_data), OTTO_OK);
    }
    EXPECT_EQ(otto_context_opts_set_log_queue(opts.get(), settings.log_queue), OTTO_OK);
    if (!settings.lab.empty()) {
        EXPECT_EQ(otto_context_opts_set_lab(opts.get(), settings.lab.c_str()), OTTO_OK);
    }
    if (!settings.json.empty()) {
        EXPECT_EQ(otto_context_opts_set_lab_json(opts.get(), settings.json.c_str()), OTTO_OK);
    } else {
        std::vector<std::string> paths = settings.paths;
        if (paths.empty()) paths.push_back(fleet_lab_dir());
        for (const auto &p : paths) EXPECT_EQ(otto_context_opts_add_lab_path(opts.get(), p.c_str()), OTTO_OK);
    }
    otto_context *ctx = nullptr;
    int rc = otto_context_new(&ctx, opts.get());
    if (error != nullptr) *error = rc;
    else EXPECT_EQ(rc, OTTO_OK) << otto_last_error_message();
    return Context(ctx);
}

FanoutOpts fanout_opts(const std::string &hosts_regex, bool include_local) {
    otto_fanout_opts *raw = nullptr;
    EXPECT_EQ(otto_fanout_opts_new(&raw), OTTO_OK);
    FanoutOpts opts(raw);
    if (!hosts_regex.empty()) {
        EXPECT_EQ(otto_fanout_opts_set_hosts(opts.get(), hosts_regex.c_str()), OTTO_OK);
    }
    EXPECT_EQ(otto_fanout_opts_set_include_local(opts.get(), include_local ? 1 : 0), OTTO_OK);
    return opts;
}

void wait_fanout(otto_op *op) {
    ASSERT_EQ(otto_op_wait(op, kHangMs), OTTO_OK);
    ASSERT_EQ(otto_op_kind(op), OTTO_OP_FANOUT);
}

std::vector<std::pair<std::string, otto_op *>> fanout_entries(otto_op *op) {
    std::vector<std::pair<std::string, otto_op *>> out;
    const otto_fanout_result *r = otto_op_fanout_result(op);
    if (r == nullptr) {
        ADD_FAILURE() << "no fan-out result: " << otto_op_error_message(op);
        return out;
    }
    for (size_t i = 0; i < otto_fanout_result_count(r); ++i)
        out.emplace_back(otto_fanout_result_host(r, i), otto_fanout_result_op(r, i));
    return out;
}

}  // namespace otto_test
