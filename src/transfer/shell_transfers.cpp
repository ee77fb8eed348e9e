#include "transfer/shell_transfers.hpp"

#include <sys/stat.h>

#include <optional>
#include <utility>

#include "otto.h"
#include "transfer/local_io.hpp"
#include "transfer/shell_file_commands.hpp"

namespace otto {

namespace {

// The biggest chunk of data one upload one-shot carries (64 KiB of
// base64): far below what an exec channel or `sh -c` takes, and big enough
// that the one-shot's own cost is small beside the bytes. Powers of two
// times 3, so every chunk but the last encodes without padding.
constexpr size_t kMaxChunk = 48 * 1024;
constexpr size_t kMinChunk = 48;
// Time allowed for a one-shot, plus some for each byte it moves: slow
// enough for a console, yet a stalled transfer still ends.
constexpr double kBaseTimeout = 30.0;
constexpr double kSlowestBytesPerSecond = 64 * 1024;
// Download progress is reported at most this often (in bytes), since
// every base64 line of 57 bytes arrives on its own.
constexpr uint64_t kProgressStep = 64 * 1024;

OneshotSpec spec_for(std::string command, uint64_t bytes) {
    OneshotSpec spec;
    spec.command = std::move(command);
    spec.timeout = kBaseTimeout + static_cast<double>(bytes) / kSlowestBytesPerSecond;
    // Only errors and short answers are kept; content streams by line.
    spec.retain_limit = 16 * 1024;
    return spec;
}

// Calls a copy: the callback may cancel the transfer, which drops the
// original while it runs.
void report(const TransferProgress &progress, uint64_t done, uint64_t total) {
    if (auto call = progress) call(done, total);
}

// The largest chunk whose command `runner`'s backend can carry, or 0.
size_t chunk_size_for(const ShellRunner &runner, const std::string &temp) {
    for (size_t size = kMaxChunk; size >= kMinChunk; size /= 2) {
        std::string data(size, 'x');
        if (runner.fits(upload_chunk_command(temp, data, true)) && runner.fits(upload_chunk_command(temp, data, false)))
            return size;
    }
    return 0;
}

class ShellUpload final : public ShellTransfer, public std::enable_shared_from_this<ShellUpload> {
public:
    ShellUpload(const std::shared_ptr<ShellRunner> &runner, const UploadSpec &spec, TransferProgress progress,
                RemoteFiles::Uploaded done)
        : runner_(runner), spec_(spec), temp_(temporary_sibling(spec.remote_path)), progress_(std::move(progress)),
          done_(std::move(done)) {}

    void start(ShellRunner &runner) {
        Error error;
        source_.emplace(UploadSource::open(spec_, error));
        if (!error) {
            chunk_ = chunk_size_for(runner, temp_);
            if (chunk_ == 0)
                error = Error(OTTO_ENOTSUP, runner.where() + ": cannot upload to " + spec_.remote_path +
                                                ": the path is too long for the host's command line");
        }
        if (error) {
            runner.post([self = shared_from_this(), error] { self->finish(error); });
            return;
        }
        send_chunk(runner);
    }

    void cancel() override {
        if (!done_) return;
        done_ = nullptr;
        progress_ = nullptr;
        // A step under way is let finish: killing its one-shot would not
        // stop a remote append already running, which could then recreate
        // the temporary file after its removal. The removal follows it.
        if (current_) {
            remove_after_step_ = true;
            return;
        }
        if (auto runner = runner_.lock()) remove_temporary(*runner);
    }

    void abandon() override {
        done_ = nullptr;
        progress_ = nullptr;
        if (auto current = std::move(current_)) current->cancel();
    }

private:
    void send_chunk(ShellRunner &runner) {
        Error error;
        std::string data = source_->read(offset_, chunk_, error);
        if (error) {
            fail(runner, std::move(error));
            return;
        }
        md5_.update(data);
        bool first = !temp_may_exist_;
        temp_may_exist_ = true;
        size_t size = data.size();
        run(runner, upload_chunk_command(temp_, data, first), size, [this, size](ShellRunner &r) {
            offset_ += size;
            report(progress_, offset_, source_->size());
            if (!done_) return;  // canceled from the progress callback
            if (offset_ < source_->size()) send_chunk(r);
            else commit(r);
        });
    }

