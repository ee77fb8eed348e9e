// Fan-outs (reference 000): selection, concurrency, isolation of failures,
// user operations, cancellation, dry run and the log.
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "fleet_fixture.hpp"
#include "test_tcp_server.hpp"

namespace otto_test {
namespace {

Op submit_run(otto_context *ctx, const std::string &command, otto_fanout_opts *opts,
              otto_run_opts *run_opts = nullptr) {
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_context_run_on_hosts(&raw, ctx, command.c_str(), run_opts, opts, nullptr, nullptr), OTTO_OK)
        << otto_last_error_message();
    return Op(raw);
}

std::vector<std::string> ids_of(const std::vector<std::pair<std::string, otto_op *>> &entries) {
    std::vector<std::string> ids;
    for (const auto &e : entries) ids.push_back(e.first);
    return ids;
}

std::string fanout_json(otto_op *op) {
    char *raw = nullptr;
    EXPECT_EQ(otto_fanout_result_to_json(&raw, otto_op_fanout_result(op)), OTTO_OK);
    std::string json = raw != nullptr ? raw : "";
    otto_string_free(raw);
    return json;
}

// A lab file of the fleet's hosts plus extra entries (JSON objects).
std::string fleet_plus(const std::vector<std::string> &extra_hosts) {
    std::string text = read_file(fleet_lab_dir() + "/lab.json");
    size_t hosts = text.find('[');
    std::string added;
    for (const auto &h : extra_hosts) added += h + ",";
    return text.insert(hosts + 1, added);
}

TEST(Fanout, RunsOnEveryHostAndMapsEachIdToItsResult) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    auto opts = fanout_opts("", true);
    auto op = submit_run(ctx.get(), "echo I am $(whoami)", opts.get());
    wait_fanout(op.get());
    EXPECT_EQ(otto_op_error(op.get()), OTTO_OK);
    auto entries = fanout_entries(op.get());
    auto expected = fleet_remote_ids();
    expected.emplace_back("local");
    EXPECT_EQ(ids_of(entries), expected);
    for (const auto &[id, host_op] : entries) {
        EXPECT_STREQ(otto_op_host_id(host_op), id.c_str());
        EXPECT_EQ(otto_op_status(host_op), OTTO_STATUS_SUCCESS) << id;
        auto r = copy_run(host_op);
        EXPECT_EQ(r.error, OTTO_OK) << id << ": " << r.error_message;
        std::string who = id == "console0" ? fleet_lab().password_user()->name : fleet_lab().user().name;
        EXPECT_EQ(r.only().output, "I am " + who) << id;
    }
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(op.get())), OTTO_STATUS_SUCCESS);
    std::string json = fanout_json(op.get());
    EXPECT_EQ(json.rfind(R"({"lab":"fleet","status":"Success","hosts":{"ssh0":{"status":"Success")", 0), 0u) << json;
}

TEST(Fanout, TheRegexIsSearchedInIdsAndTheLocalHostIsLeftOutUnlessAsked) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    auto ssh = fanout_opts("sh1");  // finds "sh1" inside "ssh1": a search, not a full match
    auto op = submit_run(ctx.get(), "true", ssh.get());
    wait_fanout(op.get());
    EXPECT_EQ(ids_of(fanout_entries(op.get())), (std::vector<std::string>{"ssh1"}));

    auto everything = fanout_opts();
    auto all = submit_run(ctx.get(), "true", everything.get());
    wait_fanout(all.get());
    EXPECT_EQ(ids_of(fanout_entries(all.get())), fleet_remote_ids());

    std::vector<std::string> selected;
    for (size_t i = 0; i < otto_context_host_count(ctx.get()); ++i) {
        if (otto_context_host_selected(ctx.get(), ssh.get(), i) == 1)
            selected.emplace_back(otto_context_host_id(ctx.get(), i));
    }
    EXPECT_EQ(selected, (std::vector<std::string>{"ssh1"}));
    EXPECT_EQ(otto_context_host_selected(ctx.get(), ssh.get(), 99), OTTO_EINVAL);

    // Any match selects, an empty one too.
    for (const char *regex : {".*", "^", "x*"}) {
        auto any = fanout_opts(regex);
        auto any_op = submit_run(ctx.get(), "true", any.get());
        wait_fanout(any_op.get());
        EXPECT_EQ(ids_of(fanout_entries(any_op.get())), fleet_remote_ids()) << regex;
    }
}

