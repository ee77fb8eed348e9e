// A host's files (RemoteFiles) over SSH against the test lab's real sshd:
// every operation, byte-identical round trips up to 100 MB, errors, many
// requests in flight, cancellation, a lost server, and a server without
// SFTP. The files are reached on the loop thread of a real context, as the
// library itself uses them; the test thread waits for each result.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "host/host.hpp"
#include "lab.hpp"
#include "otto.h"
#include "transfer/remote_files.hpp"

namespace {

namespace fs = std::filesystem;
using otto::Error;
using otto::FileInfo;
using otto::RemoteFiles;

constexpr auto kHang = std::chrono::seconds(120);

// Whatever one call reports.
struct Out {
    Out() = default;
    explicit Out(Error e) : error(std::move(e)) {}
    static Out with_info(Error e, FileInfo i) {
        Out out(std::move(e));
        out.info = std::move(i);
        return out;
    }
    static Out with_text(std::string t) {
        Out out;
        out.text = std::move(t);
        return out;
    }
    static Out with_bytes(uint64_t b) {
        Out out;
        out.bytes = b;
        return out;
    }

    Error error;
    FileInfo info;
    std::vector<FileInfo> entries;
    std::string text;
    uint64_t bytes = 0;
    std::vector<std::pair<uint64_t, uint64_t>> progress;
};

using Reply = std::function<void(Out)>;

class SftpFiles : public ::testing::Test {
protected:
    void SetUp() override { start({}); }

    void TearDown() override {
        if (host_ != nullptr) otto_host_free(host_);
        if (ctx_ != nullptr) {
            EXPECT_EQ(otto_context_free(ctx_), OTTO_OK);
        }
    }

    void start(otto_lab::Options options) {
        options.die_with_parent = true;
        lab_ = otto_lab::Lab::start(options);
        otto_context_opts *copts = nullptr;
        ASSERT_EQ(otto_context_opts_new(&copts), OTTO_OK);
        otto_context_opts_set_dispatch(copts, OTTO_DISPATCH_LOOP);
        ASSERT_EQ(otto_context_new(&ctx_, copts), OTTO_OK) << otto_last_error_message();
        otto_context_opts_free(copts);
        otto_host_opts *opts = nullptr;
        ASSERT_EQ(otto_host_opts_new(&opts), OTTO_OK);
        otto_host_opts_set_port(opts, lab_->ssh().at(0).port);
        otto_host_opts_add_identity(opts, lab_->user().key.c_str());
        otto_host_opts_set_known_hosts(opts, lab_->known_hosts().c_str());
        otto_host_opts_set_host_key_policy(opts, OTTO_HOST_KEY_STRICT);
        ASSERT_EQ(otto_host_new_ssh(&host_, ctx_, "127.0.0.1", nullptr, opts), OTTO_OK) << otto_last_error_message();
        otto_host_opts_free(opts);
        dir_ = lab_->dir() + "/files";
        fs::create_directories(dir_);
    }

    // Runs `start` on the loop thread with the host's files; waits for the
    // one result it reports.
    Out call(std::function<void(RemoteFiles &, Reply)> begin) {
        auto promise = std::make_shared<std::promise<Out>>();
        auto future = promise->get_future();
        auto answered = std::make_shared<bool>(false);
        otto::Host *host = host_;
        bool posted = host->engine().post([host, begin, promise, answered] {
            Reply reply = [promise, answered](Out out) {
                if (*answered) {
                    ADD_FAILURE() << "a second callback: " << out.error.message;
                    return;
                }
                *answered = true;
                promise->set_value(std::move(out));
            };
            RemoteFiles *files = host->files();
            if (files == nullptr) return reply(Out(Error(OTTO_ECANCELED, "the host is closed")));
            begin(*files, reply);
        });
        EXPECT_TRUE(posted);
        if (future.wait_for(kHang) != std::future_status::ready) {
            ADD_FAILURE() << "no answer: a hang";
            return Out(Error(OTTO_ETIMEDOUT, "hang"));
        }
        return future.get();
    }

