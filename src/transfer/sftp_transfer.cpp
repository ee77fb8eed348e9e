#include "transfer/sftp_transfer.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>

#include "loop/deferred.hpp"
#include "otto.h"
#include "transfer/local_io.hpp"

namespace otto {

namespace {

// Through a copy: the callback may cancel the transfer, which drops the
// original (and the captures of the very function running).
void report(const TransferProgress &progress, uint64_t done, uint64_t total) {
    if (!progress) return;
    TransferProgress call = progress;
    call(done, total);
}

// --- upload --------------------------------------------------------------

class SftpUpload final : public FileTask, public std::enable_shared_from_this<SftpUpload> {
public:
    SftpUpload(uv_loop_t *loop, std::shared_ptr<SftpClient> client, const UploadSpec &spec, TransferProgress progress,
               RemoteFiles::Uploaded done)
        : loop_(loop), client_(std::move(client)), remote_(spec.remote_path), temp_(temporary_sibling(remote_)),
          progress_(std::move(progress)), done_(std::move(done)) {}

    void start(const UploadSpec &spec) {
        Error error;
        source_.emplace(UploadSource::open(spec, error));
        if (error) {
            // Never from inside the call that started the transfer.
            defer_unconditionally(loop_, [self = shared_from_this(), error] { self->complete(error); });
            return;
        }
        auto client = client_.lock();
        if (!client) return;
        // Private until complete: the mode is set just before the rename.
        sftp::Attrs attrs;
        attrs.permissions = 0600;
        uint32_t flags = sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenTruncate | sftp::kOpenExclusive;
        client->open(temp_, flags, attrs, [self = shared_from_this()](Error e, std::string handle) {
            self->opened(std::move(e), std::move(handle));
        });
    }

    void cancel() override {
        if (finished_) return;
        finished_ = true;
        progress_ = nullptr;
        done_ = nullptr;
        clean_up();
    }

private:
    void opened(Error error, std::string handle) {
        if (!error) {
            handle_ = std::move(handle);
            handle_open_ = true;
        }
        if (finished_) return clean_up();  // canceled while opening
        if (error) return complete(std::move(error));
        send_blocks();
    }

    void send_blocks() {
        auto client = client_.lock();
        if (!client) return;
        const uint64_t size = source_->size();
        while (!finished_ && in_flight_ < kSftpInFlight && next_ < size) {
            Error read_error;
            std::string block = source_->read(next_, kSftpBlock, read_error);
            if (read_error) return fail(std::move(read_error));
            uint64_t length = block.size();
            ++in_flight_;
            client->write(handle_, remote_, next_, block, [self = shared_from_this(), length](Error error) {
                self->written(length, std::move(error));
            });
            next_ += length;
        }
        if (!finished_ && in_flight_ == 0 && next_ >= size) finish_file();
    }

    void written(uint64_t length, Error error) {
        --in_flight_;
        if (finished_) return;
        if (error) return fail(std::move(error));
        acked_ += length;
        if (acked_ < source_->size()) report(progress_, acked_, source_->size());
        send_blocks();
    }

    // Every byte is acknowledged: the mode (exact, unlike open's, which the
    // server's umask trims), then close, then the rename into place.
    void finish_file() {
        auto client = client_.lock();
        if (!client) return;
        finishing_ = true;
        sftp::Attrs attrs;
        attrs.permissions = source_->mode() & 07777;
        auto self = shared_from_this();
        auto mode_error = std::make_shared<Error>();
        client->fsetstat(handle_, remote_, attrs, [mode_error](Error error) { *mode_error = std::move(error); });
        handle_open_ = false;
        client->close(handle_, remote_, [self, mode_error](Error error) {
            if (self->finished_) return;
            if (error || *mode_error) return self->fail(error ? std::move(error) : std::move(*mode_error));
            self->rename_into_place();
        });
    }

    void rename_into_place() {
        auto client = client_.lock();
        if (!client) return;
        auto self = shared_from_this();
        auto renamed = [self](Error error) {
            if (self->finished_) return;
            if (error) return self->fail(std::move(error));
            self->complete(Error());
        };
        if (client->has_extension("posix-rename@openssh.com")) {
            client->rename(temp_, remote_, true, std::move(renamed));
            return;
        }
        // Plain SFTP renames refuse an existing destination: remove it first
        // (the one moment a reader may find no file).
        client->remove(remote_, [self, renamed](Error) {
            if (self->finished_) return;
            if (auto c = self->client_.lock()) c->rename(self->temp_, self->remote_, false, renamed);
        });
    }

