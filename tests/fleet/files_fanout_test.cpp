// Files over a whole lab: put and get fan-outs, file operations through
// do-for-hosts, and dry run, on every kind of host the fleet lab has (SFTP,
// telnet consoles through shell commands, the local file system).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "fleet_fixture.hpp"

namespace otto_test {
namespace {

namespace fs = std::filesystem;

struct TransferOptsDeleter {
    void operator()(otto_transfer_opts *o) const { otto_transfer_opts_free(o); }
};

// A directory every host's user may write (all run on this machine).
class SharedDir {
public:
    SharedDir() {
        EXPECT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
        EXPECT_EQ(::mkdir(path().c_str(), 0777), 0);
        EXPECT_EQ(::chmod(path().c_str(), 0777), 0);
    }
    std::string path() const { return dir_.path() + "/shared"; }
    std::string local(const std::string &name) const { return dir_.file(name); }

private:
    TempDir dir_;
};

TEST(FilesFanout, PutAndGetReachEveryHost) {
    auto ctx = open_lab_context({});
    SharedDir dir;
    std::string firmware = dir.local("firmware.bin");
    std::string bytes;
    for (int i = 0; i < 70000; ++i) bytes += static_cast<char>((i * 7) & 0xff);
    std::ofstream(firmware, std::ios::binary) << bytes;
    const char *paths[] = {firmware.c_str()};
    auto all = fanout_opts("", true);

    otto_op *raw = nullptr;
    ASSERT_EQ(otto_context_put_on_hosts(&raw, ctx.get(), paths, 1, dir.path().c_str(), nullptr, all.get(), nullptr,
                                        nullptr),
              OTTO_OK)
        << otto_last_error_message();
    Op put(raw);
    wait_fanout(put.get());
    auto ids = fleet_remote_ids();
    ids.emplace_back("local");
    auto entries = fanout_entries(put.get());
    ASSERT_EQ(entries.size(), ids.size());
    for (auto &[id, op] : entries) {
        ASSERT_EQ(otto_op_error(op), OTTO_OK) << id << ": " << otto_op_error_message(op);
        const otto_transfer_result *r = otto_op_transfer_result(op);
        ASSERT_NE(r, nullptr) << id;
        EXPECT_EQ(otto_transfer_result_status(r), OTTO_STATUS_SUCCESS)
            << id << ": " << otto_transfer_result_file_message(r, 0);
    }
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(put.get())), OTTO_STATUS_SUCCESS);
    EXPECT_TRUE(read_file(dir.path() + "/firmware.bin") == bytes);

    std::string fetched = dir.local("fetched");
    std::string remote = dir.path() + "/firmware.bin";
    const char *remotes[] = {remote.c_str()};
    ASSERT_EQ(otto_context_get_on_hosts(&raw, ctx.get(), remotes, 1, fetched.c_str(), nullptr, all.get(), nullptr,
                                        nullptr),
              OTTO_OK);
    Op get(raw);
    wait_fanout(get.get());
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(get.get())), OTTO_STATUS_SUCCESS);
    for (const auto &id : ids) {
        EXPECT_TRUE(read_file(fetched + "/" + id + "/firmware.bin") == bytes) << id << "'s copy differs";
    }
}

TEST(FilesFanout, OneHostsMissingFileFailsThatHostAlone) {
    auto ctx = open_lab_context({});
    SharedDir dir;
    std::ofstream(dir.path() + "/present") << "here\n";
    std::string present = dir.path() + "/present";
    const char *remotes[] = {present.c_str()};
    auto some = fanout_opts("^(ssh0|shell0)$");
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_context_get_on_hosts(&raw, ctx.get(), remotes, 1, dir.local("got").c_str(), nullptr, some.get(),
                                        nullptr, nullptr),
              OTTO_OK);
    Op ok(raw);
    wait_fanout(ok.get());
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(ok.get())), OTTO_STATUS_SUCCESS);

    std::string absent = dir.path() + "/absent";
    const char *both[] = {present.c_str(), absent.c_str()};
    ASSERT_EQ(otto_context_get_on_hosts(&raw, ctx.get(), both, 2, dir.local("got2").c_str(), nullptr, some.get(),
                                        nullptr, nullptr),
              OTTO_OK);
    Op mixed(raw);
    wait_fanout(mixed.get());
    for (auto &[id, op] : fanout_entries(mixed.get())) {
        const otto_transfer_result *r = otto_op_transfer_result(op);
        ASSERT_NE(r, nullptr) << id << ": " << otto_op_error_message(op);
        EXPECT_EQ(otto_transfer_result_file_status(r, 0), OTTO_STATUS_SUCCESS) << id;
        EXPECT_EQ(otto_transfer_result_file_error(r, 1), OTTO_ENOTFOUND) << id;
        EXPECT_EQ(read_file(dir.local("got2") + "/" + id + "/present"), "here\n") << id;
    }
}

struct StatRequest {
    std::string path;
    static int start(otto_op **out, otto_host *host, void *user_data) {
        return otto_host_file_stat(out, host, static_cast<StatRequest *>(user_data)->path.c_str(), nullptr, nullptr);
    }
};

TEST(FilesFanout, FileOperationsFanOutThroughDoForHosts) {
    auto ctx = open_lab_context({});
    SharedDir dir;
    std::ofstream(dir.path() + "/seven") << "1234567";
    StatRequest request{dir.path() + "/seven"};
    auto all = fanout_opts("", true);
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_context_do_for_hosts(&raw, ctx.get(), StatRequest::start, &request, all.get(), nullptr, nullptr),
              OTTO_OK);
    Op op(raw);
    // APP dispatch: the start function runs inside dispatch.
    while (!otto_op_is_done(op.get())) otto_context_dispatch(nullptr, ctx.get(), 100);
    auto entries = fanout_entries(op.get());
    EXPECT_EQ(entries.size(), fleet_remote_ids().size() + 1);
    for (auto &[id, host_op] : entries) {
        ASSERT_EQ(otto_op_error(host_op), OTTO_OK) << id << ": " << otto_op_error_message(host_op);
        const otto_file_result *r = otto_op_file_result(host_op);
        ASSERT_NE(r, nullptr) << id;
        EXPECT_EQ(otto_file_result_size(r, 0), 7u) << id;
    }
}

TEST(FilesFanout, DryRunPutsNothingAnywhere) {
    auto ctx = open_lab_context(ContextSettings().as_dry_run());
    SharedDir dir;
    std::string file = dir.local("f");
    std::ofstream(file) << "f";
    const char *paths[] = {file.c_str()};
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_context_put_on_hosts(&raw, ctx.get(), paths, 1, dir.path().c_str(), nullptr, nullptr, nullptr,
                                        nullptr),
              OTTO_OK);
    Op op(raw);
    wait_fanout(op.get());
    EXPECT_EQ(otto_fanout_result_status(otto_op_fanout_result(op.get())), OTTO_STATUS_NOTRUN);
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(FilesFanout, BadArgumentsAreRefusedAtSubmission) {
    auto ctx = open_lab_context({});
    const char *twins[] = {"/a/same", "/b/same"};
    otto_op *raw = nullptr;
    EXPECT_EQ(otto_context_put_on_hosts(&raw, ctx.get(), twins, 2, "/tmp", nullptr, nullptr, nullptr, nullptr),
              OTTO_EINVAL);
    EXPECT_EQ(raw, nullptr);
    EXPECT_EQ(otto_context_get_on_hosts(&raw, ctx.get(), twins, 0, "/tmp", nullptr, nullptr, nullptr, nullptr),
              OTTO_EINVAL);
}

}  // namespace
}  // namespace otto_test