TEST(Fanout, AnEmptySelectionOrABadRegexIsAnErrorAtSubmission) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    auto none = fanout_opts("^router");
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_context_run_on_hosts(&raw, ctx.get(), "true", nullptr, none.get(), nullptr, nullptr),
              OTTO_ENOTFOUND);
    EXPECT_EQ(raw, nullptr);
    std::string message = otto_last_error_message();
    EXPECT_NE(message.find("no host of lab \"fleet\" matches /^router/"), std::string::npos) << message;
    EXPECT_NE(message.find("ssh0, ssh1"), std::string::npos) << message;

    auto local_only = fanout_opts("^local$");
    EXPECT_EQ(otto_context_run_on_hosts(&raw, ctx.get(), "true", nullptr, local_only.get(), nullptr, nullptr),
              OTTO_ENOTFOUND);

    otto_fanout_opts *bad = nullptr;
    ASSERT_EQ(otto_fanout_opts_new(&bad), OTTO_OK);
    FanoutOpts bad_opts(bad);
    EXPECT_EQ(otto_fanout_opts_set_hosts(bad, "ssh("), OTTO_EINVAL);
    message = otto_last_error_message();
    EXPECT_EQ(message.rfind("hosts regex \"ssh(\" does not compile: missing closing parenthesis", 0), 0u) << message;
}

TEST(Fanout, OneHostsFailureNeitherCancelsNorDelaysTheOthers) {
    // Three broken hosts beside the fleet: a closed port, a server that
    // accepts and never speaks (it would hold its host for the whole login
    // timeout), and an SSH host whose key the lab does not know.
    TestTcpServer silent(TestTcpServer::silent());
    int closed_port = otto_lab::free_port();
    std::string json = fleet_plus({
        R"({"ip": "127.0.0.1", "element": "refused", "labs": ["fleet"], "creds": [{"login": "root"}],
            "valid_terms": "telnet", "telnet_options": {"port": )" +
            std::to_string(closed_port) + "}}",
        R"({"ip": "127.0.0.1", "element": "silent", "labs": ["fleet"], "creds": [{"login": "root"}],
            "valid_terms": "telnet", "telnet_options": {"port": )" +
            std::to_string(silent.port()) + R"(, "login_timeout": 10, "echo_negotiation_timeout": 0}})",
    });
    auto ctx = open_lab_context(ContextSettings().with_json(json));
    ASSERT_TRUE(ctx);

    // Each host's op reports its end here: the healthy hosts must all end
    // while the silent one still waits.
    struct Order {
        std::mutex mutex;
        std::vector<std::string> ids;
    } order;
    auto record = [](otto_op *op, void *data) {
        auto *o = static_cast<Order *>(data);
        std::lock_guard lock(o->mutex);
        o->ids.emplace_back(otto_op_host_id(op));
    };
    struct Start {
        otto_op_cb done;
        Order *order;
    } start{record, &order};
    auto start_run = [](otto_op **out, otto_host *host, void *data) {
        auto *s = static_cast<Start *>(data);
        return otto_host_run(out, host, "echo ok", nullptr, s->done, s->order);
    };
    otto_op *raw = nullptr;
    auto opts = fanout_opts();
    ASSERT_EQ(otto_context_do_for_hosts(&raw, ctx.get(), start_run, &start, opts.get(), nullptr, nullptr), OTTO_OK);
    Op op(raw);
    // App dispatch: the start function and callbacks run here.
    for (int i = 0; i < 600 && !otto_op_is_done(op.get()); ++i) otto_context_dispatch(nullptr, ctx.get(), 100);
    while (true) {
        size_t ran = 0;
        otto_context_dispatch(&ran, ctx.get(), 0);
        if (ran == 0) break;
    }
    wait_fanout(op.get());

    std::map<std::string, otto_op *> by_id;
    for (auto [id, host_op] : fanout_entries(op.get())) by_id[id] = host_op;
    ASSERT_EQ(by_id.size(), fleet_remote_ids().size() + 2);
    for (const auto &id : fleet_remote_ids()) {
        auto r = copy_run(by_id[id]);
        EXPECT_EQ(r.error, OTTO_OK) << id << ": " << r.error_message;
        EXPECT_EQ(r.only().output, "ok") << id;
    }
    EXPECT_EQ(otto_op_error(by_id["refused"]), OTTO_ECONNECT) << otto_op_error_message(by_id["refused"]);
    EXPECT_EQ(otto_op_status(by_id["refused"]), OTTO_STATUS_ERROR);
    EXPECT_EQ(otto_op_error(by_id["silent"]), OTTO_ETIMEDOUT) << otto_op_error_message(by_id["silent"]);
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(op.get())), OTTO_STATUS_ERROR);

    std::lock_guard lock(order.mutex);
    ASSERT_EQ(order.ids.size(), by_id.size());
    EXPECT_EQ(order.ids.back(), "silent");  // everyone else was done before its login wait ran out
}