    Out stat(const std::string &path, bool follow = true) {
        return call([=](RemoteFiles &f, Reply reply) {
            f.stat(path, follow, [reply](Error e, FileInfo info) { reply(Out::with_info(e, info)); });
        });
    }
    Out list(const std::string &path) {
        return call([=](RemoteFiles &f, Reply reply) {
            f.list(path, [reply](Error e, std::vector<FileInfo> entries) {
                Out out(e);
                out.entries = std::move(entries);
                reply(out);
            });
        });
    }
    Out finished(std::function<void(RemoteFiles &, RemoteFiles::Finished)> begin) {
        return call([=](RemoteFiles &f, Reply reply) { begin(f, [reply](Error e) { reply(Out(e)); }); });
    }
    Out mkdir_p(const std::string &path, uint32_t mode = 0755) {
        return finished([=](RemoteFiles &f, RemoteFiles::Finished done) { f.mkdir_p(path, mode, done); });
    }
    Out remove(const std::string &path) {
        return finished([=](RemoteFiles &f, RemoteFiles::Finished done) { f.remove(path, done); });
    }
    Out rename(const std::string &from, const std::string &to) {
        return finished([=](RemoteFiles &f, RemoteFiles::Finished done) { f.rename(from, to, done); });
    }
    Out realpath(const std::string &path) {
        return call([=](RemoteFiles &f, Reply reply) {
            f.realpath(path, [reply](Error e, std::string p) {
                Out out(e);
                out.text = std::move(p);
                reply(out);
            });
        });
    }
    Out upload(const otto::UploadSpec &spec) {
        return call([=](RemoteFiles &f, Reply reply) {
            auto progress = std::make_shared<std::vector<std::pair<uint64_t, uint64_t>>>();
            f.upload(
                spec, [progress](uint64_t done, uint64_t total) { progress->emplace_back(done, total); },
                [reply, progress](Error e, uint64_t bytes) {
                    Out out(e);
                    out.bytes = bytes;
                    out.progress = *progress;
                    reply(out);
                });
        });
    }
    Out download(const otto::DownloadSpec &spec) {
        return call([=](RemoteFiles &f, Reply reply) {
            auto progress = std::make_shared<std::vector<std::pair<uint64_t, uint64_t>>>();
            f.download(
                spec, [progress](uint64_t done, uint64_t total) { progress->emplace_back(done, total); },
                [reply, progress](Error e, uint64_t bytes, std::string content) {
                    Out out(e);
                    out.bytes = bytes;
                    out.text = std::move(content);
                    out.progress = *progress;
                    reply(out);
                });
        });
    }
    std::string kind() {
        return call([](RemoteFiles &f, Reply reply) { reply(Out::with_text(f.kind())); }).text;
    }

    std::string path(const std::string &name) const { return dir_ + "/" + name; }

    std::unique_ptr<otto_lab::Lab> lab_;
    otto_context *ctx_ = nullptr;
    otto_host *host_ = nullptr;
    std::string dir_;
};

std::string read_all(const std::string &p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string &p, const std::string &bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 gen(seed);
    std::string out(n, '\0');
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = gen();
        for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
    }
    return out;
}

// Names in `dir` that look like an atomic write's temporary file.
std::vector<std::string> temporaries(const std::string &dir) {
    std::vector<std::string> found;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".otto-") != std::string::npos) found.push_back(e.path().string());
    return found;
}