    void fail(Error error) {
        if (finished_) return;
        finished_ = true;
        clean_up();
        finish_with(std::move(error));
    }

    void complete(Error error) {
        if (finished_) return;
        finished_ = true;
        finish_with(std::move(error));
    }

    void finish_with(Error error) {
        auto progress = std::exchange(progress_, nullptr);
        auto done = std::exchange(done_, nullptr);
        uint64_t size = source_ ? source_->size() : 0;
        if (!error && progress) progress(size, size);
        uint64_t moved = error ? acked_ : size;
        if (done) done(std::move(error), moved);
    }

    // Best effort, answers ignored: the handle closed, the temporary file
    // removed (requests go out in order, after any write still queued).
    void clean_up() {
        auto client = client_.lock();
        if (!client) return;
        if (handle_open_) {
            handle_open_ = false;
            client->close(handle_, remote_, [](Error) {});
        }
        if (!handle_.empty() || finishing_) client->remove(temp_, [](Error) {});
    }

    uv_loop_t *loop_;
    std::weak_ptr<SftpClient> client_;
    std::string remote_;
    std::string temp_;
    TransferProgress progress_;
    RemoteFiles::Uploaded done_;
    std::optional<UploadSource> source_;
    std::string handle_;
    bool handle_open_ = false;
    bool finishing_ = false;
    bool finished_ = false;
    uint64_t next_ = 0;
    uint64_t acked_ = 0;
    int in_flight_ = 0;
};

// --- download ------------------------------------------------------------

class SftpDownload final : public FileTask, public std::enable_shared_from_this<SftpDownload> {
public:
    SftpDownload(uv_loop_t *loop, std::shared_ptr<SftpClient> client, const DownloadSpec &spec,
                 TransferProgress progress, RemoteFiles::Downloaded done)
        : loop_(loop), client_(std::move(client)), remote_(spec.remote_path), progress_(std::move(progress)),
          done_(std::move(done)) {}

    void start(const DownloadSpec &spec) {
        Error error;
        sink_.emplace(DownloadSink::open(spec, error));
        if (error) {
            defer_unconditionally(loop_, [self = shared_from_this(), error] { self->complete(error); });
            return;
        }
        auto client = client_.lock();
        if (!client) return;
        client->open(remote_, sftp::kOpenRead, {}, [self = shared_from_this()](Error e, std::string handle) {
            self->opened(std::move(e), std::move(handle));
        });
    }

    void cancel() override {
        if (finished_) return;
        finished_ = true;
        progress_ = nullptr;
        done_ = nullptr;
        close_handle();
        if (sink_) sink_->abort();
    }

private:
    struct Range {
        uint64_t offset;
        uint32_t length;
    };

    void opened(Error error, std::string handle) {
        if (!error) {
            handle_ = std::move(handle);
            handle_open_ = true;
        }
        if (finished_) return close_handle();
        if (error) return fail(std::move(error));
        auto client = client_.lock();
        if (!client) return;
        // The size and mode of what was opened (not of a path that may
        // have been replaced since).
        client->fstat(handle_, remote_, [self = shared_from_this()](Error e, sftp::Attrs attrs) {
            if (self->finished_) return;
            if (e) return self->fail(std::move(e));
            self->size_ = attrs.size.value_or(0);
            self->mode_ = attrs.permissions.value_or(0644);
            // One read at the size itself, to see the end (or growth).
            self->target_ = self->size_ + 1;
            self->request_blocks();
        });
    }

    std::optional<Range> next_range() {
        while (!retry_.empty()) {
            Range r = retry_.front();
            retry_.pop_front();
            if (r.offset < eof_) return r;
        }
        if (next_ >= target_ || next_ >= eof_) return std::nullopt;
        Range r{next_, kSftpBlock};
        next_ += kSftpBlock;
        return r;
    }