// Each host appends "start" and "end" to one shared file: the most "start"s
// without their "end" is how many ran at once.
size_t most_at_once(const std::string &file) {
    std::ifstream in(file);
    size_t running = 0, most = 0;
    for (std::string line; std::getline(in, line);) {
        if (line == "start") most = std::max(most, ++running);
        else if (line == "end") --running;
    }
    return most;
}

// Between its marks each host waits until its group of `group` hosts has
// started (the last group may be smaller), then lingers a little: so `group`
// hosts are provably running together however slowly shells start, and a
// fan-out running fewer at once leaves a host waiting for the others (the
// wait gives up after 30 s and says so in the file).
size_t run_with_marks(otto_context *ctx, otto_fanout_opts *opts, size_t group, const TempDir &dir) {
    std::string f = dir.file("marks");
    size_t hosts = fleet_remote_ids().size();
    std::string g = std::to_string(group), n = std::to_string(hosts);
    // umask 0: the console's user and root append to one file.
    std::string script = "(umask 0; f=" + f + "; echo start >> $f; n=$(grep -c start $f); t=$(( (n + " + g +
                         " - 1) / " + g + " * " + g + " )); [ $t -gt " + n + " ] && t=" + n +
                         "; i=0; while [ $(grep -c start $f) -lt $t ]; do i=$((i + 1)); "
                         "[ $i -gt 600 ] && { echo gave-up >> $f; break; }; sleep 0.05; done; sleep 0.3; "
                         "echo end >> $f)";
    auto op = submit_run(ctx, script, opts);
    wait_fanout(op.get());
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(op.get())), OTTO_STATUS_SUCCESS) << fanout_json(op.get());
    EXPECT_EQ(read_file(f).find("gave-up"), std::string::npos) << read_file(f);
    EXPECT_EQ(count_lines(f), 2 * hosts);
    return most_at_once(f);
}