uint32_t local_mode(const std::string &p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

// --- metadata ------------------------------------------------------------

TEST_F(SftpFiles, KindIsSftp) { EXPECT_EQ(kind(), "sftp"); }

TEST_F(SftpFiles, StatAndLstat) {
    write_all(path("f"), "hello");
    ::chmod(path("f").c_str(), 0640);
    fs::create_symlink(path("f"), path("link"));
    Out s = stat(path("link"));
    ASSERT_FALSE(s.error) << s.error.message;
    EXPECT_EQ(s.info.name, path("link"));
    EXPECT_EQ(s.info.size, 5u);
    EXPECT_TRUE(S_ISREG(s.info.mode));
    EXPECT_EQ(s.info.mode & 07777, 0640u);
    EXPECT_GT(s.info.mtime, 0);
    Out l = stat(path("link"), false);
    ASSERT_FALSE(l.error) << l.error.message;
    EXPECT_TRUE(S_ISLNK(l.info.mode));
    Out d = stat(dir_);
    ASSERT_FALSE(d.error);
    EXPECT_TRUE(S_ISDIR(d.info.mode));
}

TEST_F(SftpFiles, MissingPathsAreNotFoundForEveryCall) {
    std::string missing = path("missing/nothing");
    for (const Out &out : {stat(missing), stat(missing, false), list(missing), remove(missing),
                           rename(missing, path("x")), realpath(missing)}) {
        EXPECT_EQ(out.error.code, OTTO_ENOTFOUND) << out.error.message;
        EXPECT_NE(out.error.message.find(missing), std::string::npos) << out.error.message;
    }
    otto::DownloadSpec spec;
    spec.remote_path = missing;
    Out d = download(spec);
    EXPECT_EQ(d.error.code, OTTO_ENOTFOUND) << d.error.message;
    EXPECT_NE(d.error.message.find(missing), std::string::npos) << d.error.message;
}

TEST_F(SftpFiles, ListsEntriesWithoutDots) {
    fs::create_directories(path("dir/sub"));
    write_all(path("dir/a"), "aaa");
    for (int i = 0; i < 300; ++i) write_all(path("dir/many" + std::to_string(i)), "");
    Out out = list(path("dir"));
    ASSERT_FALSE(out.error) << out.error.message;
    EXPECT_EQ(out.entries.size(), 302u);
    bool saw_a = false, saw_sub = false;
    for (const auto &e : out.entries) {
        EXPECT_NE(e.name, ".");
        EXPECT_NE(e.name, "..");
        if (e.name == "a") saw_a = e.size == 3 && S_ISREG(e.mode);
        if (e.name == "sub") saw_sub = S_ISDIR(e.mode);
    }
    EXPECT_TRUE(saw_a);
    EXPECT_TRUE(saw_sub);
    write_all(path("plain"), "x");
    EXPECT_NE(list(path("plain")).error.code, OTTO_OK);
}

TEST_F(SftpFiles, MkdirPCreatesParentsAndAcceptsExistingDirectories) {
    Out out = mkdir_p(path("a/b/c"), 0750);
    ASSERT_FALSE(out.error) << out.error.message;
    EXPECT_TRUE(fs::is_directory(path("a/b/c")));
    EXPECT_EQ(local_mode(path("a/b/c")) & 0700, 0700u);
    EXPECT_FALSE(mkdir_p(path("a/b/c")).error);
    EXPECT_FALSE(mkdir_p(path("a//b/./c/")).error);
    write_all(path("a/file"), "x");
    Out over_file = mkdir_p(path("a/file"));
    EXPECT_EQ(over_file.error.code, OTTO_EFILE) << over_file.error.message;
    EXPECT_NE(over_file.error.message.find(path("a/file")), std::string::npos) << over_file.error.message;
    Out under_file = mkdir_p(path("a/file/deeper"));
    EXPECT_TRUE(under_file.error.code == OTTO_EFILE || under_file.error.code == OTTO_ENOTFOUND)
        << under_file.error.message;
}

TEST_F(SftpFiles, RemovesFilesLinksAndEmptyDirectories) {
    write_all(path("f"), "x");
    fs::create_directories(path("empty"));
    fs::create_directories(path("full/x"));
    fs::create_symlink(path("empty"), path("link-to-dir"));
    EXPECT_FALSE(remove(path("f")).error);
    EXPECT_FALSE(fs::exists(path("f")));
    EXPECT_FALSE(remove(path("link-to-dir")).error);
    EXPECT_FALSE(fs::is_symlink(path("link-to-dir")));
    EXPECT_TRUE(fs::is_directory(path("empty")));
    EXPECT_FALSE(remove(path("empty")).error);
    EXPECT_FALSE(fs::exists(path("empty")));
    Out full = remove(path("full"));
    EXPECT_EQ(full.error.code, OTTO_EFILE) << full.error.message;
    EXPECT_TRUE(fs::exists(path("full/x")));
}

TEST_F(SftpFiles, RenameReplacesAnExistingDestination) {
    write_all(path("from"), "new");
    write_all(path("to"), "old");
    Out out = rename(path("from"), path("to"));
    ASSERT_FALSE(out.error) << out.error.message;
    EXPECT_EQ(read_all(path("to")), "new");
    EXPECT_FALSE(fs::exists(path("from")));
}

TEST_F(SftpFiles, RealpathIsCanonical) {
    fs::create_directories(path("x/y"));
    Out out = realpath(path("x/./y/../y"));
    ASSERT_FALSE(out.error) << out.error.message;
    EXPECT_EQ(out.text, fs::canonical(path("x/y")).string());
}

// --- transfers -----------------------------------------------------------

void expect_progress_ends_at(const Out &out, uint64_t total) {
    ASSERT_FALSE(out.progress.empty());
    EXPECT_EQ(out.progress.back(), std::make_pair(total, total));
    for (size_t i = 1; i < out.progress.size(); ++i) EXPECT_GE(out.progress[i].first, out.progress[i - 1].first);
}

class SftpRoundTrip : public SftpFiles {
protected:
    // Up from a local file (or memory), down into memory and into a file:
    // the same bytes each time.
    void round_trip(const std::string &name, const std::string &bytes, bool from_memory) {
        otto::UploadSpec up;
        up.remote_path = path(name);
        if (from_memory) {
            up.bytes = bytes;
        } else {
            up.local_path = path(name + ".source");
            write_all(up.local_path, bytes);
        }
        Out sent = upload(up);
        ASSERT_FALSE(sent.error) << sent.error.message;
        EXPECT_EQ(sent.bytes, bytes.size());
        expect_progress_ends_at(sent, bytes.size());
        ASSERT_TRUE(read_all(path(name)) == bytes) << name << ": uploaded bytes differ";
        EXPECT_TRUE(temporaries(dir_).empty());

        otto::DownloadSpec down;
        down.remote_path = path(name);
        if (bytes.size() <= (8u << 20)) {
            Out got = download(down);
            ASSERT_FALSE(got.error) << got.error.message;
            EXPECT_EQ(got.bytes, bytes.size());
            EXPECT_TRUE(got.text == bytes) << name << ": downloaded bytes differ";
            expect_progress_ends_at(got, bytes.size());
        }
        down.local_path = path(name + ".back");
        Out got = download(down);
        ASSERT_FALSE(got.error) << got.error.message;
        EXPECT_EQ(got.bytes, bytes.size());
        expect_progress_ends_at(got, bytes.size());
        EXPECT_TRUE(read_all(down.local_path) == bytes) << name << ": downloaded file differs";
        EXPECT_TRUE(temporaries(dir_).empty());
    }
};

TEST_F(SftpRoundTrip, EmptyFile) { round_trip("empty", "", true); }
TEST_F(SftpRoundTrip, EmptyLocalFile) { round_trip("empty-file", "", false); }
TEST_F(SftpRoundTrip, SmallText) { round_trip("small.txt", "hello\nworld\n", true); }
TEST_F(SftpRoundTrip, OneMebibyteBinary) { round_trip("random.bin", random_bytes(1 << 20, 1), false); }
TEST_F(SftpRoundTrip, OddSizeBinary) { round_trip("odd.bin", random_bytes((3 << 16) + 17, 2), true); }
TEST_F(SftpRoundTrip, HundredMegabytes) { round_trip("big.bin", random_bytes(100'000'000, 3), false); }

TEST_F(SftpFiles, UploadReplacesTheDestinationAndAppliesTheMode) {
    write_all(path("dest"), "old content that is longer");
    otto::UploadSpec up;
    up.remote_path = path("dest");
    up.bytes = "new";
    up.mode = 0604;
    ASSERT_FALSE(upload(up).error);
    EXPECT_EQ(read_all(path("dest")), "new");
    EXPECT_EQ(local_mode(path("dest")), 0604u);
    EXPECT_EQ(stat(path("dest")).info.mode & 07777, 0604u);

    // A local file's own permissions by default; the remote mode comes back
    // down with a download.
    write_all(path("src"), "script");
    ::chmod(path("src").c_str(), 0751);
    up = {};
    up.local_path = path("src");
    up.remote_path = path("script");
    ASSERT_FALSE(upload(up).error);
    EXPECT_EQ(local_mode(path("script")), 0751u);
    otto::DownloadSpec down;
    down.remote_path = path("script");
    down.local_path = path("script.back");
    ASSERT_FALSE(download(down).error);
    EXPECT_EQ(local_mode(path("script.back")), 0751u);
    down.local_path = path("script.forced");
    down.mode = 0600;
    ASSERT_FALSE(download(down).error);
    EXPECT_EQ(local_mode(path("script.forced")), 0600u);
}

TEST_F(SftpFiles, UploadUnderARegularFileFailsEvenForRoot) {
    write_all(path("plain"), "x");
    otto::UploadSpec up;
    up.remote_path = path("plain/child");
    up.bytes = "data";
    Out out = upload(up);
    EXPECT_TRUE(out.error.code == OTTO_ENOTFOUND || out.error.code == OTTO_EFILE) << out.error.message;
    EXPECT_NE(out.error.message.find(path("plain/")), std::string::npos) << out.error.message;
    EXPECT_EQ(read_all(path("plain")), "x");
}

TEST_F(SftpFiles, UploadOfAMissingLocalFileFails) {
    otto::UploadSpec up;
    up.local_path = path("no-such-local-file");
    up.remote_path = path("dest");
    Out out = upload(up);
    EXPECT_NE(out.error.code, OTTO_OK);
    EXPECT_FALSE(fs::exists(path("dest")));
    EXPECT_TRUE(temporaries(dir_).empty());
}

constexpr int kCount = 200;

TEST_F(SftpFiles, ManyRequestsInFlight) {
    for (int i = 0; i < 20; ++i) write_all(path("f" + std::to_string(i)), std::string(static_cast<size_t>(i), 'x'));
    Out out = call([this](RemoteFiles &f, Reply reply) {
        auto left = std::make_shared<int>(kCount);
        auto wrong = std::make_shared<int>(0);
        for (int i = 0; i < kCount; ++i) {
            std::string p = path("f" + std::to_string(i % 20));
            f.stat(p, true, [i, left, wrong, reply](Error e, FileInfo info) {
                if (e || info.size != static_cast<uint64_t>(i % 20)) ++*wrong;
                if (--*left == 0) reply(Out::with_bytes(static_cast<uint64_t>(*wrong)));
            });
        }
    });
    EXPECT_FALSE(out.error);
    EXPECT_EQ(out.bytes, 0u) << "stats that failed or reported the wrong size";
}

TEST_F(SftpFiles, CallsFromManyThreadsOverlapOnTheWire) {
    for (int i = 0; i < 20; ++i) write_all(path("t" + std::to_string(i)), std::string(static_cast<size_t>(i), 'y'));
    constexpr int kThreads = 8, kEach = 50;
    std::vector<std::future<int>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.push_back(std::async(std::launch::async, [this, t] {
            std::vector<otto_op *> ops;
            for (int i = 0; i < kEach; ++i) {
                otto_op *op = nullptr;
                std::string p = path("t" + std::to_string((t + i) % 20));
                if (otto_host_file_stat(&op, host_, p.c_str(), nullptr, nullptr) == OTTO_OK) ops.push_back(op);
            }
            int right = 0;
            for (size_t i = 0; i < ops.size(); ++i) {
                const otto_file_result *r = nullptr;
                if (otto_op_wait(ops[i], 120000) == OTTO_OK && otto_op_error(ops[i]) == OTTO_OK &&
                    (r = otto_op_file_result(ops[i])) != nullptr &&
                    otto_file_result_size(r, 0) == static_cast<uint64_t>((t + i) % 20))
                    ++right;
                otto_op_free(ops[i]);
            }
            return right;
        }));
    }
    int right = 0;
    for (auto &t : threads) right += t.get();
    EXPECT_EQ(right, kThreads * kEach);
    uint64_t most =
        call([](RemoteFiles &f, Reply reply) { reply(Out::with_bytes(f.most_requests_in_flight())); }).bytes;
    EXPECT_GT(most, 1u) << "every request waited for the one before: nothing overlapped";
}

