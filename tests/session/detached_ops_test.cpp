// Detached ops: every function of the header that submits an op, called
// with out == NULL and a callback, calls that callback exactly once (the
// header's promise in "Running things on a host"). The table is checked
// against include/otto.h, so a new submitting function must join it.
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "session_fixture.hpp"

namespace otto_test {
namespace {

// Every `OTTO_API int name(otto_op **out, ...` of the public header.
std::set<std::string> submitting_functions_of_the_header() {
    std::ifstream header(OTTO_PUBLIC_HEADER);
    EXPECT_TRUE(header.good()) << "cannot read " << OTTO_PUBLIC_HEADER;
    std::stringstream text;
    text << header.rdbuf();
    std::string all = text.str();
    std::set<std::string> names;
    std::regex declaration(R"(OTTO_API\s+int\s+(\w+)\s*\(\s*otto_op\s*\*\*\s*out\b)");
    for (std::sregex_iterator it(all.begin(), all.end(), declaration), end; it != end; ++it)
        names.insert((*it)[1].str());
    return names;
}

struct Call {
    std::string name;
    std::function<int(otto_op_cb, void *)> submit;
    std::atomic<int> calls{0};
    std::atomic<int> error{OTTO_EPENDING};
};

void count_call(otto_op *op, void *user_data) {
    auto *call = static_cast<Call *>(user_data);
    call->error = otto_op_error(op);
    call->calls += 1;
}

// Freed ops own their options: fixtures that live as long as the test.
struct Fixtures {
    TempDir dir;
    std::string local_file, remote_dir, remote_file, get_dir;
    otto_run_opts *run_opts = nullptr;
    otto_commands *commands = nullptr;
    otto_transfer_opts *transfer_opts = nullptr;
    otto_fanout_opts *fanout_opts = nullptr;
    otto_repeat_opts *repeat_opts = nullptr;