TEST(Fanout, ConcurrentByDefaultSerialOnRequestAndBoundedByALimit) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    size_t hosts = fleet_remote_ids().size();

    TempDir concurrent;
    auto all_at_once = fanout_opts();
    EXPECT_EQ(run_with_marks(ctx.get(), all_at_once.get(), hosts, concurrent), hosts);

    TempDir serial;
    auto one_by_one = fanout_opts();
    ASSERT_EQ(otto_fanout_opts_set_serial(one_by_one.get(), 1), OTTO_OK);
    EXPECT_EQ(run_with_marks(ctx.get(), one_by_one.get(), 1, serial), 1u);

    TempDir limited;
    auto two = fanout_opts();
    ASSERT_EQ(otto_fanout_opts_set_limit(two.get(), 2), OTTO_OK);
    EXPECT_EQ(run_with_marks(ctx.get(), two.get(), 2, limited), 2u);
}

TEST(Fanout, CommandListsAndOneShotsRunOnEveryHost) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    otto_commands *raw_list = nullptr;
    ASSERT_EQ(otto_commands_new(&raw_list), OTTO_OK);
    Commands list(raw_list);
    otto_commands_add(nullptr, list.get(), "cd /tmp");
    otto_commands_add(nullptr, list.get(), "pwd");
    otto_commands_add(nullptr, list.get(), "exit_code() { return 3; }; exit_code");
    auto opts = fanout_opts("^(ssh0|shell0|ash0)$");
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_context_run_commands_on_hosts(&raw, ctx.get(), list.get(), nullptr, opts.get(), nullptr, nullptr),
              OTTO_OK);
    Op runs(raw);
    wait_fanout(runs.get());
    for (auto [id, host_op] : fanout_entries(runs.get())) {
        auto r = copy_run(host_op);
        ASSERT_EQ(r.commands.size(), 3u) << id;
        EXPECT_EQ(r.commands[1].output, "/tmp") << id;
        EXPECT_EQ(r.commands[2].retcode, 3) << id;
        EXPECT_EQ(r.status, OTTO_STATUS_FAILED) << id;
        EXPECT_EQ(otto_op_status(host_op), OTTO_STATUS_FAILED) << id;
    }
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(runs.get())), OTTO_STATUS_FAILED);

    ASSERT_EQ(otto_context_oneshot_on_hosts(&raw, ctx.get(), "echo out; echo err >&2", nullptr, opts.get(), nullptr,
                                            nullptr),
              OTTO_OK);
    Op shots(raw);
    wait_fanout(shots.get());
    for (auto [id, host_op] : fanout_entries(shots.get())) {
        EXPECT_EQ(otto_op_kind(host_op), OTTO_OP_ONESHOT);
        auto c = copy_cmd(otto_op_cmd_result(host_op));
        EXPECT_EQ(c.output, "out\n") << id;  // a one-shot's bytes, exactly
        EXPECT_EQ(c.stderr_output, "err\n") << id;
    }
}

TEST(Fanout, AUserOperationPerHostOnTheLoopThread) {
    // Loop dispatch: the start function runs on the loop thread; it opens a
    // named session and returns that op. One host's start fails on purpose.
    auto ctx = open_lab_context(ContextSettings().on_loop_thread());
    ASSERT_TRUE(ctx);
    auto start = [](otto_op **out, otto_host *host, void *) -> int {
        if (std::string(otto_host_id(host)) == "ssh1") return OTTO_EBUSY;
        return otto_host_open_session(out, host, "worker", nullptr, nullptr);
    };
    otto_op *raw = nullptr;
    auto opts = fanout_opts("^(ssh0|ssh1|shell0)$");
    ASSERT_EQ(otto_context_do_for_hosts(&raw, ctx.get(), start, nullptr, opts.get(), nullptr, nullptr), OTTO_OK);
    Op op(raw);
    wait_fanout(op.get());
    auto entries = fanout_entries(op.get());
    ASSERT_EQ(entries.size(), 3u);
    for (auto [id, host_op] : entries) {
        if (id == "ssh1") {
            EXPECT_EQ(otto_op_error(host_op), OTTO_EBUSY);
            continue;
        }
        EXPECT_EQ(otto_op_kind(host_op), OTTO_OP_OPEN_SESSION);
        otto_session *raw_session = nullptr;
        ASSERT_EQ(otto_op_take_session(&raw_session, host_op), OTTO_OK) << id;
        Session session(raw_session);
        EXPECT_EQ(run(session.get(), "echo $((1 + 1))").only().output, "2") << id;
    }
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(op.get())), OTTO_STATUS_ERROR);
}

