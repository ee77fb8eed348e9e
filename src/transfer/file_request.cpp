#include "transfer/file_request.hpp"

#include "host/host.hpp"
#include "loop/operation.hpp"
#include "transfer/file_results.hpp"
#include "transfer/glob.hpp"

namespace otto {

namespace {

using Kind = FileRequest::Kind;

const char *verb(Kind kind) {
    switch (kind) {
        case Kind::Read: return "read";
        case Kind::Write: return "write";
        case Kind::Stat: return "stat";
        case Kind::Lstat: return "lstat";
        case Kind::List: return "list";
        case Kind::Glob: return "glob";
        case Kind::Mkdir: return "mkdir -p";
        case Kind::Remove: return "remove";
        case Kind::Rename: return "rename";
        case Kind::Realpath: return "realpath";
    }
    return "?";
}

// Completes the op from a backend's answer: its error, or the result that
// `fill` builds. A late answer to a canceled op is ignored (complete() runs
// once).
class Completion {
public:
    explicit Completion(const std::shared_ptr<Operation> &op) : op_(op) {}

    template <class Fill>
    void operator()(Error error, Fill fill) const {
        auto op = op_.lock();
        if (!op) return;
        if (error) {
            op->complete(error.code, std::move(error.message));
            return;
        }
        auto result = std::make_shared<otto_file_result>();
        fill(*result);
        op->complete_ok(std::shared_ptr<const otto_file_result>(std::move(result)));
    }

private:
    std::weak_ptr<Operation> op_;
};

}  // namespace

std::string describe(const FileRequest &request) {
    std::string text = std::string(verb(request.kind)) + " " + request.path;
    if (request.kind == Kind::Rename) text += " " + request.other;
    if (request.kind == Kind::Glob) text += " " + request.other;
    if (request.kind == Kind::Write) text += " (" + std::to_string(request.bytes.size()) + " bytes)";
    return text;
}

void start_file_request(Host &host, std::shared_ptr<Operation> op, FileRequest request) {
    if (host.dry_run()) {
        host.log(OTTO_LOG_INFO, OTTO_LOG_KIND_COMMAND, "", "[dry run] " + describe(request));
        op->complete(OTTO_ENOTRUN, "dry run: " + describe(request) + " was not done");
        return;
    }
    RemoteFiles *files = host.files();
    if (files == nullptr) {
        if (host.closed()) op->complete(OTTO_ECLOSED, "host \"" + host.id() + "\" is closed");
        else op->complete(OTTO_ENOTSUP, "host \"" + host.id() + "\" cannot serve files");
        return;
    }
    if (host.config().log_mode != OTTO_LOG_MODE_NEVER) {
        host.log(OTTO_LOG_DEBUG, OTTO_LOG_KIND_COMMAND, "", describe(request));
    }
    std::weak_ptr<Operation> weak = op;
    op->set_cancel_hook([weak] {
        if (auto o = weak.lock()) o->complete(OTTO_ECANCELED, "canceled");
    });
    Completion complete(op);
    const std::string &path = request.path;
    switch (request.kind) {
        case Kind::Stat:
        case Kind::Lstat:
            files->stat(path, request.kind == Kind::Stat, [complete](Error e, FileInfo info) {
                complete(std::move(e), [&](otto_file_result &r) { r.entries.push_back(std::move(info)); });
            });
            return;
        case Kind::List:
            files->list(path, [complete](Error e, std::vector<FileInfo> entries) {
                complete(std::move(e), [&](otto_file_result &r) {
                    sort_by_name(entries);
                    r.entries = std::move(entries);
                });
            });
            return;
        case Kind::Glob:
            files->list(path, [complete, dir = path, pattern = request.other](Error e, std::vector<FileInfo> entries) {
                complete(std::move(e),
                         [&](otto_file_result &r) { r.entries = glob_entries(std::move(entries), dir, pattern); });
            });
            return;
        case Kind::Mkdir:
            files->mkdir_p(path, request.mode.value_or(0755),
                           [complete](Error e) { complete(std::move(e), [](otto_file_result &) {}); });
            return;
        case Kind::Remove:
            files->remove(path, [complete](Error e) { complete(std::move(e), [](otto_file_result &) {}); });
            return;
        case Kind::Rename:
            files->rename(path, request.other,
                          [complete](Error e) { complete(std::move(e), [](otto_file_result &) {}); });
            return;
        case Kind::Realpath:
            files->realpath(path, [complete](Error e, std::string resolved) {
                complete(std::move(e), [&](otto_file_result &r) { r.data = std::move(resolved); });
            });
            return;
        case Kind::Read: {
            DownloadSpec spec;
            spec.remote_path = path;
            auto task = files->download(spec, nullptr, [complete](Error e, uint64_t, std::string content) {
                complete(std::move(e), [&](otto_file_result &r) { r.data = std::move(content); });
            });
            op->set_cancel_hook([weak, task] {
                if (task) task->cancel();
                if (auto o = weak.lock()) o->complete(OTTO_ECANCELED, "canceled");
            });
            return;
        }
        case Kind::Write: {
            UploadSpec spec;
            spec.bytes = std::move(request.bytes);
            spec.remote_path = path;
            spec.mode = request.mode;
            auto task = files->upload(spec, nullptr, [complete](Error e, uint64_t) {
                complete(std::move(e), [](otto_file_result &) {});
            });
            op->set_cancel_hook([weak, task] {
                if (task) task->cancel();
                if (auto o = weak.lock()) o->complete(OTTO_ECANCELED, "canceled");
            });
            return;
        }
    }
}

}  // namespace otto
