#include "transfer/sftp_files.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "loop/deferred.hpp"
#include "otto.h"
#include "transfer/sftp_client.hpp"
#include "transfer/sftp_transfer.hpp"
#include "transfer/shell_files.hpp"
#include "transport/ssh/ssh_backend.hpp"

namespace otto {

namespace {

FileInfo info_of(std::string name, const sftp::Attrs &attrs) {
    FileInfo info;
    info.name = std::move(name);
    info.size = attrs.size.value_or(0);
    info.mode = attrs.permissions.value_or(0);
    if (attrs.uid_gid) {
        info.uid = attrs.uid_gid->first;
        info.gid = attrs.uid_gid->second;
    }
    if (attrs.atime_mtime) info.mtime = attrs.atime_mtime->second;
    return info;
}

// "/a/b/c" -> "/a", "/a/b", "/a/b/c"; "a//b/" -> "a", "a/b".
std::vector<std::string> prefixes(const std::string &path) {
    std::vector<std::string> out;
    std::string current = path.starts_with('/') ? "/" : "";
    size_t start = 0;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        std::string part = path.substr(start, slash - start);
        start = slash + 1;
        if (part.empty()) continue;
        if (!current.empty() && !current.ends_with('/')) current += '/';
        current += part;
        out.push_back(current);
    }
    return out;
}

// A transfer handed out before it could start (the channel still opening):
// its cancel reaches whatever runs it later.
class PendingTask final : public FileTask {
public:
    void cancel() override {
        canceled = true;
        if (inner) inner->cancel();
    }
    bool canceled = false;
    std::shared_ptr<FileTask> inner;
};

class SftpFiles final : public RemoteFiles {
public:
    SftpFiles(uv_loop_t *loop, SshBackend &backend)
        : loop_(loop), backend_(backend), where_(backend.where()), deferred_(loop) {}
    ~SftpFiles() override { shutdown(); }

    const char *kind() const override { return fallback_ ? fallback_->kind() : "sftp"; }
    size_t most_requests_in_flight() const override {
        return std::max(most_in_flight_before_, client_ ? client_->most_pending() : 0);
    }

    void stat(const std::string &path, bool follow, Done<FileInfo> done) override {
        if (fallback_) return fallback_->stat(path, follow, std::move(done));
        auto client = route([=, this] { stat(path, follow, done); }, [done](Error e) { done(std::move(e), {}); });
        if (!client) return;
        client->stat(path, follow, [path, done](Error error, sftp::Attrs attrs) {
            if (error) return done(std::move(error), {});
            done(Error(), info_of(path, attrs));
        });
    }

    void list(const std::string &dir, Done<std::vector<FileInfo>> done) override {
        if (fallback_) return fallback_->list(dir, std::move(done));
        auto client = route([=, this] { list(dir, done); }, [done](Error e) { done(std::move(e), {}); });
        if (!client) return;
        std::weak_ptr<SftpClient> weak = client;
        client->opendir(dir, [weak, dir, done](Error error, std::string handle) {
            if (error) return done(std::move(error), {});
            read_entries(weak, dir, std::move(handle), std::make_shared<std::vector<FileInfo>>(), done);
        });
    }

    void mkdir_p(const std::string &path, uint32_t mode, Finished done) override {
        if (fallback_) return fallback_->mkdir_p(path, mode, std::move(done));
        auto client = route([=, this] { mkdir_p(path, mode, done); }, done);
        if (!client) return;
        auto steps = std::make_shared<std::vector<std::string>>(prefixes(path));
        make_directories(client, steps, 0, mode, std::move(done));
    }

    void remove(const std::string &path, Finished done) override {
        if (fallback_) return fallback_->remove(path, std::move(done));
        auto client = route([=, this] { remove(path, done); }, done);
        if (!client) return;
        // REMOVE takes files and links, RMDIR directories: which one is
        // needed shows in the entry itself (not what a link points to).
        std::weak_ptr<SftpClient> weak = client;
        client->stat(path, false, [weak, path, done](Error error, sftp::Attrs attrs) {
            if (error) return done(std::move(error));
            auto c = weak.lock();
            if (!c) return;
            if (S_ISDIR(attrs.permissions.value_or(0))) c->rmdir(path, done);
            else c->remove(path, done);
        });
    }