    void commit(ShellRunner &runner) {
        std::string md5 = md5_.hex_digest();
        if (md5.empty()) {
            fail(runner,
                 Error(OTTO_EFILE, "cannot check the upload to " + spec_.remote_path + ": this OpenSSL has no MD5"));
            return;
        }
        run(runner, upload_commit_command(temp_, spec_.remote_path, md5, source_->mode()), source_->size(),
            [this](ShellRunner &) {
                temp_may_exist_ = false;
                finish(Error());
            });
    }

    // Runs one step; `next` runs if it succeeded, else the upload fails.
    void run(ShellRunner &runner, std::string command, uint64_t bytes, std::function<void(ShellRunner &)> next) {
        std::weak_ptr<ShellRunner> weak = runner_;
        current_ =
            runner.run(spec_for(std::move(command), bytes), nullptr,
                       [self = shared_from_this(), weak, next = std::move(next)](CommandResult result) {
                           auto live = weak.lock();
                           if (!live) return;
                           self->current_.reset();
                           if (!self->done_) {
                               if (self->remove_after_step_) self->remove_temporary(*live);
                               return;
                           }
                           if (Error e = oneshot_error(result, "upload to", self->spec_.remote_path, live->where())) {
                               self->fail(*live, std::move(e));
                               return;
                           }
                           next(*live);
                       });
    }

    void fail(ShellRunner &runner, Error error) {
        remove_temporary(runner);
        finish(std::move(error));
    }

    // Best effort: nobody waits for it.
    void remove_temporary(ShellRunner &runner) {
        if (temp_may_exist_) runner.run(spec_for(remove_temporary_command(temp_), 0), nullptr, [](CommandResult) {});
        temp_may_exist_ = false;
    }

    void finish(Error error) {
        auto done = std::move(done_);
        done_ = nullptr;
        progress_ = nullptr;
        if (done) done(std::move(error), error ? 0 : source_->size());
    }

    std::weak_ptr<ShellRunner> runner_;
    bool remove_after_step_ = false;
    UploadSpec spec_;
    std::string temp_;
    TransferProgress progress_;
    RemoteFiles::Uploaded done_;
    std::optional<UploadSource> source_;
    Md5 md5_;
    size_t chunk_ = 0;
    uint64_t offset_ = 0;
    bool temp_may_exist_ = false;
    std::shared_ptr<OneshotHandle> current_;
};

class ShellDownload final : public ShellTransfer, public std::enable_shared_from_this<ShellDownload> {
public:
    ShellDownload(const std::shared_ptr<ShellRunner> &runner, const DownloadSpec &spec, TransferProgress progress,
                  RemoteFiles::Downloaded done)
        : runner_(runner), spec_(spec), progress_(std::move(progress)), done_(std::move(done)),
          reader_([this](std::string_view bytes) { return write(bytes); }) {}

    void start(ShellRunner &runner) {
        Error error;
        sink_.emplace(DownloadSink::open(spec_, error));
        if (error) {
            runner.post([self = shared_from_this(), error] { self->finish(error); });
            return;
        }
        std::weak_ptr<ShellRunner> weak = runner_;
        current_ = runner.run(spec_for(stat_command(spec_.remote_path, true), 0), nullptr,
                              [self = shared_from_this(), weak](CommandResult result) {
                                  if (auto r = weak.lock(); r && self->done_) self->probed(*r, result);
                              });
    }

    void cancel() override { abandon(); }