    Fixtures() {
        local_file = dir.file("source.txt");
        std::ofstream(local_file) << "payload\n";
        remote_dir = dir.file("remote");
        remote_file = dir.file("written.txt");
        get_dir = dir.file("fetched");
        EXPECT_EQ(otto_run_opts_new(&run_opts), OTTO_OK);
        EXPECT_EQ(otto_commands_new(&commands), OTTO_OK);
        EXPECT_EQ(otto_commands_add(nullptr, commands, "echo listed"), OTTO_OK);
        EXPECT_EQ(otto_transfer_opts_new(&transfer_opts), OTTO_OK);
        EXPECT_EQ(otto_fanout_opts_new(&fanout_opts), OTTO_OK);
        EXPECT_EQ(otto_fanout_opts_set_include_local(fanout_opts, 1), OTTO_OK);
        EXPECT_EQ(otto_repeat_opts_new(&repeat_opts), OTTO_OK);
        EXPECT_EQ(otto_repeat_opts_set_count(repeat_opts, 1), OTTO_OK);
        EXPECT_EQ(otto_repeat_opts_set_interval(repeat_opts, 0.01), OTTO_OK);
    }
    ~Fixtures() {
        otto_run_opts_free(run_opts);
        otto_commands_free(commands);
        otto_transfer_opts_free(transfer_opts);
        otto_fanout_opts_free(fanout_opts);
        otto_repeat_opts_free(repeat_opts);
    }
};

int start_a_run(otto_op **out, otto_host *host, void *) {
    return otto_host_run(out, host, "echo started", nullptr, nullptr, nullptr);
}

class DetachedOps : public SessionTest {};

TEST_P(DetachedOps, EverySubmittingFunctionCallsBackExactlyOnce) {
    Fixtures f;
    otto_host *h = host();
    otto_context *c = ctx();
    // A host of its own to close, and a session for the session calls.
    Host closing = make_host(c, kind());
    Session session = open_session(h, "detached");
    ASSERT_TRUE(session);
    otto_session *s = session.get();
    const char *put_paths[] = {f.local_file.c_str()};
    const std::string remote_copy = f.remote_dir + "/source.txt";
    const char *get_paths[] = {remote_copy.c_str()};
    // The order matters only where a call needs an earlier one's result:
    // the put before the get and the file reads, the write before the
    // rename.
    std::vector<std::unique_ptr<Call>> table;
    auto add = [&](std::string name, std::function<int(otto_op_cb, void *)> submit) {
        auto call = std::make_unique<Call>();
        call->name = std::move(name);
        call->submit = std::move(submit);
        table.push_back(std::move(call));
    };
    add("otto_host_run", [&](auto cb, void *ud) { return otto_host_run(nullptr, h, "echo a", f.run_opts, cb, ud); });
    add("otto_host_run_commands",
        [&](auto cb, void *ud) { return otto_host_run_commands(nullptr, h, f.commands, f.run_opts, cb, ud); });
    add("otto_host_oneshot",
        [&](auto cb, void *ud) { return otto_host_oneshot(nullptr, h, "echo b", f.run_opts, cb, ud); });
    add("otto_host_send", [&](auto cb, void *ud) { return otto_host_send(nullptr, h, "echo c\n", 7, cb, ud); });
    add("otto_host_expect", [&](auto cb, void *ud) { return otto_host_expect(nullptr, h, "c", 5, cb, ud); });
    add("otto_host_open_session",
        [&](auto cb, void *ud) { return otto_host_open_session(nullptr, h, "detached", cb, ud); });
    add("otto_session_run",
        [&](auto cb, void *ud) { return otto_session_run(nullptr, s, "echo d", f.run_opts, cb, ud); });
    add("otto_session_run_commands",
        [&](auto cb, void *ud) { return otto_session_run_commands(nullptr, s, f.commands, f.run_opts, cb, ud); });
    add("otto_session_send", [&](auto cb, void *ud) { return otto_session_send(nullptr, s, "echo e\n", 7, cb, ud); });
    add("otto_session_expect", [&](auto cb, void *ud) { return otto_session_expect(nullptr, s, "e", 5, cb, ud); });
    add("otto_host_repeat", [&](auto cb, void *ud) {
        return otto_host_repeat(nullptr, h, f.commands, f.run_opts, f.repeat_opts, nullptr, nullptr, cb, ud);
    });
    add("otto_session_repeat", [&](auto cb, void *ud) {
        return otto_session_repeat(nullptr, s, f.commands, f.run_opts, f.repeat_opts, nullptr, nullptr, cb, ud);
    });
    add("otto_host_put", [&](auto cb, void *ud) {
        return otto_host_put(nullptr, h, put_paths, 1, f.remote_dir.c_str(), f.transfer_opts, cb, ud);
    });
    add("otto_host_get", [&](auto cb, void *ud) {
        return otto_host_get(nullptr, h, get_paths, 1, f.get_dir.c_str(), f.transfer_opts, cb, ud);
    });
    add("otto_host_file_read",
        [&](auto cb, void *ud) { return otto_host_file_read(nullptr, h, remote_copy.c_str(), cb, ud); });
    add("otto_host_file_write", [&](auto cb, void *ud) {
        return otto_host_file_write(nullptr, h, f.remote_file.c_str(), "x", 1, f.transfer_opts, cb, ud);
    });
    add("otto_host_file_stat",
        [&](auto cb, void *ud) { return otto_host_file_stat(nullptr, h, remote_copy.c_str(), cb, ud); });
    add("otto_host_file_lstat",
        [&](auto cb, void *ud) { return otto_host_file_lstat(nullptr, h, remote_copy.c_str(), cb, ud); });
    add("otto_host_file_list",
        [&](auto cb, void *ud) { return otto_host_file_list(nullptr, h, f.remote_dir.c_str(), cb, ud); });
    add("otto_host_file_glob",
        [&](auto cb, void *ud) { return otto_host_file_glob(nullptr, h, f.remote_dir.c_str(), "*.txt", cb, ud); });
    add("otto_host_file_mkdir", [&](auto cb, void *ud) {
        return otto_host_file_mkdir(nullptr, h, f.dir.file("made/deeper").c_str(), 0755, cb, ud);
    });
    add("otto_host_file_remove",
        [&](auto cb, void *ud) { return otto_host_file_remove(nullptr, h, f.dir.file("absent").c_str(), cb, ud); });
    add("otto_host_file_rename", [&](auto cb, void *ud) {
        return otto_host_file_rename(nullptr, h, remote_copy.c_str(), f.dir.file("renamed.txt").c_str(), cb, ud);
    });
    add("otto_host_file_realpath",
        [&](auto cb, void *ud) { return otto_host_file_realpath(nullptr, h, f.dir.path().c_str(), cb, ud); });
    add("otto_session_close", [&](auto cb, void *ud) { return otto_session_close(nullptr, s, cb, ud); });
    add("otto_host_close", [&](auto cb, void *ud) { return otto_host_close(nullptr, closing.get(), cb, ud); });
    // Fan-outs over the context's hosts: the local host, included.
    add("otto_context_run_on_hosts", [&](auto cb, void *ud) {
        return otto_context_run_on_hosts(nullptr, c, "echo f", f.run_opts, f.fanout_opts, cb, ud);
    });
    add("otto_context_run_commands_on_hosts", [&](auto cb, void *ud) {
        return otto_context_run_commands_on_hosts(nullptr, c, f.commands, f.run_opts, f.fanout_opts, cb, ud);
    });
    add("otto_context_oneshot_on_hosts", [&](auto cb, void *ud) {
        return otto_context_oneshot_on_hosts(nullptr, c, "echo g", f.run_opts, f.fanout_opts, cb, ud);
    });
    add("otto_context_do_for_hosts", [&](auto cb, void *ud) {
        return otto_context_do_for_hosts(nullptr, c, &start_a_run, nullptr, f.fanout_opts, cb, ud);
    });
    add("otto_context_put_on_hosts", [&](auto cb, void *ud) {
        return otto_context_put_on_hosts(nullptr, c, put_paths, 1, f.dir.file("fanout").c_str(), f.transfer_opts,
                                         f.fanout_opts, cb, ud);
    });
    add("otto_context_get_on_hosts", [&](auto cb, void *ud) {
        return otto_context_get_on_hosts(nullptr, c, put_paths, 1, f.dir.file("gathered").c_str(), f.transfer_opts,
                                         f.fanout_opts, cb, ud);
    });
    add("otto_context_poll_hosts", [&](auto cb, void *ud) {
        return otto_context_poll_hosts(nullptr, c, f.commands, f.run_opts, f.fanout_opts, f.repeat_opts, nullptr,
                                       nullptr, cb, ud);
    });

    // The table lists every submitting function of the header, and no other.
    std::set<std::string> listed;
    for (auto &call : table) listed.insert(call->name);
    EXPECT_EQ(listed, submitting_functions_of_the_header())
        << "every function of otto.h taking `otto_op **out` must be in this table";

    for (auto &call : table) {
        ASSERT_EQ(call->submit(&count_call, call.get()), OTTO_OK) << call->name << ": " << otto_last_error_message();
        // One at a time, so that each finds what the one before it made.
        // Each takes well under a second; a lost callback fails in 20 s.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (call->calls.load() == 0 && std::chrono::steady_clock::now() < deadline)
            otto_context_dispatch(nullptr, c, 50);
        EXPECT_EQ(call->calls.load(), 1) << call->name << " never called back";
    }
    // Nothing calls back twice, however long we keep dispatching.
    for (int i = 0; i < 10; ++i) otto_context_dispatch(nullptr, c, 20);
    for (auto &call : table) {
        EXPECT_EQ(call->calls.load(), 1) << call->name;
        // Each did its work (the remove of an absent file is refused).
        if (call->name == "otto_host_file_remove") {
            EXPECT_EQ(call->error.load(), OTTO_ENOTFOUND) << call->name;
        } else {
            EXPECT_EQ(call->error.load(), OTTO_OK) << call->name;
        }
    }
    EXPECT_EQ(read_file(f.remote_file), "x");
}

std::vector<HostKind> detached_kinds() {
    std::vector<HostKind> kinds;
    for (auto &k : all_host_kinds())
        if (k.name == "local_bash_pty" || k.name == "ssh_login_shell" || k.name == "telnet_shell") kinds.push_back(k);
    return kinds;
}

INSTANTIATE_TEST_SUITE_P(HostKinds, DetachedOps, ::testing::ValuesIn(detached_kinds()), kind_name);

}  // namespace
}  // namespace otto_test