TEST(Fanout, CancelingEndsRunningHostsAndThoseNotStarted) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    auto opts = fanout_opts();
    ASSERT_EQ(otto_fanout_opts_set_serial(opts.get(), 1), OTTO_OK);
    auto op = submit_run(ctx.get(), "echo begun; sleep 300", opts.get());
    // Cancel once the first host is under way: its output shows it.
    otto_host *first = nullptr;
    ASSERT_EQ(otto_context_get_host(&first, ctx.get(), "ssh0"), OTTO_OK);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_EQ(otto_op_cancel(op.get()), OTTO_OK);
    wait_fanout(op.get());
    EXPECT_EQ(otto_op_error(op.get()), OTTO_ECANCELED);
    auto entries = fanout_entries(op.get());
    ASSERT_EQ(entries.size(), fleet_remote_ids().size());
    for (auto [id, host_op] : entries) {
        if (otto_op_error(host_op) == OTTO_OK) {
            // The running host's command ended by the interrupt, or before
            // it was sent: either way it did not succeed.
            auto r = copy_run(host_op);
            EXPECT_FALSE(otto_status_is_ok(r.only().status)) << id;
        } else {
            EXPECT_EQ(otto_op_error(host_op), OTTO_ECANCELED) << id << ": " << otto_op_error_message(host_op);
        }
    }
    EXPECT_EQ(run(first, "echo still usable").only().output, "still usable");
}

struct LogRecord {
    std::mutex mutex;
    std::vector<std::tuple<std::string, std::string, int, std::string>> entries;  // host, session, kind, text
    std::string all_text() {
        std::lock_guard lock(mutex);
        std::string out;
        for (auto &e : entries) out += std::get<3>(e) + "\n";
        return out;
    }
};

void record_log(const otto_log_entry *entry, void *data) {
    auto *log = static_cast<LogRecord *>(data);
    size_t len = 0;
    const char *text = otto_log_entry_text(entry, &len);
    std::lock_guard lock(log->mutex);
    log->entries.emplace_back(otto_log_entry_host(entry), otto_log_entry_session(entry), otto_log_entry_kind(entry),
                              std::string(text, len));
}

TEST(Fanout, ADryRunContactsNoHostAndSaysWhatItWouldDo) {
    // 192.0.2.1 (TEST-NET-1) would fail or hang if anything dialed it.
    std::string json = fleet_plus({R"({"ip": "192.0.2.1", "element": "unreachable", "labs": ["fleet"],
        "creds": [{"login": "root"}], "valid_terms": "ssh", "ssh_options": {"connect_timeout": 30}})"});
    LogRecord log;
    auto ctx =
        open_lab_context(ContextSettings().with_json(json).on_loop_thread().as_dry_run().logging_to(record_log, &log));
    ASSERT_TRUE(ctx);
    TempDir dir;
    auto opts = fanout_opts();
    auto op = submit_run(ctx.get(), "touch " + dir.file("touched"), opts.get());
    wait_fanout(op.get());
    auto entries = fanout_entries(op.get());
    ASSERT_EQ(entries.size(), fleet_remote_ids().size() + 1);
    for (auto [id, host_op] : entries) {
        auto r = copy_run(host_op);
        EXPECT_EQ(r.error, OTTO_OK) << id << ": " << r.error_message;
        EXPECT_EQ(r.only().status, OTTO_STATUS_NOTRUN) << id;
    }
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(op.get())), OTTO_STATUS_NOTRUN);
    EXPECT_FALSE(std::ifstream(dir.file("touched")).good());
    std::lock_guard lock(log.mutex);
    size_t announced = 0;
    for (auto &[host, session, kind, text] : log.entries) {
        if (kind == OTTO_LOG_KIND_COMMAND && text == "[dry run] touch " + dir.file("touched")) ++announced;
    }
    EXPECT_EQ(announced, entries.size());
}