TEST_F(SftpFiles, CancelMidUploadLeavesNothingBehind) {
    std::string source = path("big.source");
    write_all(source, random_bytes(64 << 20, 4));
    std::string dest = path("sub/dest.bin");
    ASSERT_FALSE(mkdir_p(path("sub")).error);
    Out out = call([&](RemoteFiles &f, Reply reply) {
        otto::UploadSpec up;
        up.local_path = source;
        up.remote_path = dest;
        auto task = std::make_shared<std::shared_ptr<otto::FileTask>>();
        auto canceled = std::make_shared<bool>(false);
        *task = f.upload(
            up,
            [task, canceled, reply](uint64_t done, uint64_t) {
                if (*canceled || done < (4u << 20)) return;
                *canceled = true;
                (*task)->cancel();
                reply(Out::with_bytes(done));
            },
            [reply](Error e, uint64_t) { reply(Out(Error(OTTO_EINVAL, "callback after cancel: " + e.message))); });
    });
    ASSERT_FALSE(out.error) << out.error.message;
    EXPECT_GE(out.bytes, 4u << 20);
    // The removal went out before this request: the server answers in order.
    EXPECT_FALSE(stat(path("sub")).error);
    EXPECT_FALSE(fs::exists(dest));
    EXPECT_TRUE(temporaries(path("sub")).empty()) << temporaries(path("sub")).front();
}

