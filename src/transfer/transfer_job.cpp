#include "transfer/transfer_job.hpp"

#include <climits>
#include <set>
#include <string_view>

#include "host/host.hpp"
#include "loop/operation.hpp"
#include "transfer/file_results.hpp"
#include "transfer/local_io.hpp"
#include "util/error.hpp"

namespace otto {

namespace {

// Files in flight at once: enough to hide per-file round trips (open,
// close, rename) behind each other's data.
constexpr size_t kFilesAtOnce = 4;
// What temporary_sibling() adds to a name: "." + ".otto-" + 8 + ".tmp".
constexpr size_t kTemporaryNameExtra = 1 + 6 + 8 + 4;

std::string_view base_name(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string join(const std::string &dir, std::string_view name) {
    if (!dir.empty() && dir.back() == '/') return dir + std::string(name);
    return dir + "/" + std::string(name);
}

class TransferJob : public std::enable_shared_from_this<TransferJob> {
public:
    TransferJob(std::shared_ptr<Host> host, std::shared_ptr<Operation> op, TransferRequest request)
        : host_(std::move(host)), op_(op), request_(std::move(request)),
          result_(std::make_shared<otto_transfer_result>()) {
        auto dests = destinations(request_);
        for (size_t i = 0; i < request_.sources.size(); ++i) {
            otto_transfer_result::File f;
            f.source = request_.sources[i];
            f.destination = dests[i];
            result_->files.push_back(std::move(f));
        }
        tasks_.resize(result_->files.size());
    }

    void start() {
        auto self = shared_from_this();
        if (auto op = op_.lock()) {
            std::weak_ptr<TransferJob> weak = self;
            op->set_cancel_hook([weak] {
                if (auto job = weak.lock()) job->cancel();
            });
        }
        if (host_->dry_run()) {
            for (auto &f : result_->files) {
                host_->log(OTTO_LOG_INFO, OTTO_LOG_KIND_COMMAND, "",
                           std::string("[dry run] ") + (request_.put ? "put " : "get ") + f.source + " -> " +
                               f.destination);
                f.message = "dry run: not transferred";
            }
            return finish();
        }
        files_ = host_->files();
        if (files_ == nullptr) {
            return fail_all(host_->closed() ? OTTO_ECLOSED : OTTO_ENOTSUP,
                            "host \"" + host_->id() + "\" cannot transfer files");
        }
        if (request_.put) {
            files_->mkdir_p(request_.destination_dir, 0755, [self](Error error) {
                if (error) return self->fail_all(error.code, error.message);
                self->pump();
            });
            return;
        }
        // Like a put's remote directory, a get's local one is made if missing
        // (a few mkdir calls, once per transfer).
        if (Error error = make_directories(request_.destination_dir, 0755)) return fail_all(error.code, error.message);
        pump();
    }

private:
    void pump() {
        while (!canceled_ && running_ < kFilesAtOnce && next_ < result_->files.size()) start_file(next_++);
        if (running_ == 0 && next_ == result_->files.size()) finish();
    }

    void start_file(size_t index) {
        ++running_;
        auto &file = result_->files[index];
        host_->log(OTTO_LOG_DEBUG, OTTO_LOG_KIND_COMMAND, "",
                   std::string(request_.put ? "put " : "get ") + file.source + " -> " + file.destination);
        std::weak_ptr<TransferJob> weak = shared_from_this();
        auto progress = [weak, index](uint64_t done, uint64_t total) {
            auto self = weak.lock();
            if (!self) return;
            if (auto op = self->op_.lock()) op->emit_progress(self->result_->files[index].source, index, done, total);
        };
        // The backend holds the job through this callback until the file
        // is done (or canceled, when it drops the callback).
        auto finished = [self = shared_from_this(), index](Error error, uint64_t bytes) {
            self->file_done(index, std::move(error), bytes);
        };
        if (request_.put) {
            UploadSpec spec;
            spec.local_path = file.source;
            spec.remote_path = file.destination;
            spec.mode = request_.mode;
            tasks_[index] = files_->upload(spec, progress, finished);
        } else {
            DownloadSpec spec;
            spec.remote_path = file.source;
            spec.local_path = file.destination;
            spec.mode = request_.mode;
            tasks_[index] = files_->download(spec, progress, [finished](Error error, uint64_t bytes, std::string) {
                finished(std::move(error), bytes);
            });
        }
    }

    void file_done(size_t index, Error error, uint64_t bytes) {
        tasks_[index].reset();
        --running_;
        auto &file = result_->files[index];
        if (error) {
            file.status = OTTO_STATUS_ERROR;
            file.error = error.code;
            file.message = std::move(error.message);
        } else {
            file.status = OTTO_STATUS_SUCCESS;
            file.bytes = bytes;
        }
        pump();
    }

    void fail_all(int code, const std::string &message) {
        for (auto &f : result_->files) {
            f.status = OTTO_STATUS_ERROR;
            f.error = code;
            f.message = message;
        }
        finish();
    }

    void cancel() {
        canceled_ = true;
        for (size_t i = 0; i < tasks_.size(); ++i) {
            auto &file = result_->files[i];
            if (auto task = std::move(tasks_[i])) task->cancel();
            if (file.status == OTTO_STATUS_NOTRUN) {
                file.status = OTTO_STATUS_ERROR;
                file.error = OTTO_ECANCELED;
                file.message = "canceled";
            }
        }
        if (auto op = op_.lock())
            op->complete(OTTO_ECANCELED, "canceled", std::shared_ptr<const otto_transfer_result>(result_));
    }

    void finish() {
        if (auto op = op_.lock()) op->complete_ok(std::shared_ptr<const otto_transfer_result>(result_));
    }

    std::shared_ptr<Host> host_;
    std::weak_ptr<Operation> op_;
    TransferRequest request_;
    std::shared_ptr<otto_transfer_result> result_;
    RemoteFiles *files_ = nullptr;
    std::vector<std::shared_ptr<FileTask>> tasks_;
    size_t next_ = 0;
    size_t running_ = 0;
    bool canceled_ = false;
};

}  // namespace

std::vector<std::string> destinations(const TransferRequest &request) {
    std::vector<std::string> out;
    for (const auto &s : request.sources) out.push_back(join(request.destination_dir, base_name(s)));
    return out;
}

void validate(const TransferRequest &request) {
    const char *what = request.put ? "put" : "get";
    if (request.sources.empty()) fail(OTTO_EINVAL, std::string(what) + ": no files given");
    if (request.destination_dir.empty()) fail(OTTO_EINVAL, std::string(what) + ": the destination directory is empty");
    std::set<std::string_view> names;
    for (const auto &source : request.sources) {
        std::string_view name = base_name(source);
        if (source.empty() || name.empty() || name == "/" || name == "." || name == "..") {
            fail(OTTO_EINVAL, std::string(what) + ": \"" + source + "\" names no file");
        }
        if (name.size() + kTemporaryNameExtra > NAME_MAX) {
            fail(OTTO_EINVAL, std::string(what) + ": the name of \"" + source + "\" is " + std::to_string(name.size()) +
                                  " bytes; at most " + std::to_string(NAME_MAX - kTemporaryNameExtra) +
                                  " fit (NAME_MAX " + std::to_string(NAME_MAX) + ", less the temporary name's suffix)");
        }
        if (!names.insert(name).second) {
            fail(OTTO_EINVAL, std::string(what) + ": two files are named \"" + std::string(name) +
                                  "\": they would overwrite each other in " + request.destination_dir);
        }
    }
    for (const auto &dest : destinations(request)) {
        if (dest.size() + kTemporaryNameExtra >= PATH_MAX) {
            fail(OTTO_EINVAL, std::string(what) + ": the destination \"" + dest + "\" is longer than PATH_MAX allows");
        }
    }
}

Error check_local_side(const TransferRequest &request) {
    if (!request.put) return directory_or_missing(request.destination_dir);
    for (const auto &source : request.sources) {
        Error error;
        UploadSource::open(UploadSpec{source, std::nullopt, "", std::nullopt}, error);
        if (error) return error;
    }
    return {};
}

void start_transfer(Host &host, std::shared_ptr<Operation> op, TransferRequest request) {
    auto job = std::make_shared<TransferJob>(host.shared_from_this(), std::move(op), std::move(request));
    job->start();
}

}  // namespace otto