    void request_blocks() {
        auto client = client_.lock();
        if (!client) return;
        while (!finished_ && in_flight_ < kSftpInFlight) {
            std::optional<Range> range = next_range();
            if (!range) break;
            ++in_flight_;
            client->read(handle_, remote_, range->offset, range->length,
                         [self = shared_from_this(), r = *range](Error error, std::optional<std::string> data) {
                             self->arrived(r, std::move(error), std::move(data));
                         });
        }
        if (!finished_ && in_flight_ == 0) finish_file();
    }

    void arrived(Range range, Error error, std::optional<std::string> data) {
        --in_flight_;
        if (finished_) return;
        if (error) return fail(std::move(error));
        if (!data || data->empty()) {
            eof_ = std::min(eof_, range.offset);
        } else {
            auto n = static_cast<uint32_t>(std::min<size_t>(data->size(), range.length));
            if (Error e = sink_->write(range.offset, std::string_view(*data).substr(0, n))) return fail(std::move(e));
            received_ += n;
            end_ = std::max(end_, range.offset + n);
            // A short read is not the end: ask again for the rest.
            if (n < range.length) retry_.push_back({range.offset + n, range.length - n});
            // The file grew past its size: keep reading until the end.
            if (n == range.length && range.offset + n >= target_) target_ = range.offset + n + 1;
            if (received_ < size_) report(progress_, received_, size_);
        }
        request_blocks();
    }

    void finish_file() {
        uint64_t total = eof_ == std::numeric_limits<uint64_t>::max() ? end_ : eof_;
        if (end_ > total || received_ != total) {
            return fail(
                Error(OTTO_EFILE, client_where() + ": cannot read " + remote_ + ": the file changed while being read"));
        }
        close_handle();
        std::string content;
        if (Error e = sink_->commit(mode_, content)) return fail(std::move(e));
        finished_ = true;
        auto progress = std::exchange(progress_, nullptr);
        auto done = std::exchange(done_, nullptr);
        if (progress) progress(total, total);
        if (done) done(Error(), total, std::move(content));
    }

    std::string client_where() const {
        auto client = client_.lock();
        return client ? client->where() : std::string("sftp");
    }

    void close_handle() {
        if (!handle_open_) return;
        handle_open_ = false;
        if (auto client = client_.lock()) client->close(handle_, remote_, [](Error) {});
    }

    void fail(Error error) {
        if (finished_) return;
        close_handle();
        if (sink_) sink_->abort();
        complete(std::move(error));
    }

    void complete(Error error) {
        finished_ = true;
        progress_ = nullptr;
        auto done = std::exchange(done_, nullptr);
        if (done) done(std::move(error), received_, {});
    }

    uv_loop_t *loop_;
    std::weak_ptr<SftpClient> client_;
    std::string remote_;
    TransferProgress progress_;
    RemoteFiles::Downloaded done_;
    std::optional<DownloadSink> sink_;
    std::string handle_;
    bool handle_open_ = false;
    bool finished_ = false;
    uint64_t size_ = 0;
    uint32_t mode_ = 0644;
    uint64_t target_ = 0;  // read at least up to here
    uint64_t next_ = 0;    // the next block not yet asked for
    uint64_t eof_ = std::numeric_limits<uint64_t>::max();
    uint64_t end_ = 0;  // the furthest byte received
    uint64_t received_ = 0;
    std::deque<Range> retry_;  // the rest of short reads
    int in_flight_ = 0;
};

}  // namespace

std::shared_ptr<FileTask> start_sftp_upload(uv_loop_t *loop, const std::shared_ptr<SftpClient> &client,
                                            const UploadSpec &spec, TransferProgress progress,
                                            RemoteFiles::Uploaded done) {
    auto upload = std::make_shared<SftpUpload>(loop, client, spec, std::move(progress), std::move(done));
    upload->start(spec);
    return upload;
}

std::shared_ptr<FileTask> start_sftp_download(uv_loop_t *loop, const std::shared_ptr<SftpClient> &client,
                                              const DownloadSpec &spec, TransferProgress progress,
                                              RemoteFiles::Downloaded done) {
    auto download = std::make_shared<SftpDownload>(loop, client, spec, std::move(progress), std::move(done));
    download->start(spec);
    return download;
}

}  // namespace otto