TEST_F(SftpFiles, CancelBeforeTheChannelIsOpen) {
    Out out = call([&](RemoteFiles &f, Reply reply) {
        otto::UploadSpec up;
        up.bytes = "x";
        up.remote_path = path("never");
        f.upload(up, nullptr, [reply](Error, uint64_t) {
             reply(Out(Error(OTTO_EINVAL, "callback after cancel")));
         })->cancel();
        f.stat(dir_, true, [reply](Error e, FileInfo) { reply(Out(e)); });
    });
    EXPECT_FALSE(out.error) << out.error.message;
    EXPECT_FALSE(fs::exists(path("never")));
    EXPECT_TRUE(temporaries(dir_).empty());
}

TEST_F(SftpFiles, LostServerFailsPendingCallsAndTheNextCallReconnects) {
    std::string source = path("big.source");
    write_all(source, random_bytes(64 << 20, 5));
    ASSERT_FALSE(stat(dir_).error);  // the channel is open
    otto_lab::Lab *lab = lab_.get();
    Out out = call([&, lab](RemoteFiles &f, Reply reply) {
        otto::UploadSpec up;
        up.local_path = source;
        up.remote_path = path("dest.bin");
        auto killed = std::make_shared<bool>(false);
        f.upload(
            up,
            [lab, killed](uint64_t done, uint64_t) {
                if (*killed || done < (2u << 20)) return;
                *killed = true;
                lab->signal_connections(0, SIGKILL);
            },
            [reply](Error e, uint64_t bytes) {
                Out o(e);
                o.bytes = bytes;
                reply(o);
            });
    });
    EXPECT_TRUE(out.error.code == OTTO_EIO || out.error.code == OTTO_ECONNECT) << out.error.message;
    EXPECT_FALSE(fs::exists(path("dest.bin")));
    lab_->restart_server(0);
    Out again = stat(dir_);
    EXPECT_FALSE(again.error) << again.error.message;
    EXPECT_FALSE(list(dir_).error);
}

// --- a server without SFTP -------------------------------------------------

class NoSftpSubsystem : public SftpFiles {
protected:
    void SetUp() override {
        otto_lab::Options options;
        options.sftp = false;
        start(options);
    }
};

TEST_F(NoSftpSubsystem, FallsBackToShellCommands) {
    write_all(path("f"), "hello");
    Out s = stat(path("f"));
    ASSERT_FALSE(s.error) << s.error.message;
    EXPECT_EQ(s.info.size, 5u);
    EXPECT_NE(kind(), "sftp");
}

}  // namespace
