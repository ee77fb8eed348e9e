// Files over shell commands (ShellFiles) on real shells: a telnet host on
// the test lab's BusyBox telnetd (ash, whose console limits lines), the
// local host (/bin/sh), bash, and BusyBox sh running BusyBox's own tools.
// The "remote" files are on this machine, so the tests check them directly.
// ShellFiles is driven on the host's loop thread; the test thread waits.
#include "transfer/shell_files.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "host/host.hpp"
#include "lab.hpp"
#include "otto.h"
#include "transport/local/local_oneshot.hpp"

namespace {

using otto::Error;
using otto::FileInfo;
using otto::RemoteFiles;

constexpr auto kWait = std::chrono::seconds(300);

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

bool exists(const std::string &path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> names_in(const std::string &dir) {
    std::vector<std::string> names;
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") names.push_back(n);
        }
        closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string random_bytes(size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (auto &c : bytes) c = static_cast<char>(rng() & 0xff);
    // Every byte value at least once.
    for (size_t i = 0; i < 256 && i < size; ++i) bytes[i] = static_cast<char>(i);
    return bytes;
}

// One-shots through `argv` + the command: a shell other than /bin/sh.
class CommandBackend final : public otto::HostBackend {
public:
    CommandBackend(uv_loop_t *loop, std::vector<std::string> argv) : loop_(loop), argv_(std::move(argv)) {}
    void launch_shell(otto::ShellLauncher::Done) override {}
    otto::LineLimit line_limit() const override { return {0, ""}; }
    std::shared_ptr<otto::OneshotHandle> run_oneshot(const otto::OneshotSpec &spec, otto::OneshotLineSink lines,
                                                     std::function<void(otto::CommandResult)> done) override {
        auto argv = argv_;
        argv.push_back(spec.command);
        return otto::LocalOneshot::start(loop_, argv, spec, std::move(lines), std::move(done), nullptr);
    }
    std::unique_ptr<RemoteFiles> make_files() override { return nullptr; }
    void shutdown(std::function<void()> done) override { done(); }

private:
    uv_loop_t *loop_;
    std::vector<std::string> argv_;
};

// A directory of links to BusyBox for every tool ShellFiles uses.
std::string busybox_tools(const std::string &dir) {
    for (const char *tool :
         {"sh", "stat", "ls", "mkdir", "rm", "rmdir", "mv", "realpath", "readlink", "md5sum", "base64", "chmod", "cat"})
        EXPECT_EQ(symlink("/usr/bin/busybox", (dir + "/" + tool).c_str()), 0) << tool;
    return dir;
}

enum class Target { TelnetAsh, LocalSh, Bash, BusyBoxSh };

std::string target_name(Target t) {
    switch (t) {
        case Target::TelnetAsh: return "TelnetAsh";
        case Target::LocalSh: return "LocalSh";
        case Target::Bash: return "Bash";
        case Target::BusyBoxSh: return "BusyBoxSh";
    }
    return "?";
}

class ShellFilesTest : public ::testing::TestWithParam<Target> {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/otto-shell-files-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        dir_ = root_ + "/remote";
        local_ = root_ + "/local";
        ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
        ASSERT_EQ(mkdir(local_.c_str(), 0755), 0);

        otto_context_opts *copts = nullptr;
        ASSERT_EQ(otto_context_opts_new(&copts), OTTO_OK);
        ASSERT_EQ(otto_context_opts_set_dispatch(copts, OTTO_DISPATCH_LOOP), OTTO_OK);
        ASSERT_EQ(otto_context_new(&ctx_, copts), OTTO_OK);
        otto_context_opts_free(copts);
        otto_host_opts *hopts = nullptr;
        ASSERT_EQ(otto_host_opts_new(&hopts), OTTO_OK);
        otto_host *raw = nullptr;
        if (GetParam() == Target::TelnetAsh) {
            otto_lab::Options options;
            options.die_with_parent = true;
            options.ssh_servers = 0;
            options.telnet_ash_servers = 1;
            lab_ = otto_lab::Lab::start(options);
            ASSERT_EQ(otto_host_opts_set_port(hopts, lab_->telnet().at(0).port), OTTO_OK);
            ASSERT_EQ(otto_host_opts_set_telnet_login(hopts, 0), OTTO_OK);
            ASSERT_EQ(otto_host_opts_set_command_frame(hopts, OTTO_FRAME_ASH), OTTO_OK);
            ASSERT_EQ(otto_host_new_telnet(&raw, ctx_, "127.0.0.1", nullptr, hopts), OTTO_OK)
                << otto_last_error_message();
        } else {
            ASSERT_EQ(otto_host_new_local(&raw, ctx_, hopts), OTTO_OK);
        }
        otto_host_opts_free(hopts);
        host_ = raw;
        std::vector<std::string> argv;
        if (GetParam() == Target::Bash) argv = {"bash", "-c"};
        if (GetParam() == Target::BusyBoxSh) {
            std::string tools = root_ + "/busybox-tools";
            ASSERT_EQ(mkdir(tools.c_str(), 0755), 0);
            argv = {"/usr/bin/env", "PATH=" + busybox_tools(tools), "/usr/bin/busybox", "sh", "-c"};
        }
        on_loop([&] {
            if (GetParam() == Target::TelnetAsh) {
                files_ = host_->files();
            } else if (GetParam() == Target::LocalSh) {
                own_files_ = otto::make_shell_files(host_->engine().uv(), host_->backend(), "local host");
            } else {
                backend_ = std::make_unique<CommandBackend>(host_->engine().uv(), argv);
                own_files_ = otto::make_shell_files(host_->engine().uv(), *backend_, target_name(GetParam()));
            }
            if (own_files_) files_ = own_files_.get();
        });
        ASSERT_NE(files_, nullptr);
    }

    void TearDown() override {
        if (host_) {
            on_loop([&] {
                own_files_.reset();
                backend_.reset();
            });
            otto_host_free(host_);
        }
        if (ctx_) {
            EXPECT_EQ(otto_context_free(ctx_), OTTO_OK);
        }
        std::string rm = "rm -rf '" + root_ + "'";
        EXPECT_EQ(std::system(rm.c_str()), 0);
    }

    // Runs `fn` on the loop thread and waits for it.
    void on_loop(const std::function<void()> &fn) {
        std::promise<void> ran;
        ASSERT_TRUE(host_->engine().post([&] {
            fn();
            ran.set_value();
        }));
        ran.get_future().wait();
    }

    // Starts an operation on the loop thread and waits for its callback.
    template <class T>
    std::pair<Error, T> call(const std::function<void(std::function<void(Error, T)>)> &start) {
        auto done = std::make_shared<std::promise<std::pair<Error, T>>>();
        auto future = done->get_future();
        on_loop([&] { start([done](Error e, T value) { done->set_value({std::move(e), std::move(value)}); }); });
        EXPECT_EQ(future.wait_for(kWait), std::future_status::ready);
        return future.get();
    }
    Error finished(const std::function<void(RemoteFiles::Finished)> &start) {
        return call<int>(
                   [&](std::function<void(Error, int)> done) { start([done](Error e) { done(std::move(e), 0); }); })
            .first;
    }

    std::pair<Error, FileInfo> stat(const std::string &path, bool follow = true) {
        return call<FileInfo>([&](auto done) { files_->stat(path, follow, done); });
    }
    std::pair<Error, std::vector<FileInfo>> list(const std::string &path) {
        return call<std::vector<FileInfo>>([&](auto done) { files_->list(path, done); });
    }
    std::pair<Error, std::string> realpath(const std::string &path) {
        return call<std::string>([&](auto done) { files_->realpath(path, done); });
    }

    struct Moved {
        Error error;
        uint64_t bytes = 0;
        std::string content;
        std::vector<std::pair<uint64_t, uint64_t>> progress;
    };
    Moved upload(const otto::UploadSpec &spec) {
        auto moved = std::make_shared<Moved>();
        auto r = call<uint64_t>([&](auto done) {
            files_->upload(
                spec, [moved](uint64_t d, uint64_t t) { moved->progress.emplace_back(d, t); },
                [done](Error e, uint64_t bytes) { done(std::move(e), bytes); });
        });
        moved->error = r.first;
        moved->bytes = r.second;
        return *moved;
    }
    Moved upload_bytes(const std::string &path, const std::string &bytes, std::optional<uint32_t> mode = {}) {
        otto::UploadSpec spec;
        spec.bytes = bytes;
        spec.remote_path = path;
        spec.mode = mode;
        return upload(spec);
    }
    Moved download(const std::string &path, const std::string &local = "") {
        auto moved = std::make_shared<Moved>();
        otto::DownloadSpec spec;
        spec.remote_path = path;
        spec.local_path = local;
        auto r = call<std::pair<uint64_t, std::string>>([&](auto done) {
            files_->download(
                spec, [moved](uint64_t d, uint64_t t) { moved->progress.emplace_back(d, t); },
                [done](Error e, uint64_t bytes, std::string content) {
                    done(std::move(e), {bytes, std::move(content)});
                });
        });
        moved->error = r.first;
        moved->bytes = r.second.first;
        moved->content = r.second.second;
        return *moved;
    }

    void round_trip(const std::string &name, const std::string &bytes) {
        SCOPED_TRACE(name);
        std::string remote = dir_ + "/" + name;
        auto started = std::chrono::steady_clock::now();
        auto up = upload_bytes(remote, bytes);
        double up_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        ASSERT_FALSE(up.error) << up.error.message;
        EXPECT_EQ(up.bytes, bytes.size());
        ASSERT_FALSE(up.progress.empty());
        EXPECT_EQ(up.progress.back(), (std::pair<uint64_t, uint64_t>(bytes.size(), bytes.size())));
        EXPECT_TRUE(read_file(remote) == bytes);

        started = std::chrono::steady_clock::now();
        auto down = download(remote);
        double down_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        ASSERT_FALSE(down.error) << down.error.message;
        EXPECT_EQ(down.bytes, bytes.size());
        EXPECT_TRUE(down.content == bytes);
        ASSERT_FALSE(down.progress.empty());
        EXPECT_EQ(down.progress.back(), (std::pair<uint64_t, uint64_t>(bytes.size(), bytes.size())));
        if (bytes.size() >= 1 << 20) {
            std::printf("[ %s ] %zu bytes: upload %.2f s (%.0f KiB/s), download %.2f s (%.0f KiB/s)\n",
                        target_name(GetParam()).c_str(), bytes.size(), up_seconds,
                        static_cast<double>(bytes.size()) / 1024 / up_seconds, down_seconds,
                        static_cast<double>(bytes.size()) / 1024 / down_seconds);
        }

        // Local files both ways, and no temporary file left behind.
        std::string source = local_ + "/" + name + ".source";
        write_file(source, bytes);
        chmod(source.c_str(), 0640);
        otto::UploadSpec spec;
        spec.local_path = source;
        spec.remote_path = remote + ".2";
        auto up2 = upload(spec);
        ASSERT_FALSE(up2.error) << up2.error.message;
        EXPECT_TRUE(read_file(remote + ".2") == bytes);
        struct stat st {};
        ASSERT_EQ(::stat((remote + ".2").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 07777, 0640u);
        auto down2 = download(remote + ".2", local_ + "/" + name + ".copy");
        ASSERT_FALSE(down2.error) << down2.error.message;
        EXPECT_TRUE(down2.content.empty());
        EXPECT_TRUE(read_file(local_ + "/" + name + ".copy") == bytes);
        ASSERT_EQ(::stat((local_ + "/" + name + ".copy").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 07777, 0640u);
        for (const auto &n : names_in(dir_)) EXPECT_EQ(n.find(".otto-"), std::string::npos) << n;
        for (const auto &n : names_in(local_)) EXPECT_EQ(n.find(".otto-"), std::string::npos) << n;
    }

    std::unique_ptr<otto_lab::Lab> lab_;
    otto_context *ctx_ = nullptr;
    otto_host *host_ = nullptr;
    std::unique_ptr<otto::HostBackend> backend_;
    std::unique_ptr<RemoteFiles> own_files_;
    RemoteFiles *files_ = nullptr;
    std::string root_, dir_, local_;
};

TEST_P(ShellFilesTest, StatListAndTheirErrors) {
    EXPECT_STREQ(files_->kind(), "shell commands");
    write_file(dir_ + "/a b", "12345");
    chmod((dir_ + "/a b").c_str(), 0604);
    write_file(dir_ + "/.hidden", "");
    ASSERT_EQ(symlink("a b", (dir_ + "/link").c_str()), 0);
    ASSERT_EQ(symlink("nowhere", (dir_ + "/dangling").c_str()), 0);
    ASSERT_EQ(mkdir((dir_ + "/sub").c_str(), 0750), 0);

    auto [error, info] = stat(dir_ + "/a b");
    ASSERT_FALSE(error) << error.message;
    struct stat st {};
    ASSERT_EQ(::stat((dir_ + "/a b").c_str(), &st), 0);
    EXPECT_EQ(info.name, dir_ + "/a b");
    EXPECT_EQ(info.size, 5u);
    EXPECT_EQ(info.mode, st.st_mode);
    EXPECT_EQ(info.uid, st.st_uid);
    EXPECT_EQ(info.gid, st.st_gid);
    EXPECT_EQ(info.mtime, st.st_mtime);

    EXPECT_EQ(stat(dir_ + "/link").second.mode, st.st_mode);
    EXPECT_TRUE(S_ISLNK(stat(dir_ + "/link", false).second.mode));
    EXPECT_TRUE(S_ISDIR(stat(dir_ + "/sub").second.mode));

    auto [list_error, entries] = list(dir_);
    ASSERT_FALSE(list_error) << list_error.message;
    std::map<std::string, FileInfo> by_name;
    for (auto &e : entries) by_name[e.name] = e;
    ASSERT_EQ(by_name.size(), 5u);
    EXPECT_EQ(by_name["a b"], (FileInfo{"a b", 5, st.st_mode, st.st_uid, st.st_gid, st.st_mtime}));
    EXPECT_TRUE(by_name.count(".hidden"));
    EXPECT_TRUE(S_ISLNK(by_name["link"].mode));
    EXPECT_TRUE(S_ISLNK(by_name["dangling"].mode));
    EXPECT_EQ(by_name["sub"].mode & 07777, 0750u);
    EXPECT_TRUE(list(dir_ + "/sub").second.empty());

    auto missing = stat(dir_ + "/missing");
    EXPECT_EQ(missing.first.code, OTTO_ENOTFOUND) << missing.first.message;
    EXPECT_NE(missing.first.message.find(dir_ + "/missing"), std::string::npos) << missing.first.message;
    EXPECT_EQ(stat(dir_ + "/dangling").first.code, OTTO_ENOTFOUND);
    EXPECT_FALSE(stat(dir_ + "/dangling", false).first);
    EXPECT_EQ(list(dir_ + "/missing").first.code, OTTO_ENOTFOUND);
    auto not_dir = list(dir_ + "/a b");
    EXPECT_EQ(not_dir.first.code, OTTO_EFILE) << not_dir.first.message;
    EXPECT_NE(not_dir.first.message.find("Not a directory"), std::string::npos) << not_dir.first.message;
}

TEST_P(ShellFilesTest, MkdirRemoveRenameRealpath) {
    std::string deep = dir_ + "/x/y z/it's";
    ASSERT_FALSE(finished([&](auto done) { files_->mkdir_p(deep, 0700, done); }).code);
    struct stat st {};
    ASSERT_EQ(::stat(deep.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    EXPECT_FALSE(finished([&](auto done) { files_->mkdir_p(deep, 0700, done); }).code);  // exists: fine
    write_file(dir_ + "/file", "f");
    auto on_file = finished([&](auto done) { files_->mkdir_p(dir_ + "/file", 0755, done); });
    EXPECT_EQ(on_file.code, OTTO_EFILE) << on_file.message;

    auto [rp_error, resolved] = realpath(dir_ + "/x/./y z/../y z/it's");
    ASSERT_FALSE(rp_error) << rp_error.message;
    char buf[PATH_MAX];
    ASSERT_NE(::realpath(deep.c_str(), buf), nullptr);
    EXPECT_EQ(resolved, buf);
    EXPECT_EQ(realpath(dir_ + "/nothing").first.code, OTTO_ENOTFOUND);

    write_file(dir_ + "/old", "old");
    write_file(dir_ + "/new", "new");
    ASSERT_FALSE(finished([&](auto done) { files_->rename(dir_ + "/new", dir_ + "/old", done); }).code);
    EXPECT_EQ(read_file(dir_ + "/old"), "new");
    EXPECT_FALSE(exists(dir_ + "/new"));
    EXPECT_EQ(finished([&](auto done) { files_->rename(dir_ + "/new", dir_ + "/old", done); }).code, OTTO_ENOTFOUND);

    ASSERT_EQ(symlink("old", (dir_ + "/link").c_str()), 0);
    EXPECT_FALSE(finished([&](auto done) { files_->remove(dir_ + "/link", done); }).code);
    EXPECT_FALSE(exists(dir_ + "/link"));
    EXPECT_TRUE(exists(dir_ + "/old"));
    EXPECT_FALSE(finished([&](auto done) { files_->remove(dir_ + "/old", done); }).code);
    EXPECT_FALSE(exists(dir_ + "/old"));
    EXPECT_FALSE(finished([&](auto done) { files_->remove(deep, done); }).code);
    EXPECT_FALSE(exists(deep));
    auto not_empty = finished([&](auto done) { files_->remove(dir_ + "/x", done); });
    EXPECT_EQ(not_empty.code, OTTO_EFILE) << not_empty.message;
    EXPECT_EQ(finished([&](auto done) { files_->remove(dir_ + "/gone", done); }).code, OTTO_ENOTFOUND);
}

TEST_P(ShellFilesTest, RoundTripsAreByteIdentical) {
    round_trip("empty", "");
    round_trip("text file", "hello\nworld\n\nno newline at the end");
    round_trip("binary", random_bytes(64 * 1024, 1));
    if (GetParam() == Target::TelnetAsh || GetParam() == Target::LocalSh)
        round_trip("big", random_bytes(2 * 1024 * 1024 + 17, 2));
}

TEST_P(ShellFilesTest, ModesAndOddPaths) {
    std::string odd_dir = dir_ + "/a dir/it's";
    ASSERT_FALSE(finished([&](auto done) { files_->mkdir_p(odd_dir, 0755, done); }).code);
    std::string odd = odd_dir + "/-a file 'with' quotes";
    auto up = upload_bytes(odd, "odd", 0600);
    ASSERT_FALSE(up.error) << up.error.message;
    struct stat st {};
    ASSERT_EQ(::stat(odd.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(download(odd).content, "odd");
    EXPECT_EQ(stat(odd).second.size, 3u);
    auto entries = list(odd_dir).second;
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "-a file 'with' quotes");

    // Replacing keeps the new mode; the default for bytes is 0644.
    ASSERT_FALSE(upload_bytes(odd, "again").error);
    ASSERT_EQ(::stat(odd.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_EQ(read_file(odd), "again");
}

TEST_P(ShellFilesTest, MissingPathsAndDirectories) {
    EXPECT_EQ(download(dir_ + "/missing").error.code, OTTO_ENOTFOUND);
    auto into_missing = upload_bytes(dir_ + "/no/such/dir/file", "x");
    EXPECT_EQ(into_missing.error.code, OTTO_ENOTFOUND) << into_missing.error.message;
    EXPECT_NE(into_missing.error.message.find(dir_ + "/no/such/dir/file"), std::string::npos);
    auto a_dir = download(dir_);
    EXPECT_EQ(a_dir.error.code, OTTO_EFILE) << a_dir.error.message;
    auto bad_local = download(dir_, local_ + "/no/such/dir/file");
    EXPECT_EQ(bad_local.error.code, OTTO_ENOTFOUND) << bad_local.error.message;
    otto::UploadSpec spec;
    spec.local_path = local_ + "/missing";
    spec.remote_path = dir_ + "/x";
    EXPECT_EQ(upload(spec).error.code, OTTO_ENOTFOUND);
    EXPECT_TRUE(names_in(dir_).empty());
}

TEST_P(ShellFilesTest, CancelMidUploadLeavesNothing) {
    std::string bytes = random_bytes(4 * 1024 * 1024, 3);
    std::string dest = dir_ + "/canceled";
    auto called = std::make_shared<std::atomic<bool>>(false);
    auto first_progress = std::make_shared<std::promise<void>>();
    auto task = std::make_shared<std::shared_ptr<otto::FileTask>>();
    on_loop([&] {
        otto::UploadSpec spec;
        spec.bytes = bytes;
        spec.remote_path = dest;
        auto progressed = std::make_shared<bool>(false);
        *task = files_->upload(
            spec,
            [first_progress, progressed, task](uint64_t, uint64_t) {
                if (*progressed) return;
                *progressed = true;
                (*task)->cancel();
                first_progress->set_value();
            },
            [called](Error, uint64_t) { *called = true; });
    });
    ASSERT_EQ(first_progress->get_future().wait_for(kWait), std::future_status::ready);
    for (int i = 0; i < 100 && !names_in(dir_).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(names_in(dir_).empty()) << names_in(dir_).front();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(*called);
    EXPECT_FALSE(exists(dest));
    on_loop([&] { task->reset(); });
}

TEST_P(ShellFilesTest, ShutdownStopsTransfersWithoutCallbacks) {
    auto called = std::make_shared<std::atomic<int>>(0);
    on_loop([&] {
        otto::UploadSpec spec;
        spec.bytes = random_bytes(1 << 20, 4);
        spec.remote_path = dir_ + "/up";
        files_->upload(
            spec, [called](uint64_t, uint64_t) { ++*called; }, [called](Error, uint64_t) { ++*called; });
        files_->stat(dir_, true, [called](Error, FileInfo) { ++*called; });
        files_->shutdown();
        files_->stat(dir_, true, [called](Error, FileInfo) { ++*called; });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(*called, 0);
    EXPECT_FALSE(exists(dir_ + "/up"));
}

INSTANTIATE_TEST_SUITE_P(Shells, ShellFilesTest,
                         ::testing::Values(Target::TelnetAsh, Target::LocalSh, Target::Bash, Target::BusyBoxSh),
                         [](const auto &param_info) { return target_name(param_info.param); });

}  // namespace
