#include "transfer/local_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "loop/pool_work.hpp"
#include "otto.h"
#include "transfer/local_io.hpp"

namespace otto {

namespace {

constexpr size_t kCopyBlock = 1 << 20;

FileInfo info_of(std::string name, const struct stat &st) {
    FileInfo info;
    info.name = std::move(name);
    info.size = static_cast<uint64_t>(st.st_size);
    info.mode = st.st_mode;
    info.uid = st.st_uid;
    info.gid = st.st_gid;
    info.mtime = st.st_mtime;
    return info;
}

// One block of a copy, on a pool thread.
Error copy_block(const UploadSource &source, DownloadSink &sink, uint64_t offset, uint64_t &moved) {
    Error error;
    std::string block = source.read(offset, kCopyBlock, error);
    if (error) return error;
    moved = block.size();
    return sink.write(offset, block);
}

// One upload or download, a pool job per block. All its state is touched by
// one thread at a time: the pool thread during a block, the loop between.
class LocalCopy final : public FileTask, public std::enable_shared_from_this<LocalCopy> {
public:
    using Step = std::function<Error(uint64_t offset, uint64_t &moved)>;
    using Finish = std::function<void(Error)>;

    LocalCopy(uv_loop_t *loop, std::weak_ptr<char> owner_alive, TransferProgress progress)
        : loop_(loop), owner_alive_(std::move(owner_alive)), progress_(std::move(progress)) {}

    // `open` runs first (on the pool); then `step` until `total` bytes have
    // moved; then `close`; `finish` runs on the loop unless canceled.
    void start(std::function<Error(uint64_t &total)> open, Step step, std::function<Error()> close, Finish finish) {
        step_ = std::move(step);
        close_ = std::move(close);
        finish_ = std::move(finish);
        auto self = shared_from_this();
        auto error = std::make_shared<Error>();
        queue_pool_work(
            loop_, [self, open = std::move(open), error] { *error = open(self->total_); },
            [self, error] {
                if (*error) return self->end(std::move(*error));
                self->next();
            });
    }

    void cancel() override {
        canceled_ = true;
        finish_ = nullptr;
    }

private:
    void next() {
        if (canceled_ || owner_alive_.expired()) return end(Error(OTTO_ECANCELED, "canceled"));
        auto self = shared_from_this();
        auto error = std::make_shared<Error>();
        if (done_ >= total_ && started_) {
            queue_pool_work(
                loop_, [self, error] { *error = self->close_(); }, [self, error] { self->end(std::move(*error)); });
            return;
        }
        started_ = true;
        queue_pool_work(
            loop_,
            [self, error] {
                uint64_t moved = 0;
                *error = self->step_(self->done_, moved);
                self->done_ += moved;
            },
            [self, error] {
                if (*error) return self->end(std::move(*error));
                if (self->progress_ && !self->canceled_) self->progress_(self->done_, self->total_);
                self->next();
            });
    }

    void end(Error error) {
        // Destroying the step and close functions frees their files (and
        // removes an uncommitted temporary file).
        step_ = nullptr;
        close_ = nullptr;
        auto finish = std::move(finish_);
        if (finish && !owner_alive_.expired()) finish(std::move(error));
    }

    uv_loop_t *loop_;
    std::weak_ptr<char> owner_alive_;
    TransferProgress progress_;
    Step step_;
    std::function<Error()> close_;
    Finish finish_;
    uint64_t total_ = 0;
    uint64_t done_ = 0;
    bool started_ = false;
    bool canceled_ = false;
};

class LocalFiles final : public RemoteFiles {
public:
    explicit LocalFiles(uv_loop_t *loop) : loop_(loop), alive_(std::make_shared<char>()) {}

    const char *kind() const override { return "local file system"; }

    void stat(const std::string &path, bool follow, Done<FileInfo> done) override {
        run<FileInfo>(
            [path, follow](FileInfo &info) {
                struct stat st {};
                if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) {
                    return file_system_error("cannot stat", path, errno);
                }
                info = info_of(path, st);
                return Error();
            },
            std::move(done));
    }

    void list(const std::string &dir, Done<std::vector<FileInfo>> done) override {
        run<std::vector<FileInfo>>(
            [dir](std::vector<FileInfo> &entries) {
                DIR *d = ::opendir(dir.c_str());
                if (d == nullptr) return file_system_error("cannot list", dir, errno);
                std::unique_ptr<DIR, int (*)(DIR *)> closer(d, ::closedir);
                while (struct dirent *e = ::readdir(d)) {
                    std::string name = e->d_name;
                    if (name == "." || name == "..") continue;
                    struct stat st {};
                    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
                    entries.push_back(info_of(name, st));
                }
                return Error();
            },
            std::move(done));
    }

