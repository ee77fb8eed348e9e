// Files through the C API, unchanged over every way a host serves them:
// the local file system, SFTP, shell commands over SSH exec channels (a
// server without SFTP) and over a telnet console. Each test checks what
// arrived by reading it back through otto and, since every server of the
// test lab runs on this machine, through the file system too.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "files_hosts.hpp"
#include "otto_test.hpp"

namespace otto_test {
namespace {

namespace fs = std::filesystem;

std::string random_bytes(size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (auto &c : bytes) c = static_cast<char>(rng() & 0xff);
    return bytes;
}

void write_local(const std::string &path, const std::string &bytes, mode_t mode = 0644) {
    std::ofstream(path, std::ios::binary) << bytes;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

// Names of leftover temporary files in `dir`.
std::vector<std::string> temporaries(const std::string &dir) {
    std::vector<std::string> found;
    for (auto &e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename();
        if (name.find(".otto-") != std::string::npos) found.push_back(name);
    }
    return found;
}

struct FileOp {
    int error = OTTO_EPENDING;
    std::string message;
    std::string data;
    std::vector<std::string> names;
    std::vector<uint32_t> modes;
    std::vector<uint64_t> sizes;
};

FileOp finish_file_op(otto_op *raw) {
    Op op(raw);
    FileOp r;
    EXPECT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK) << "file op hung";
    r.error = otto_op_error(op.get());
    r.message = otto_op_error_message(op.get());
    if (const otto_file_result *f = otto_op_file_result(op.get())) {
        size_t len = 0;
        const char *data = otto_file_result_data(f, &len);
        r.data.assign(data, len);
        for (size_t i = 0; i < otto_file_result_count(f); ++i) {
            r.names.emplace_back(otto_file_result_name(f, i));
            r.modes.push_back(otto_file_result_mode(f, i));
            r.sizes.push_back(otto_file_result_size(f, i));
        }
    }
    return r;
}

struct Transfer {
    int call = OTTO_OK;  // what the submitting call returned
    int error = OTTO_EPENDING;
    int status = -1;
    struct File {
        int status;
        int error;
        std::string message;
        uint64_t bytes;
        std::string destination;
    };
    std::vector<File> files;
};

Transfer finish_transfer(int call, otto_op *raw) {
    Transfer t;
    t.call = call;
    if (call != OTTO_OK) return t;
    Op op(raw);
    EXPECT_EQ(otto_op_wait(op.get(), kHangMs * 5), OTTO_OK) << "transfer hung";
    t.error = otto_op_error(op.get());
    if (const otto_transfer_result *r = otto_op_transfer_result(op.get())) {
        t.status = otto_transfer_result_status(r);
        for (size_t i = 0; i < otto_transfer_result_count(r); ++i) {
            t.files.push_back({otto_transfer_result_file_status(r, i), otto_transfer_result_file_error(r, i),
                               otto_transfer_result_file_message(r, i), otto_transfer_result_file_bytes(r, i),
                               otto_transfer_result_destination(r, i)});
        }
    }
    return t;
}

std::vector<const char *> c_paths(const std::vector<std::string> &paths) {
    std::vector<const char *> out;
    for (auto &p : paths) out.push_back(p.c_str());
    return out;
}

class Files : public ::testing::TestWithParam<FilesHost> {
protected:
    void SetUp() override {
        ctx_ = make_context();
        host_ = GetParam().make(ctx_.get());
        ASSERT_TRUE(host_);
        // A directory the host's user may write, on this machine.
        ASSERT_EQ(::chmod(local_.path().c_str(), 0755), 0);
        remote_ = local_.path() + "/remote";
        ASSERT_EQ(::mkdir(remote_.c_str(), 0777), 0);
        ASSERT_EQ(::chmod(remote_.c_str(), 0777), 0);
        source_ = local_.path() + "/source";
        ASSERT_EQ(::mkdir(source_.c_str(), 0755), 0);
        fetched_ = local_.path() + "/fetched";
        ASSERT_EQ(::mkdir(fetched_.c_str(), 0755), 0);
    }
    void TearDown() override {
        host_.reset();
        ctx_.reset();
    }