    void rename(const std::string &from, const std::string &to, Finished done) override {
        if (fallback_) return fallback_->rename(from, to, std::move(done));
        auto client = route([=, this] { rename(from, to, done); }, done);
        if (!client) return;
        if (client->has_extension("posix-rename@openssh.com")) return client->rename(from, to, true, done);
        // Plain RENAME refuses an existing destination.
        std::weak_ptr<SftpClient> weak = client;
        client->remove(to, [weak, from, to, done](Error) {
            if (auto c = weak.lock()) c->rename(from, to, false, done);
        });
    }

    void realpath(const std::string &path, Done<std::string> done) override {
        if (fallback_) return fallback_->realpath(path, std::move(done));
        auto client = route([=, this] { realpath(path, done); }, [done](Error e) { done(std::move(e), {}); });
        if (!client) return;
        client->realpath(path, done);
    }

    std::shared_ptr<FileTask> upload(const UploadSpec &spec, TransferProgress progress, Uploaded done) override {
        if (fallback_) return fallback_->upload(spec, std::move(progress), std::move(done));
        auto task = std::make_shared<PendingTask>();
        start_upload(task, spec, std::move(progress), std::move(done));
        return task;
    }

    std::shared_ptr<FileTask> download(const DownloadSpec &spec, TransferProgress progress, Downloaded done) override {
        if (fallback_) return fallback_->download(spec, std::move(progress), std::move(done));
        auto task = std::make_shared<PendingTask>();
        start_download(task, spec, std::move(progress), std::move(done));
        return task;
    }

    void shutdown() override {
        if (shut_down_) return;
        shut_down_ = true;
        waiting_.clear();
        // Transfers first: their clean-up requests go out before the
        // channel closes.
        auto tasks = std::move(tasks_);
        for (auto &weak : tasks)
            if (auto task = weak.lock()) task->cancel();
        if (client_) client_->shutdown();
        if (starting_) starting_->shutdown();
        client_.reset();
        starting_.reset();
        if (fallback_) fallback_->shutdown();
    }

private:
    // The ready client, or nullptr: then `again` runs once the channel is
    // open (or the calls go to the fallback), or `failed` gets the reason.
    std::shared_ptr<SftpClient> route(std::function<void()> again, std::function<void(Error)> failed) {
        if (shut_down_ || open_error_) {
            Error error = open_error_ ? *open_error_ : Error(OTTO_ECANCELED, where_ + ": the host was closed");
            deferred_.call([failed = std::move(failed), error] { failed(error); });
            return nullptr;
        }
        if (client_ && client_->broken()) {  // lost: the next call opens a new one
            most_in_flight_before_ = std::max(most_in_flight_before_, client_->most_pending());
            client_.reset();
        }
        if (client_) return client_;
        waiting_.push_back(std::move(again));
        if (!opening_) open_channel();
        return nullptr;
    }

    void open_channel() {
        opening_ = true;
        std::weak_ptr<char> alive = alive_;
        backend_.open_subsystem("sftp", [this, alive](std::shared_ptr<SshChannel> channel, Error error) {
            if (alive.expired() || shut_down_) {
                if (channel) channel->close();
                return;
            }
            if (error) return opened(std::move(error));
            starting_ =
                std::make_shared<SftpClient>(loop_, std::move(channel), where_, backend_.config().command_timeout);
            starting_->start([this, alive](Error started) {
                if (!alive.expired()) opened(std::move(started));
            });
        });
    }

    // Runs the calls that waited for the channel: now they find a client,
    // the fallback, or the error to report.
    void opened(Error error) {
        opening_ = false;
        auto client = std::move(starting_);
        starting_.reset();
        if (error.code == OTTO_ENOTSUP) {
            fallback_ = make_shell_files(loop_, backend_, where_);
            if (!fallback_) open_error_ = error;
        } else if (error) {
            if (client) client->shutdown();
            open_error_ = error;
        } else {
            client_ = std::move(client);
        }
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (auto &again : waiting) again();
        // A failed open fails the calls that waited for it; the next call
        // tries again.
        if (!fallback_) open_error_.reset();
    }

