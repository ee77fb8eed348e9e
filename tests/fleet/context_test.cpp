// Contexts on labs (reference 002): loading by name and search paths or as
// JSON text, hosts by id and in order, lifetimes, reservations.
#include <fstream>

#include "fleet_fixture.hpp"

namespace otto_test {
namespace {

std::vector<std::string> context_ids(otto_context *ctx) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < otto_context_host_count(ctx); ++i) ids.emplace_back(otto_context_host_id(ctx, i));
    return ids;
}

TEST(LabContext, OpensTheLabByNameAndSearchPathsWithTheLocalHost) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    EXPECT_STREQ(otto_context_lab_name(ctx.get()), "fleet");
    auto expected = fleet_remote_ids();
    expected.emplace_back("local");
    EXPECT_EQ(context_ids(ctx.get()), expected);
    EXPECT_EQ(otto_context_host_id(ctx.get(), expected.size()), nullptr);
}

TEST(LabContext, EveryHostOfTheLabRunsCommands) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    for (size_t i = 0; i < otto_context_host_count(ctx.get()); ++i) {
        std::string id = otto_context_host_id(ctx.get(), i);
        otto_host *host = nullptr;
        ASSERT_EQ(otto_context_get_host(&host, ctx.get(), id.c_str()), OTTO_OK) << otto_last_error_message();
        EXPECT_STREQ(otto_host_id(host), id.c_str());
        auto r = run(host, "echo hello from $((6 * 7))");
        EXPECT_EQ(r.error, OTTO_OK) << id << ": " << r.error_message;
        EXPECT_EQ(r.only().output, "hello from 42") << id;
    }
}

TEST(LabContext, SkippedSearchPathsAndTheFirstFileThatResolves) {
    TempDir empty;
    auto ctx = open_lab_context(
        ContextSettings().with_paths({empty.path(), "/nonexistent/otto", fleet_lab_dir() + "/lab.json"}));
    ASSERT_TRUE(ctx);
    EXPECT_EQ(otto_context_host_count(ctx.get()), fleet_remote_ids().size() + 1);
}

TEST(LabContext, OpensTheLabFromJsonText) {
    std::string text = read_file(fleet_lab_dir() + "/lab.json");
    auto ctx = open_lab_context(ContextSettings().with_json(text));
    ASSERT_TRUE(ctx);
    otto_host *host = nullptr;
    ASSERT_EQ(otto_context_get_host(&host, ctx.get(), "ssh1"), OTTO_OK) << otto_last_error_message();
    EXPECT_EQ(run(host, "echo via text").only().output, "via text");
}

TEST(LabContext, AContextWithoutALabHoldsTheLocalHost) {
    auto ctx = open_lab_context(ContextSettings().with_lab("").with_paths({"/nonexistent"}));
    ASSERT_TRUE(ctx);
    EXPECT_STREQ(otto_context_lab_name(ctx.get()), "");
    EXPECT_EQ(context_ids(ctx.get()), std::vector<std::string>{"local"});
    otto_host *local = nullptr;
    ASSERT_EQ(otto_context_get_host(&local, ctx.get(), "local"), OTTO_OK);
    EXPECT_EQ(otto_host_kind(local), OTTO_HOST_LOCAL);
}

TEST(LabContext, BadLabsFailTheContextWithTheirMessage) {
    int error = OTTO_OK;
    auto missing = open_lab_context(ContextSettings().with_lab("no-such-lab"), &error);
    EXPECT_FALSE(missing);
    EXPECT_EQ(error, OTTO_ELABNOTFOUND);
    EXPECT_NE(std::string(otto_last_error_message()).find("no-such-lab"), std::string::npos);

    TempDir dir;
    std::ofstream(dir.file("lab.json")) << R"({"hosts": [{"ip": "192.0.2.1", "element": "dut", "labs": ["x"],
        "creds": [{"login": "root"}], "ssh_options": {"port": "22"}}]})";
    auto broken = open_lab_context(ContextSettings().with_lab("x").with_paths({dir.path()}), &error);
    EXPECT_FALSE(broken);
    EXPECT_EQ(error, OTTO_EPARSE);
    std::string message = otto_last_error_message();
    EXPECT_NE(message.find("lab.json:2:"), std::string::npos) << message;
    EXPECT_NE(message.find("hosts[0].ssh_options.port: expected an integer 1-65535, got \"22\""), std::string::npos)
        << message;

    auto bad_selection = open_lab_context(ContextSettings().with_lab("fleet+"), &error);
    EXPECT_FALSE(bad_selection);
    EXPECT_EQ(error, OTTO_EINVAL);

    otto_context_opts *raw = nullptr;
    ASSERT_EQ(otto_context_opts_new(&raw), OTTO_OK);
    ContextOpts text_without_name(raw);
    ASSERT_EQ(otto_context_opts_set_lab_json(text_without_name.get(), "{}"), OTTO_OK);
    otto_context *ctx = nullptr;
    EXPECT_EQ(otto_context_new(&ctx, text_without_name.get()), OTTO_EINVAL);
    EXPECT_EQ(ctx, nullptr);
}