TEST(Fanout, TheLogNamesHostSessionAndKindAndKeepsSecretsOut) {
    LogRecord log;
    auto ctx = open_lab_context(ContextSettings().on_loop_thread().logging_to(record_log, &log));
    ASSERT_TRUE(ctx);
    otto_run_opts *raw_opts = nullptr;
    ASSERT_EQ(otto_run_opts_new(&raw_opts), OTTO_OK);
    RunOpts run_opts(raw_opts);
    const std::string secret = "s3cr3t-response-4711";
    ASSERT_EQ(otto_run_opts_add_expect(run_opts.get(), "Secret: ", (secret + "\n").c_str(), OTTO_EXPECT_SECRET),
              OTTO_OK);
    auto opts = fanout_opts("^(ssh0|shell0)$");
    if (fleet_lab().password_user()) {
        ASSERT_EQ(otto_fanout_opts_set_hosts(opts.get(), "^(ssh0|shell0|console0)$"), OTTO_OK);
    }
    auto op = submit_run(ctx.get(), "printf 'Secret: '; read -r s; echo got ${#s} chars", opts.get(), run_opts.get());
    wait_fanout(op.get());
    for (auto [id, host_op] : fanout_entries(op.get())) {
        auto r = copy_run(host_op);
        EXPECT_NE(r.only().output.find("got " + std::to_string(secret.size()) + " chars"), std::string::npos)
            << id << ": " << r.only().output;
    }
    std::string all = log.all_text();
    EXPECT_EQ(all.find(secret), std::string::npos) << all;
    if (fleet_lab().password_user()) {
        EXPECT_EQ(all.find(fleet_lab().password_user()->password), std::string::npos);
    }
    std::lock_guard lock(log.mutex);
    bool command_logged = false, output_logged = false;
    for (auto &[host, session, kind, text] : log.entries) {
        if (host == "ssh0" && session.empty() && kind == OTTO_LOG_KIND_COMMAND && text.find("printf") == 0)
            command_logged = true;
        if (host == "shell0" && kind == OTTO_LOG_KIND_OUTPUT && text.find("got ") != std::string::npos)
            output_logged = true;
    }
    EXPECT_TRUE(command_logged);
    EXPECT_TRUE(output_logged);
}

TEST(Fanout, TheLogQueueHoldsWhatTheLogCallbackGets) {
    LogRecord log;
    auto ctx = open_lab_context(ContextSettings().on_loop_thread().logging_to(record_log, &log).queueing_log(100000));
    ASSERT_TRUE(ctx);
    auto opts = fanout_opts("", true);
    auto op = submit_run(ctx.get(), "echo queued-output", opts.get());
    wait_fanout(op.get());
    std::vector<std::tuple<std::string, std::string, int, std::string>> queued;
    otto_log_entry *entry = nullptr;
    while (otto_context_next_log(&entry, ctx.get(), 0) == OTTO_OK) {
        size_t len = 0;
        const char *text = otto_log_entry_text(entry, &len);
        queued.emplace_back(otto_log_entry_host(entry), otto_log_entry_session(entry), otto_log_entry_kind(entry),
                            std::string(text, len));
        otto_log_entry_free(entry);
    }
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(queued, log.entries);
    std::set<std::string> hosts_with_output;
    for (auto &[host, session, kind, text] : queued)
        if (kind == OTTO_LOG_KIND_OUTPUT && text == "queued-output") hosts_with_output.insert(host);
    EXPECT_EQ(hosts_with_output.size(), fanout_entries(op.get()).size());
}

}  // namespace
}  // namespace otto_test