    void abandon() override {
        done_ = nullptr;
        progress_ = nullptr;
        if (auto current = std::move(current_)) current->cancel();
        if (sink_) sink_->abort();
    }

private:
    void probed(ShellRunner &runner, const CommandResult &result) {
        current_.reset();
        if (Error e = oneshot_error(result, "download", spec_.remote_path, runner.where())) {
            finish(std::move(e));
            return;
        }
        auto info = parse_stat_line(result.output, spec_.remote_path);
        if (!info) {
            finish(failure(runner, "unexpected output of stat: \"" + result.output.substr(0, 100) + "\""));
            return;
        }
        if (!S_ISREG(info->mode)) {
            finish(failure(runner, "not a regular file"));
            return;
        }
        mode_ = info->mode;
        total_ = info->size;
        std::weak_ptr<ShellRunner> weak = runner_;
        auto self = shared_from_this();
        current_ = runner.run(
            spec_for(download_command(spec_.remote_path), total_),
            [self](otto_event_kind_t stream, std::string_view line) { self->on_line(stream, line); },
            [self, weak](CommandResult r) {
                if (auto live = weak.lock(); live && self->done_) self->streamed(*live, r);
            });
    }

    void on_line(otto_event_kind_t stream, std::string_view line) {
        if (stream != OTTO_EVENT_OUTPUT_LINE || !done_ || stopping_) return;
        if (reader_.feed(line)) {
            // No use reading on; stopped from a later turn, not from
            // inside the backend's delivery of this line.
            stopping_ = true;
            if (auto runner = runner_.lock()) {
                runner->post([self = shared_from_this()] {
                    auto live = self->runner_.lock();
                    if (!live || !self->done_) return;
                    if (auto current = std::move(self->current_)) current->cancel();
                    self->finish(self->stream_error(*live));
                });
            }
            return;
        }
        if (progress_ && written_ - reported_ >= kProgressStep) {
            reported_ = written_;
            report(progress_, written_, total_);
        }
    }

    // Why the stream failed: a local write error names the local path, the
    // reader's own errors the remote one.
    Error stream_error(ShellRunner &runner) {
        if (write_error_) return write_error_;
        Error e = reader_.finish();
        return e ? failure(runner, e.message) : e;
    }

    void streamed(ShellRunner &runner, const CommandResult &result) {
        current_.reset();
        if (Error e = oneshot_error(result, "download", spec_.remote_path, runner.where())) {
            finish(std::move(e));
            return;
        }
        if (Error e = stream_error(runner)) {
            finish(std::move(e));
            return;
        }
        std::string content;
        if (Error e = sink_->commit(mode_, content)) {
            finish(std::move(e));
            return;
        }
        report(progress_, written_, written_);
        finish(Error(), std::move(content));
    }

    Error write(std::string_view bytes) {
        write_error_ = sink_->write(written_, bytes);
        if (!write_error_) written_ += bytes.size();
        return write_error_;
    }

    Error failure(ShellRunner &runner, const std::string &why) const {
        return Error(OTTO_EFILE, runner.where() + ": cannot download " + spec_.remote_path + ": " + why);
    }

    void finish(Error error, std::string content = {}) {
        auto done = std::move(done_);
        done_ = nullptr;
        progress_ = nullptr;
        if (error && sink_) sink_->abort();
        if (done) done(std::move(error), written_, std::move(content));
    }

    std::weak_ptr<ShellRunner> runner_;
    DownloadSpec spec_;
    TransferProgress progress_;
    RemoteFiles::Downloaded done_;
    DownloadReader reader_;
    std::optional<DownloadSink> sink_;
    uint32_t mode_ = 0;
    uint64_t total_ = 0;
    uint64_t written_ = 0;
    uint64_t reported_ = 0;
    Error write_error_;
    bool stopping_ = false;
    std::shared_ptr<OneshotHandle> current_;
};

}  // namespace

std::shared_ptr<ShellTransfer> start_shell_upload(const std::shared_ptr<ShellRunner> &runner, const UploadSpec &spec,
                                                  TransferProgress progress, RemoteFiles::Uploaded done) {
    auto upload = std::make_shared<ShellUpload>(runner, spec, std::move(progress), std::move(done));
    upload->start(*runner);
    return upload;
}

std::shared_ptr<ShellTransfer> start_shell_download(const std::shared_ptr<ShellRunner> &runner,
                                                    const DownloadSpec &spec, TransferProgress progress,
                                                    RemoteFiles::Downloaded done) {
    auto download = std::make_shared<ShellDownload>(runner, spec, std::move(progress), std::move(done));
    download->start(*runner);
    return download;
}

}  // namespace otto