TEST(LabContext, AnUnknownIdListsTheKnownOnes) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    otto_host *host = reinterpret_cast<otto_host *>(&host);
    EXPECT_EQ(otto_context_get_host(&host, ctx.get(), "ssh9"), OTTO_ENOTFOUND);
    EXPECT_EQ(host, nullptr);
    std::string message = otto_last_error_message();
    EXPECT_NE(message.find("no host \"ssh9\" in lab \"fleet\""), std::string::npos) << message;
    EXPECT_NE(message.find("ssh0, ssh1"), std::string::npos) << message;
    EXPECT_NE(message.find("local"), std::string::npos) << message;
}

TEST(LabContext, HostsAreSharedClosedEarlyAndReplacedOnTheNextGet) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    otto_host *first = nullptr, *again = nullptr;
    ASSERT_EQ(otto_context_get_host(&first, ctx.get(), "ssh0"), OTTO_OK);
    ASSERT_EQ(otto_context_get_host(&again, ctx.get(), "ssh0"), OTTO_OK);
    EXPECT_EQ(first, again);  // one host per id: its default session keeps state
    ASSERT_EQ(run(first, "cd /tmp").only().status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(run(again, "pwd").only().output, "/tmp");

    otto_host_free(first);  // borrowed: does nothing
    EXPECT_EQ(run(first, "pwd").only().output, "/tmp");

    for (int i = 0; i < 2; ++i) {  // close is idempotent
        otto_op *raw = nullptr;
        ASSERT_EQ(otto_host_close(&raw, first, nullptr, nullptr), OTTO_OK);
        Op closing(raw);
        ASSERT_EQ(otto_op_wait(closing.get(), kHangMs), OTTO_OK);
        EXPECT_EQ(otto_op_error(closing.get()), OTTO_OK);
    }
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_host_run(&raw, first, "true", nullptr, nullptr, nullptr), OTTO_ECLOSED);

    otto_host *fresh = nullptr;
    ASSERT_EQ(otto_context_get_host(&fresh, ctx.get(), "ssh0"), OTTO_OK);
    EXPECT_NE(fresh, first);
    EXPECT_NE(run(fresh, "pwd").only().output, "/tmp");  // a new shell
    EXPECT_STREQ(otto_host_id(first), "ssh0");           // the closed handle is still valid
}

TEST(LabContext, FreeingTheContextCancelsAndClosesItsHosts) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    std::vector<Op> ops;
    for (const char *id : {"ssh0", "shell0", "local"}) {
        otto_host *host = nullptr;
        ASSERT_EQ(otto_context_get_host(&host, ctx.get(), id), OTTO_OK);
        otto_op *raw = nullptr;
        ASSERT_EQ(otto_host_run(&raw, host, "echo otto-fleet-free-marker >/dev/null; sleep 300", nullptr, nullptr,
                                nullptr),
                  OTTO_OK);
        ops.emplace_back(raw);
    }
    ctx.reset();
    for (auto &op : ops) {
        EXPECT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
        EXPECT_EQ(otto_op_error(op.get()), OTTO_ECANCELED);
    }
}

TEST(LabContext, HostsAsJsonNeverShowAPassword) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    char *raw = nullptr;
    ASSERT_EQ(otto_context_hosts_to_json(&raw, ctx.get()), OTTO_OK);
    std::string json = raw;
    otto_string_free(raw);
    EXPECT_NE(json.find("\"id\":\"ssh0\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"kind\":\"telnet\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"resources\":[\"ssh1\"]"), std::string::npos) << json;
    if (fleet_lab().password_user()) {
        EXPECT_EQ(json.find(fleet_lab().password_user()->password), std::string::npos);
    }
}

TEST(LabContext, ReservationsAreCheckedForAUser) {
    auto ctx = open_lab_context(ContextSettings());
    ASSERT_TRUE(ctx);
    TempDir dir;
    std::string all;
    for (const auto &id : fleet_remote_ids()) all += (all.empty() ? "\"" : ", \"") + id + "\"";
    std::ofstream(dir.file("held.json")) << R"({"version": 1, "reservations": [{"user": "alice", "resources": [)" << all
                                         << "]}]}";
    EXPECT_EQ(otto_context_check_reservations(ctx.get(), dir.file("held.json").c_str(), "alice"), OTTO_OK);

    std::ofstream(dir.file("partial.json"))
        << R"({"version": 1, "reservations": [{"user": "alice", "resources": ["ssh0"]},
              {"user": "bob", "resources": ["ssh1"]},
              {"user": "carol", "resources": ["shell0"], "expires": "2001-01-01T00:00:00Z"}]})";
    EXPECT_EQ(otto_context_check_reservations(ctx.get(), dir.file("partial.json").c_str(), "alice"), OTTO_ERESERVATION);
    std::string message = otto_last_error_message();
    EXPECT_NE(message.find("user \"alice\" does not hold all resources of lab \"fleet\""), std::string::npos)
        << message;
    EXPECT_NE(message.find("ssh1 (held by bob)"), std::string::npos) << message;
    EXPECT_NE(message.find("shell0 (unreserved)"), std::string::npos) << message;  // carol's entry expired

    std::ofstream(dir.file("v2.json")) << R"({"version": 2, "reservations": []})";
    EXPECT_EQ(otto_context_check_reservations(ctx.get(), dir.file("v2.json").c_str(), "alice"), OTTO_ERESBACKEND);
    EXPECT_EQ(otto_context_check_reservations(ctx.get(), dir.file("missing.json").c_str(), "alice"), OTTO_ERESBACKEND);
}

}  // namespace
}  // namespace otto_test