    void mkdir_p(const std::string &path, uint32_t mode, Finished done) override {
        run_void([path, mode] { return make_directories(path, mode); }, std::move(done));
    }

    void remove(const std::string &path, Finished done) override {
        run_void(
            [path] {
                struct stat st {};
                if (::lstat(path.c_str(), &st) != 0) return file_system_error("cannot remove", path, errno);
                int rc = S_ISDIR(st.st_mode) ? ::rmdir(path.c_str()) : ::unlink(path.c_str());
                return rc == 0 ? Error() : file_system_error("cannot remove", path, errno);
            },
            std::move(done));
    }

    void rename(const std::string &from, const std::string &to, Finished done) override {
        run_void(
            [from, to] {
                if (::rename(from.c_str(), to.c_str()) == 0) return Error();
                return file_system_error("cannot rename " + from + " to", to, errno);
            },
            std::move(done));
    }

    void realpath(const std::string &path, Done<std::string> done) override {
        run<std::string>(
            [path](std::string &out) {
                std::unique_ptr<char, void (*)(void *)> resolved(::realpath(path.c_str(), nullptr), std::free);
                if (!resolved) return file_system_error("cannot resolve", path, errno);
                out = resolved.get();
                return Error();
            },
            std::move(done));
    }

    std::shared_ptr<FileTask> upload(const UploadSpec &spec, TransferProgress progress, Uploaded done) override {
        // The host's side of a local copy is this machine too: the same
        // source and sink as any transfer, the sink at the host path.
        auto copy = std::make_shared<LocalCopy>(loop_, alive_, std::move(progress));
        auto source = std::make_shared<std::optional<UploadSource>>();
        auto sink = std::make_shared<std::optional<DownloadSink>>();
        auto total = std::make_shared<uint64_t>(0);
        copy->start(
            [spec, source, sink, total](uint64_t &size) {
                Error error;
                *source = UploadSource::open(spec, error);
                if (error) return error;
                size = *total = (*source)->size();
                DownloadSpec destination;
                destination.local_path = spec.remote_path;
                destination.mode = (*source)->mode();
                *sink = DownloadSink::open(destination, error);
                return error;
            },
            [source, sink](uint64_t offset, uint64_t &moved) { return copy_block(**source, **sink, offset, moved); },
            [source, sink] {
                std::string unused;
                return (*sink)->commit((*source)->mode(), unused);
            },
            [done = std::move(done), total](Error error) { done(std::move(error), error ? 0 : *total); });
        return copy;
    }

    std::shared_ptr<FileTask> download(const DownloadSpec &spec, TransferProgress progress, Downloaded done) override {
        auto copy = std::make_shared<LocalCopy>(loop_, alive_, std::move(progress));
        auto origin = std::make_shared<std::optional<UploadSource>>();
        auto sink = std::make_shared<std::optional<DownloadSink>>();
        auto total = std::make_shared<uint64_t>(0);
        auto content = std::make_shared<std::string>();
        copy->start(
            [spec, origin, sink, total](uint64_t &size) {
                Error error;
                UploadSpec from;
                from.local_path = spec.remote_path;
                *origin = UploadSource::open(from, error);
                if (error) return error;
                size = *total = (*origin)->size();
                *sink = DownloadSink::open(spec, error);
                return error;
            },
            [origin, sink](uint64_t offset, uint64_t &moved) { return copy_block(**origin, **sink, offset, moved); },
            [origin, sink, content] { return (*sink)->commit((*origin)->mode(), *content); },
            [done = std::move(done), total, content](Error error) {
                if (error) return done(std::move(error), 0, {});
                done(Error(), *total, std::move(*content));
            });
        return copy;
    }

    void shutdown() override { alive_.reset(); }

private:
    template <class T>
    void run(std::function<Error(T &)> work, Done<T> done) {
        auto value = std::make_shared<T>();
        auto error = std::make_shared<Error>();
        std::weak_ptr<char> alive = alive_;
        queue_pool_work(
            loop_, [work = std::move(work), value, error] { *error = work(*value); },
            [alive, done = std::move(done), value, error] {
                if (!alive.expired()) done(std::move(*error), std::move(*value));
            });
    }

    void run_void(std::function<Error()> work, Finished done) {
        run<char>([work = std::move(work)](char &) { return work(); },
                  [done = std::move(done)](Error error, char) { done(std::move(error)); });
    }

    uv_loop_t *loop_;
    std::shared_ptr<char> alive_;
};

}  // namespace

std::unique_ptr<RemoteFiles> make_local_files(uv_loop_t *loop) { return std::make_unique<LocalFiles>(loop); }

}  // namespace otto
