#include "otto_test.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace otto_test {

Cmd copy_cmd(const otto_cmd_result *r) {
    Cmd c;
    if (r == nullptr) return c;
    c.command = otto_cmd_result_command(r);
    size_t len = 0;
    const char *out = otto_cmd_result_output(r, &len);
    c.output.assign(out, len);
    out = otto_cmd_result_stderr(r, &len);
    c.stderr_output.assign(out, len);
    c.status = otto_cmd_result_status(r);
    c.retcode = otto_cmd_result_retcode(r);
    c.timed_out = otto_cmd_result_timed_out(r) != 0;
    c.duration = otto_cmd_result_duration(r);
    if (const char *sig = otto_cmd_result_signal(r)) c.signal = sig;
    return c;
}

Run copy_run(otto_op *op) {
    Run r;
    r.error = otto_op_error(op);
    r.error_message = otto_op_error_message(op);
    if (const otto_run_result *result = otto_op_run_result(op)) {
        r.status = otto_run_result_status(result);
        for (size_t i = 0; i < otto_run_result_count(result); ++i)
            r.commands.push_back(copy_cmd(otto_run_result_get(result, i)));
    }
    return r;
}

Context make_context(int dispatch, bool dry_run) {
    otto_context_opts *raw_opts = nullptr;
    EXPECT_EQ(otto_context_opts_new(&raw_opts), OTTO_OK);
    ContextOpts opts(raw_opts);
    EXPECT_EQ(otto_context_opts_set_dispatch(opts.get(), dispatch), OTTO_OK);
    EXPECT_EQ(otto_context_opts_set_dry_run(opts.get(), dry_run ? 1 : 0), OTTO_OK);
    otto_context *ctx = nullptr;
    EXPECT_EQ(otto_context_new(&ctx, opts.get()), OTTO_OK) << otto_last_error_message();
    return Context(ctx);
}

Run wait_run(otto_op *op) {
    EXPECT_EQ(otto_op_wait(op, kHangMs), OTTO_OK) << "op did not finish: hang";
    return copy_run(op);
}

Run run(otto_host *host, const std::string &command, otto_run_opts *opts) {
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_host_run(&raw, host, command.c_str(), opts, nullptr, nullptr), OTTO_OK) << otto_last_error_message();
    Op op(raw);
    return wait_run(op.get());
}

Run run(otto_session *session, const std::string &command, otto_run_opts *opts) {
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_session_run(&raw, session, command.c_str(), opts, nullptr, nullptr), OTTO_OK)
        << otto_last_error_message();
    Op op(raw);
    return wait_run(op.get());
}

Run run_list(otto_host *host, const std::vector<std::string> &commands, otto_run_opts *opts) {
    otto_commands *raw_list = nullptr;
    EXPECT_EQ(otto_commands_new(&raw_list), OTTO_OK);
    Commands list(raw_list);
    for (const auto &c : commands) EXPECT_EQ(otto_commands_add(nullptr, list.get(), c.c_str()), OTTO_OK);
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_host_run_commands(&raw, host, list.get(), opts, nullptr, nullptr), OTTO_OK)
        << otto_last_error_message();
    Op op(raw);
    return wait_run(op.get());
}

Cmd oneshot(otto_host *host, const std::string &command, otto_run_opts *opts) {
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_host_oneshot(&raw, host, command.c_str(), opts, nullptr, nullptr), OTTO_OK)
        << otto_last_error_message();
    Op op(raw);
    EXPECT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_OK) << otto_op_error_message(op.get());
    return copy_cmd(otto_op_cmd_result(op.get()));
}

namespace {
int finish(otto_op *raw, std::string *match) {
    Op op(raw);
    EXPECT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    if (match != nullptr) {
        size_t len = 0;
        const char *m = otto_op_expect_match(op.get(), &len);
        match->assign(m != nullptr ? m : "", len);
    }
    return otto_op_error(op.get());
}
}  // namespace

int send(otto_host *host, const std::string &text) {
    otto_op *raw = nullptr;
    int rc = otto_host_send(&raw, host, text.data(), text.size(), nullptr, nullptr);
    if (rc != OTTO_OK) return rc;
    return finish(raw, nullptr);
}

int send(otto_session *session, const std::string &text) {
    otto_op *raw = nullptr;
    int rc = otto_session_send(&raw, session, text.data(), text.size(), nullptr, nullptr);
    if (rc != OTTO_OK) return rc;
    return finish(raw, nullptr);
}

int expect(otto_host *host, const std::string &pattern, double timeout, std::string *match) {
    otto_op *raw = nullptr;
    int rc = otto_host_expect(&raw, host, pattern.c_str(), timeout, nullptr, nullptr);
    if (rc != OTTO_OK) return rc;
    return finish(raw, match);
}

int expect(otto_session *session, const std::string &pattern, double timeout, std::string *match) {
    otto_op *raw = nullptr;
    int rc = otto_session_expect(&raw, session, pattern.c_str(), timeout, nullptr, nullptr);
    if (rc != OTTO_OK) return rc;
    return finish(raw, match);
}

Session open_session(otto_host *host, const std::string &name, int *error) {
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_host_open_session(&raw, host, name.c_str(), nullptr, nullptr), OTTO_OK);
    Op op(raw);
    EXPECT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    if (error != nullptr) *error = otto_op_error(op.get());
    otto_session *session = nullptr;
    if (otto_op_error(op.get()) == OTTO_OK) {
        EXPECT_EQ(otto_op_take_session(&session, op.get()), OTTO_OK);
    }
    return Session(session);
}

RunOpts run_opts_with_timeout(double seconds) {
    otto_run_opts *raw = nullptr;
    EXPECT_EQ(otto_run_opts_new(&raw), OTTO_OK);
    EXPECT_EQ(otto_run_opts_set_timeout(raw, seconds), OTTO_OK);
    return RunOpts(raw);
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "otto-test-XXXXXX").string();
    char *made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
    // Shells of remote kinds may run as the lab's own user (telnet logins):
    // let them write here too, as in /tmp.
    ::chmod(path_.c_str(), 01777);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

namespace {
long status_kib(const char *key) {
    std::ifstream status("/proc/self/status");
    std::string word;
    while (status >> word) {
        if (word == key) {
            long value = 0;
            status >> value;
            return value;
        }
    }
    ADD_FAILURE() << "no " << key << " in /proc/self/status";
    return 0;
}
}  // namespace

MemoryPeak::MemoryPeak() {
    std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to VmRSS
    start_kib_ = status_kib("VmRSS:");
}

long MemoryPeak::growth_kib() const { return status_kib("VmHWM:") - start_kib_; }

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t count_lines(const std::string &path) {
    std::string content = read_file(path);
    size_t n = 0;
    for (char c : content) n += c == '\n';
    return n;
}

}  // namespace otto_test