    void start_upload(const std::shared_ptr<PendingTask> &task, const UploadSpec &spec, TransferProgress progress,
                      Uploaded done) {
        if (task->canceled) return;
        if (fallback_) {
            task->inner = fallback_->upload(spec, std::move(progress), std::move(done));
            return;
        }
        auto client = route([=, this] { start_upload(task, spec, progress, done); },
                            [task, done](Error e) {
                                if (!task->canceled) done(std::move(e), 0);
                            });
        if (!client) return;
        task->inner = start_sftp_upload(loop_, client, spec, std::move(progress), std::move(done));
        remember(task);
    }

    void start_download(const std::shared_ptr<PendingTask> &task, const DownloadSpec &spec, TransferProgress progress,
                        Downloaded done) {
        if (task->canceled) return;
        if (fallback_) {
            task->inner = fallback_->download(spec, std::move(progress), std::move(done));
            return;
        }
        auto client = route([=, this] { start_download(task, spec, progress, done); },
                            [task, done](Error e) {
                                if (!task->canceled) done(std::move(e), 0, {});
                            });
        if (!client) return;
        task->inner = start_sftp_download(loop_, client, spec, std::move(progress), std::move(done));
        remember(task);
    }

    void remember(const std::shared_ptr<PendingTask> &task) {
        std::erase_if(tasks_, [](const auto &weak) { return weak.expired(); });
        tasks_.push_back(task->inner);
    }

    static void read_entries(std::weak_ptr<SftpClient> weak, std::string dir, std::string handle,
                             std::shared_ptr<std::vector<FileInfo>> entries, Done<std::vector<FileInfo>> done) {
        auto client = weak.lock();
        if (!client) return;
        client->readdir(handle, dir,
                        [weak, dir, handle, entries, done](Error error,
                                                           std::optional<std::vector<sftp::NameEntry>> names) {
                            auto c = weak.lock();
                            if (!c) return;
                            if (error || !names) {
                                c->close(handle, dir, [](Error) {});
                                if (error) return done(std::move(error), {});
                                return done(Error(), std::move(*entries));
                            }
                            for (auto &n : *names) {
                                if (n.filename == "." || n.filename == "..") continue;
                                entries->push_back(info_of(std::move(n.filename), n.attrs));
                            }
                            read_entries(weak, dir, handle, entries, done);
                        });
    }

    // One component after the other: an existing directory is fine, and
    // only a failure that is not "it exists" stops the walk.
    static void make_directories(const std::shared_ptr<SftpClient> &client,
                                 std::shared_ptr<std::vector<std::string>> steps, size_t index, uint32_t mode,
                                 Finished done) {
        if (index == steps->size()) return done(Error());
        std::weak_ptr<SftpClient> weak = client;
        client->mkdir((*steps)[index], mode, [weak, steps, index, mode, done](Error mkdir_error) {
            auto c = weak.lock();
            if (!c) return;
            if (!mkdir_error) return make_directories(c, steps, index + 1, mode, done);
            c->stat((*steps)[index], true,
                    [weak, steps, index, mode, done, mkdir_error](Error error, sftp::Attrs attrs) {
                        auto live = weak.lock();
                        if (!live) return;
                        if (error) return done(mkdir_error);
                        if (!S_ISDIR(attrs.permissions.value_or(0))) {
                            return done(Error(OTTO_EFILE, live->where() + ": cannot create directory " +
                                                              (*steps)[index] + ": it exists and is not a directory"));
                        }
                        make_directories(live, steps, index + 1, mode, done);
                    });
        });
    }

    uv_loop_t *loop_;
    SshBackend &backend_;
    std::string where_;
    Deferred deferred_;
    std::shared_ptr<char> alive_ = std::make_shared<char>();
    std::shared_ptr<SftpClient> client_;
    size_t most_in_flight_before_ = 0;      // over the clients lost before client_
    std::shared_ptr<SftpClient> starting_;  // sent INIT, waiting for VERSION
    bool opening_ = false;
    std::vector<std::function<void()>> waiting_;
    std::optional<Error> open_error_;
    std::unique_ptr<RemoteFiles> fallback_;
    std::vector<std::weak_ptr<FileTask>> tasks_;
    bool shut_down_ = false;
};

}  // namespace

std::unique_ptr<RemoteFiles> make_sftp_files(uv_loop_t *loop, SshBackend &backend) {
    return std::make_unique<SftpFiles>(loop, backend);
}

}  // namespace otto