    otto_host *host() { return host_.get(); }

    FileOp read(const std::string &path) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_read(&op, host(), path.c_str(), nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    FileOp write(const std::string &path, const std::string &bytes, otto_transfer_opts *opts = nullptr) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_write(&op, host(), path.c_str(), bytes.data(), bytes.size(), opts, nullptr, nullptr),
                  OTTO_OK);
        return finish_file_op(op);
    }
    FileOp stat(const std::string &path, bool follow = true) {
        otto_op *op = nullptr;
        EXPECT_EQ((follow ? otto_host_file_stat : otto_host_file_lstat)(&op, host(), path.c_str(), nullptr, nullptr),
                  OTTO_OK);
        return finish_file_op(op);
    }
    FileOp list(const std::string &dir) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_list(&op, host(), dir.c_str(), nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    FileOp glob(const std::string &dir, const std::string &pattern) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_glob(&op, host(), dir.c_str(), pattern.c_str(), nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    FileOp mkdir(const std::string &path, uint32_t mode = 0755) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_mkdir(&op, host(), path.c_str(), mode, nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    FileOp remove(const std::string &path) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_remove(&op, host(), path.c_str(), nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    FileOp rename(const std::string &from, const std::string &to) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_rename(&op, host(), from.c_str(), to.c_str(), nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    FileOp realpath(const std::string &path) {
        otto_op *op = nullptr;
        EXPECT_EQ(otto_host_file_realpath(&op, host(), path.c_str(), nullptr, nullptr), OTTO_OK);
        return finish_file_op(op);
    }
    Transfer put(const std::vector<std::string> &locals, const std::string &dir, otto_transfer_opts *opts = nullptr) {
        auto paths = c_paths(locals);
        otto_op *op = nullptr;
        int rc = otto_host_put(&op, host(), paths.data(), paths.size(), dir.c_str(), opts, nullptr, nullptr);
        return finish_transfer(rc, op);
    }
    Transfer get(const std::vector<std::string> &remotes, const std::string &dir, otto_transfer_opts *opts = nullptr) {
        auto paths = c_paths(remotes);
        otto_op *op = nullptr;
        int rc = otto_host_get(&op, host(), paths.data(), paths.size(), dir.c_str(), opts, nullptr, nullptr);
        return finish_transfer(rc, op);
    }

    // Puts `bytes` as `name`, gets it back, and checks both copies.
    void round_trip(const std::string &name, const std::string &bytes) {
        SCOPED_TRACE(name);
        write_local(source_ + "/" + name, bytes);
        Transfer up = put({source_ + "/" + name}, remote_);
        ASSERT_EQ(up.error, OTTO_OK);
        ASSERT_EQ(up.status, OTTO_STATUS_SUCCESS) << up.files.at(0).message;
        EXPECT_EQ(up.files.at(0).bytes, bytes.size());
        EXPECT_EQ(up.files.at(0).destination, remote_ + "/" + name);
        EXPECT_TRUE(read_file(remote_ + "/" + name) == bytes) << "the host's copy differs";
        Transfer down = get({remote_ + "/" + name}, fetched_);
        ASSERT_EQ(down.status, OTTO_STATUS_SUCCESS) << down.files.at(0).message;
        EXPECT_EQ(down.files.at(0).bytes, bytes.size());
        EXPECT_TRUE(read_file(fetched_ + "/" + name) == bytes) << "the fetched copy differs";
        EXPECT_TRUE(temporaries(remote_).empty());
        EXPECT_TRUE(temporaries(fetched_).empty());
    }

    Context ctx_;
    Host host_;
    TempDir local_;
    std::string remote_;
    std::string source_;
    std::string fetched_;
};

// --- put and get ---------------------------------------------------------------

TEST_P(Files, EmptySmallAndBinaryFilesRoundTripByteForByte) {
    round_trip("empty", "");
    round_trip("small.txt", "hello, lab\nsecond line\n");
    std::string every_byte;
    for (int i = 0; i < 256; ++i) every_byte += static_cast<char>(i);
    round_trip("every-byte.bin", every_byte + every_byte + "\r\n\r" + std::string(3, '\0'));
    round_trip("random.bin", random_bytes(GetParam().binary_size, 7));
}

TEST_P(Files, LargeFileRoundTripsByteForByte) { round_trip("large.bin", random_bytes(GetParam().large_size, 11)); }

TEST_P(Files, ManyFilesGoInOneTransferWithAResultEach) {
    std::vector<std::string> locals;
    for (int i = 0; i < 7; ++i) {
        locals.push_back(source_ + "/f" + std::to_string(i));
        write_local(locals.back(), "file " + std::to_string(i) + "\n");
    }
    Transfer up = put(locals, remote_ + "/deep/er");
    ASSERT_EQ(up.status, OTTO_STATUS_SUCCESS);
    ASSERT_EQ(up.files.size(), 7u);
    for (int i = 0; i < 7; ++i) {
        EXPECT_EQ(read_file(remote_ + "/deep/er/f" + std::to_string(i)), "file " + std::to_string(i) + "\n");
    }
}

TEST_P(Files, MissingFilesFailAloneAndAreNamed) {
    write_local(source_ + "/present", "here\n");
    Transfer up = put({source_ + "/absent", source_ + "/present"}, remote_);
    ASSERT_EQ(up.error, OTTO_OK);
    EXPECT_EQ(up.status, OTTO_STATUS_ERROR);
    ASSERT_EQ(up.files.size(), 2u);
    EXPECT_EQ(up.files[0].status, OTTO_STATUS_ERROR);
    EXPECT_EQ(up.files[0].error, OTTO_ENOTFOUND);
    EXPECT_NE(up.files[0].message.find(source_ + "/absent"), std::string::npos) << up.files[0].message;
    EXPECT_EQ(up.files[1].status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(read_file(remote_ + "/present"), "here\n");

    Transfer down = get({remote_ + "/nothing-here", remote_ + "/present"}, fetched_);
    EXPECT_EQ(down.status, OTTO_STATUS_ERROR);
    ASSERT_EQ(down.files.size(), 2u);
    EXPECT_EQ(down.files[0].error, OTTO_ENOTFOUND) << down.files[0].message;
    EXPECT_NE(down.files[0].message.find("nothing-here"), std::string::npos) << down.files[0].message;
    EXPECT_EQ(down.files[1].status, OTTO_STATUS_SUCCESS);
    EXPECT_FALSE(fs::exists(fetched_ + "/nothing-here"));
    EXPECT_TRUE(temporaries(fetched_).empty());

    ASSERT_EQ(::mkdir((source_ + "/folder").c_str(), 0755), 0);
    Transfer tree = put({source_ + "/folder", source_ + "/present"}, remote_);
    ASSERT_EQ(tree.files.size(), 2u);
    EXPECT_EQ(tree.files[0].error, OTTO_EFILE);
    EXPECT_EQ(tree.files[0].message, source_ + "/folder is a directory: only files are copied, not directories");
    EXPECT_EQ(tree.files[1].status, OTTO_STATUS_SUCCESS);
}

// Only hosts whose user is not root: permissions never bite root.
class FilesOfAnUnprivilegedUser : public Files {};

TEST_P(FilesOfAnUnprivilegedUser, PermissionDeniedIsReportedPerFile) {
    std::string locked = remote_ + "/locked";
    ASSERT_EQ(::mkdir(locked.c_str(), 0755), 0);  // owned by this process's user, not the host's
    write_local(source_ + "/a", "a\n");
    Transfer up = put({source_ + "/a"}, locked);
    EXPECT_EQ(up.status, OTTO_STATUS_ERROR);
    ASSERT_EQ(up.files.size(), 1u);
    EXPECT_EQ(up.files[0].error, OTTO_EPERM) << up.files[0].message;
    write_local(remote_ + "/secret", "s\n", 0600);
    Transfer down = get({remote_ + "/secret"}, fetched_);
    ASSERT_EQ(down.files.size(), 1u);
    EXPECT_EQ(down.files[0].error, OTTO_EPERM) << down.files[0].message;
    EXPECT_EQ(read(remote_ + "/secret").error, OTTO_EPERM);
}

TEST_P(Files, BadArgumentsAreRefusedBeforeAnyByteMoves) {
    write_local(source_ + "/same", "1");
    ASSERT_EQ(::mkdir((source_ + "/sub").c_str(), 0755), 0);
    write_local(source_ + "/sub/same", "2");
    Transfer twins = put({source_ + "/same", source_ + "/sub/same"}, remote_);
    EXPECT_EQ(twins.call, OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("same"), std::string::npos);
    std::string long_name(250, 'n');
    Transfer too_long = put({source_ + "/" + long_name}, remote_);
    EXPECT_EQ(too_long.call, OTTO_EINVAL);
    EXPECT_NE(std::string(otto_last_error_message()).find("NAME_MAX"), std::string::npos);
    EXPECT_EQ(put({}, remote_).call, OTTO_EINVAL);
    EXPECT_EQ(put({source_ + "/same"}, "").call, OTTO_EINVAL);
    EXPECT_TRUE(fs::is_empty(remote_)) << "nothing may have been written";
}

// What a tool checks before fanning a put or get out to many hosts: the
// rules of a submission and this machine's side, with no host at all.
TEST(TransferCheck, RefusesWhatAPutOrGetWouldRefuseWithoutAHost) {
    TempDir dir;
    write_local(dir.file("a"), "a\n");
    ASSERT_EQ(::mkdir(dir.file("sub").c_str(), 0755), 0);
    write_local(dir.file("sub/a"), "another a\n");
    auto put_check = [&](std::vector<std::string> files, const std::string &where = "/anywhere") {
        std::vector<const char *> paths;
        for (const auto &f : files) paths.push_back(f.c_str());
        return otto_put_check(paths.data(), paths.size(), where.c_str());
    };
    auto get_check = [&](std::vector<const char *> files, const std::string &local_dir) {
        return otto_get_check(files.data(), files.size(), local_dir.c_str());
    };
    auto last_message = [] { return std::string(otto_last_error_message()); };

    EXPECT_EQ(put_check({dir.file("a"), dir.file("sub/a")}, ""), OTTO_EINVAL);
    EXPECT_EQ(put_check({dir.file("a")}), OTTO_OK);
    EXPECT_EQ(put_check({dir.file("a"), dir.file("absent")}), OTTO_ENOTFOUND);
    EXPECT_EQ(last_message(), "cannot open local file " + dir.file("absent") + ": No such file or directory");
    EXPECT_EQ(put_check({dir.file("sub")}), OTTO_EFILE);
    EXPECT_EQ(last_message(), dir.file("sub") + " is a directory: only files are copied, not directories");
    EXPECT_EQ(put_check({dir.file("a"), dir.file("sub/a")}), OTTO_EINVAL);
    EXPECT_EQ(last_message(), "put: two files are named \"a\": they would overwrite each other in /anywhere");
    EXPECT_EQ(otto_put_check(nullptr, 0, "/anywhere"), OTTO_EINVAL);

    EXPECT_EQ(get_check({"/etc/hostname"}, dir.file("not/yet")), OTTO_OK);
    EXPECT_FALSE(fs::exists(dir.file("not"))) << "a check creates nothing";
    EXPECT_EQ(get_check({"/etc/hostname", "/var/log/x"}, dir.path()), OTTO_OK);
    EXPECT_EQ(get_check({"/etc/hostname"}, dir.file("a")), OTTO_EFILE);
    EXPECT_EQ(last_message(), "cannot create directory " + dir.file("a") + ": a file is in the way");
    EXPECT_EQ(get_check({"/etc/x", "/var/x"}, dir.path()), OTTO_EINVAL);
    EXPECT_NE(last_message().find("get: two files are named \"x\""), std::string::npos) << last_message();
}

struct Progress {
    std::mutex mutex;
    std::map<size_t, std::vector<std::pair<uint64_t, uint64_t>>> seen;
    static void on_event(otto_op *, const otto_event *event, void *user) {
        auto *self = static_cast<Progress *>(user);
        if (otto_event_kind(event) != OTTO_EVENT_PROGRESS) return;
        uint64_t done = 0, total = 0;
        otto_event_progress(event, &done, &total);
        std::lock_guard lock(self->mutex);
        self->seen[otto_event_command_index(event)].emplace_back(done, total);
    }
};

TEST_P(Files, ProgressEndsWithDoneEqualToTotalForEveryFile) {
    write_local(source_ + "/empty", "");
    write_local(source_ + "/some", random_bytes(300000, 3));
    Progress progress;
    otto_transfer_opts *raw = nullptr;
    ASSERT_EQ(otto_transfer_opts_new(&raw), OTTO_OK);
    std::unique_ptr<otto_transfer_opts, void (*)(otto_transfer_opts *)> opts(raw, otto_transfer_opts_free);
    ASSERT_EQ(otto_transfer_opts_set_event_cb(raw, Progress::on_event, &progress), OTTO_OK);
    // Events reach the callback on the loop thread as they happen.
    auto loop_ctx = make_context(OTTO_DISPATCH_LOOP);
    Host host = GetParam().make(loop_ctx.get());
    std::vector<std::string> sources{source_ + "/empty", source_ + "/some"};
    auto paths = c_paths(sources);
    otto_op *op = nullptr;
    int rc = otto_host_put(&op, host.get(), paths.data(), paths.size(), remote_.c_str(), raw, nullptr, nullptr);
    Transfer up = finish_transfer(rc, op);
    ASSERT_EQ(up.status, OTTO_STATUS_SUCCESS);
    std::lock_guard lock(progress.mutex);
    ASSERT_EQ(progress.seen.size(), 2u);
    EXPECT_EQ(progress.seen[0].back(), std::make_pair(uint64_t{0}, uint64_t{0}));
    EXPECT_EQ(progress.seen[1].back(), std::make_pair(uint64_t{300000}, uint64_t{300000}));
    for (auto &[index, steps] : progress.seen) {
        EXPECT_TRUE(std::is_sorted(steps.begin(), steps.end())) << "progress went backwards for file " << index;
    }
}

TEST_P(Files, ModesAreTheSourcesUnlessGiven) {
    write_local(source_ + "/tool", "#!/bin/sh\n", 0750);
    ASSERT_EQ(put({source_ + "/tool"}, remote_).status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(stat(remote_ + "/tool").modes.at(0) & 07777, 0750u);
    otto_transfer_opts *raw = nullptr;
    ASSERT_EQ(otto_transfer_opts_new(&raw), OTTO_OK);
    std::unique_ptr<otto_transfer_opts, void (*)(otto_transfer_opts *)> opts(raw, otto_transfer_opts_free);
    ASSERT_EQ(otto_transfer_opts_set_mode(raw, 0604), OTTO_OK);
    EXPECT_EQ(otto_transfer_opts_set_mode(raw, 010000), OTTO_EINVAL);
    ASSERT_EQ(put({source_ + "/tool"}, remote_, raw).status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(stat(remote_ + "/tool").modes.at(0) & 07777, 0604u);
    ASSERT_EQ(get({remote_ + "/tool"}, fetched_).status, OTTO_STATUS_SUCCESS);
    struct stat st {};
    ASSERT_EQ(::stat((fetched_ + "/tool").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0604u);
}

TEST_P(Files, PutReplacesAnExistingFileWhole) {
    write_local(remote_ + "/config", std::string(100000, 'o'));
    write_local(source_ + "/config", "new\n");
    ASSERT_EQ(put({source_ + "/config"}, remote_).status, OTTO_STATUS_SUCCESS);
    EXPECT_EQ(read_file(remote_ + "/config"), "new\n");
    EXPECT_TRUE(temporaries(remote_).empty());
}

TEST_P(Files, CancelMidTransferLeavesNoPartialFile) {
    write_local(source_ + "/big", random_bytes(GetParam().large_size, 5));
    write_local(remote_ + "/big", "old\n");
    struct FirstProgress {
        std::mutex mutex;
        std::condition_variable seen;
        bool moved = false;
        static void on_event(otto_op *, const otto_event *event, void *user) {
            auto *self = static_cast<FirstProgress *>(user);
            uint64_t done = 0;
            otto_event_progress(event, &done, nullptr);
            if (done == 0) return;
            std::lock_guard lock(self->mutex);
            self->moved = true;
            self->seen.notify_all();
        }
    } first;
    auto loop_ctx = make_context(OTTO_DISPATCH_LOOP);
    Host host = GetParam().make(loop_ctx.get());
    otto_transfer_opts *raw = nullptr;
    ASSERT_EQ(otto_transfer_opts_new(&raw), OTTO_OK);
    std::unique_ptr<otto_transfer_opts, void (*)(otto_transfer_opts *)> opts(raw, otto_transfer_opts_free);
    ASSERT_EQ(otto_transfer_opts_set_event_cb(raw, FirstProgress::on_event, &first), OTTO_OK);
    std::string source = source_ + "/big";
    const char *path = source.c_str();
    otto_op *raw_op = nullptr;
    ASSERT_EQ(otto_host_put(&raw_op, host.get(), &path, 1, remote_.c_str(), raw, nullptr, nullptr), OTTO_OK);
    Op op(raw_op);
    {
        std::unique_lock lock(first.mutex);
        ASSERT_TRUE(first.seen.wait_for(lock, std::chrono::milliseconds(kHangMs), [&] { return first.moved; }));
    }
    ASSERT_EQ(otto_op_cancel(op.get()), OTTO_OK);
    ASSERT_EQ(otto_op_wait(op.get(), kHangMs), OTTO_OK);
    EXPECT_EQ(otto_op_error(op.get()), OTTO_ECANCELED);
    // The removal of the temporary file is on its way: a later op on the
    // same host runs after it.
    FileOp settle = {};
    {
        otto_op *s = nullptr;
        ASSERT_EQ(otto_host_file_list(&s, host.get(), remote_.c_str(), nullptr, nullptr), OTTO_OK);
        settle = finish_file_op(s);
    }
    EXPECT_EQ(read_file(remote_ + "/big"), "old\n") << "the destination was touched";
    for (int i = 0; i < 100 && !temporaries(remote_).empty(); ++i) usleep(50000);
    EXPECT_TRUE(temporaries(remote_).empty()) << "a temporary file was left: " << temporaries(remote_).at(0);
}

TEST_P(Files, DryRunTouchesNothing) {
    auto dry = make_context(OTTO_DISPATCH_APP, true);
    Host host = GetParam().make(dry.get());
    write_local(source_ + "/f", "f\n");
    std::string source = source_ + "/f";
    const char *path = source.c_str();
    otto_op *raw = nullptr;
    ASSERT_EQ(otto_host_put(&raw, host.get(), &path, 1, remote_.c_str(), nullptr, nullptr, nullptr), OTTO_OK);
    Transfer t = finish_transfer(OTTO_OK, raw);
    EXPECT_EQ(t.status, OTTO_STATUS_NOTRUN);
    ASSERT_EQ(t.files.size(), 1u);
    EXPECT_EQ(t.files[0].status, OTTO_STATUS_NOTRUN);
    otto_op *r = nullptr;
    ASSERT_EQ(otto_host_file_read(&r, host.get(), "/etc/hostname", nullptr, nullptr), OTTO_OK);
    EXPECT_EQ(finish_file_op(r).error, OTTO_ENOTRUN);
    EXPECT_TRUE(fs::is_empty(remote_));
}

// --- file operations -----------------------------------------------------------

TEST_P(Files, WriteThenReadGivesTheSameBytes) {
    std::string bytes = std::string("text\0with NUL\n", 14) + random_bytes(5000, 9);
    ASSERT_EQ(write(remote_ + "/w.bin", bytes).error, OTTO_OK);
    FileOp r = read(remote_ + "/w.bin");
    ASSERT_EQ(r.error, OTTO_OK) << r.message;
    EXPECT_TRUE(r.data == bytes);
    EXPECT_EQ(stat(remote_ + "/w.bin").modes.at(0) & 07777, 0644u);
    ASSERT_EQ(write(remote_ + "/w.bin", "short").error, OTTO_OK);
    EXPECT_EQ(read(remote_ + "/w.bin").data, "short");
    ASSERT_EQ(write(remote_ + "/empty", "").error, OTTO_OK);
    EXPECT_EQ(read(remote_ + "/empty").data, "");
    FileOp missing = read(remote_ + "/missing");
    EXPECT_EQ(missing.error, OTTO_ENOTFOUND);
    EXPECT_NE(missing.message.find(remote_ + "/missing"), std::string::npos) << missing.message;
}

TEST_P(Files, StatAndLstatTellFilesDirectoriesAndLinks) {
    write_local(remote_ + "/file", "12345");
    ASSERT_EQ(::symlink("file", (remote_ + "/link").c_str()), 0);
    FileOp f = stat(remote_ + "/file");
    ASSERT_EQ(f.error, OTTO_OK) << f.message;
    ASSERT_EQ(f.names.size(), 1u);
    EXPECT_EQ(f.names[0], remote_ + "/file");
    EXPECT_TRUE(S_ISREG(f.modes[0]));
    EXPECT_EQ(f.sizes[0], 5u);
    EXPECT_TRUE(S_ISREG(stat(remote_ + "/link").modes.at(0)));
    EXPECT_TRUE(S_ISLNK(stat(remote_ + "/link", false).modes.at(0)));
    EXPECT_TRUE(S_ISDIR(stat(remote_).modes.at(0)));
    EXPECT_EQ(stat(remote_ + "/none").error, OTTO_ENOTFOUND);
}

TEST_P(Files, ListAndGlobAreSortedAndGlobSkipsHiddenNames) {
    for (const char *name : {"b.log", "a.log", "c.txt", ".hidden.log", "with space.log"}) {
        write_local(remote_ + "/" + name, name);
    }
    ASSERT_EQ(::mkdir((remote_ + "/dir.log").c_str(), 0755), 0);
    FileOp all = list(remote_);
    ASSERT_EQ(all.error, OTTO_OK) << all.message;
    EXPECT_EQ(all.names,
              (std::vector<std::string>{".hidden.log", "a.log", "b.log", "c.txt", "dir.log", "with space.log"}));
    FileOp logs = glob(remote_, "*.log");
    ASSERT_EQ(logs.error, OTTO_OK) << logs.message;
    EXPECT_EQ(logs.names, (std::vector<std::string>{remote_ + "/a.log", remote_ + "/b.log", remote_ + "/dir.log",
                                                    remote_ + "/with space.log"}));
    EXPECT_EQ(glob(remote_, ".*.log").names, std::vector<std::string>{remote_ + "/.hidden.log"});
    EXPECT_TRUE(glob(remote_, "*.none").names.empty());
    EXPECT_EQ(list(remote_ + "/missing").error, OTTO_ENOTFOUND);
}

TEST_P(Files, MkdirRemoveRenameAndRealpath) {
    ASSERT_EQ(mkdir(remote_ + "/x/y/z", 0700).error, OTTO_OK);
    EXPECT_TRUE(S_ISDIR(stat(remote_ + "/x/y/z").modes.at(0)));
    EXPECT_EQ(stat(remote_ + "/x/y/z").modes.at(0) & 0777, 0700u);
    EXPECT_EQ(mkdir(remote_ + "/x/y").error, OTTO_OK) << "an existing directory is fine";
    write_local(remote_ + "/plain", "p");
    EXPECT_NE(mkdir(remote_ + "/plain/sub").error, OTTO_OK);
    EXPECT_NE(mkdir(remote_ + "/plain").error, OTTO_OK) << "a file is in the way";

    write_local(remote_ + "/from", "from");
    write_local(remote_ + "/to", "to");
    ASSERT_EQ(rename(remote_ + "/from", remote_ + "/to").error, OTTO_OK);
    EXPECT_EQ(read_file(remote_ + "/to"), "from");
    EXPECT_FALSE(fs::exists(remote_ + "/from"));
    EXPECT_EQ(rename(remote_ + "/from", remote_ + "/again").error, OTTO_ENOTFOUND);

    ASSERT_EQ(remove(remote_ + "/to").error, OTTO_OK);
    EXPECT_FALSE(fs::exists(remote_ + "/to"));
    ASSERT_EQ(remove(remote_ + "/x/y/z").error, OTTO_OK) << "an empty directory goes";
    EXPECT_NE(remove(remote_ + "/x").error, OTTO_OK) << "a directory with entries stays";
    EXPECT_EQ(remove(remote_ + "/gone").error, OTTO_ENOTFOUND);

    FileOp real = realpath(remote_ + "/x/y/../y/.");
    ASSERT_EQ(real.error, OTTO_OK) << real.message;
    EXPECT_EQ(real.data, fs::canonical(remote_ + "/x/y").string());
}

TEST_P(Files, ManyCallsInFlightAtOnceAllComplete) {
    for (int i = 0; i < 20; ++i) write_local(remote_ + "/n" + std::to_string(i), std::to_string(i));
    std::vector<otto_op *> ops;
    for (int round = 0; round < 10; ++round) {
        for (int i = 0; i < 20; ++i) {
            otto_op *op = nullptr;
            std::string path = remote_ + "/n" + std::to_string(i);
            ASSERT_EQ((round % 2 ? otto_host_file_read : otto_host_file_stat)(&op, host(), path.c_str(), nullptr,
                                                                              nullptr),
                      OTTO_OK);
            ops.push_back(op);
        }
    }
    for (size_t k = 0; k < ops.size(); ++k) {
        FileOp r = finish_file_op(ops[k]);
        int i = static_cast<int>(k % 20);
        ASSERT_EQ(r.error, OTTO_OK) << r.message;
        if ((k / 20) % 2) EXPECT_EQ(r.data, std::to_string(i));
        else EXPECT_EQ(r.sizes.at(0), std::to_string(i).size());
    }
}

INSTANTIATE_TEST_SUITE_P(Hosts, Files, ::testing::ValuesIn(files_hosts()), files_host_name);

std::vector<FilesHost> unprivileged_files_hosts() {
    std::vector<FilesHost> hosts;
    for (auto &host : files_hosts())
        if (host.unprivileged()) hosts.push_back(host);
    return hosts;
}
INSTANTIATE_TEST_SUITE_P(Hosts, FilesOfAnUnprivilegedUser, ::testing::ValuesIn(unprivileged_files_hosts()),
                         files_host_name);

}  // namespace
}  // namespace otto_test
