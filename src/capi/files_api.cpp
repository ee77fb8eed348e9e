// Files: transfer options, put and get, remote file operations, and their
// results.
#include "capi/api_guard.hpp"
#include "capi/handles.hpp"
#include "capi/op_payload.hpp"
#include "capi/submit.hpp"
#include "capi/transfer_support.hpp"
#include "host/host.hpp"
#include "transfer/file_request.hpp"
#include "transfer/file_results.hpp"
#include "transfer/transfer_job.hpp"

using otto::fail;
using otto::FileRequest;
using otto::guarded;
using otto::OpKind;
using otto::payload_as;
using otto::require;
using otto::require_open;

namespace {

using Kind = FileRequest::Kind;

int submit_file_request(otto_op **out, otto_host *host, FileRequest request, otto_op_cb cb, void *user_data) {
    require(host, "host");
    require_open(*host);
    if (request.path.empty()) fail(OTTO_EINVAL, "the path is empty");
    std::shared_ptr<otto::Host> target = host->shared_from_this();
    return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::File, cb, user_data, {},
                           [target, request = std::move(request)](std::shared_ptr<otto::Operation> op) mutable {
                               otto::start_file_request(*target, std::move(op), std::move(request));
                           });
}

int path_request(otto_op **out, otto_host *host, Kind kind, const char *path, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        FileRequest request;
        request.kind = kind;
        request.path = require(path, "path");
        return submit_file_request(out, host, std::move(request), cb, user_data);
    });
}

int submit_transfer(otto_op **out, otto_host *host, bool put, const char *const *paths, size_t count, const char *dir,
                    const otto_transfer_opts *opts, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(host, "host");
        require_open(*host);
        otto::TransferSettings settings = otto::transfer_settings(put, paths, count, dir, opts);
        std::shared_ptr<otto::Host> target = host->shared_from_this();
        return otto::submit_op(out, host->engine_ptr(), host->id(), OpKind::Transfer, cb, user_data, settings.events,
                               [target, request = std::move(settings.request)](std::shared_ptr<otto::Operation> op) {
                                   otto::start_transfer(*target, std::move(op), request);
                               });
    });
}

const otto_transfer_result::File *file_at(const otto_transfer_result *result, size_t index) {
    if (result == nullptr || index >= result->files.size()) return nullptr;
    return &result->files[index];
}

const otto::FileInfo *entry_at(const otto_file_result *result, size_t index) {
    if (result == nullptr || index >= result->entries.size()) return nullptr;
    return &result->entries[index];
}

// The arguments as a submission checks them, then the local side.
int check_transfer(bool put, const char *const *paths, size_t count, const char *dir) {
    return guarded([&]() -> int {
        otto::TransferSettings settings = otto::transfer_settings(put, paths, count, dir, nullptr);
        if (otto::Error error = otto::check_local_side(settings.request)) fail(error.code, error.message);
        return OTTO_OK;
    });
}

}  // namespace

extern "C" {

int otto_transfer_opts_new(otto_transfer_opts **out) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        *out = new otto_transfer_opts();
        return OTTO_OK;
    });
}

void otto_transfer_opts_free(otto_transfer_opts *opts) { delete opts; }

int otto_transfer_opts_set_mode(otto_transfer_opts *opts, uint32_t mode) {
    return guarded([&]() -> int {
        require(opts, "opts");
        if (mode > 07777) fail(OTTO_EINVAL, "mode " + std::to_string(mode) + " is more than permission bits (07777)");
        std::lock_guard lock(opts->mutex);
        opts->mode = mode;
        return OTTO_OK;
    });
}

int otto_transfer_opts_set_event_cb(otto_transfer_opts *opts, otto_event_cb cb, void *user_data) {
    return guarded([&]() -> int {
        require(opts, "opts");
        std::lock_guard lock(opts->mutex);
        opts->events = otto::EventSink{cb, user_data};
        return OTTO_OK;
    });
}

int otto_host_put(otto_op **out, otto_host *host, const char *const *local_paths, size_t count, const char *remote_dir,
                  const otto_transfer_opts *opts, otto_op_cb cb, void *user_data) {
    return submit_transfer(out, host, true, local_paths, count, remote_dir, opts, cb, user_data);
}

int otto_host_get(otto_op **out, otto_host *host, const char *const *remote_paths, size_t count, const char *local_dir,
                  const otto_transfer_opts *opts, otto_op_cb cb, void *user_data) {
    return submit_transfer(out, host, false, remote_paths, count, local_dir, opts, cb, user_data);
}

int otto_put_check(const char *const *local_paths, size_t count, const char *remote_dir) {
    return check_transfer(true, local_paths, count, remote_dir);
}

int otto_get_check(const char *const *remote_paths, size_t count, const char *local_dir) {
    return check_transfer(false, remote_paths, count, local_dir);
}

const otto_transfer_result *otto_op_transfer_result(const otto_op *op) { return payload_as<otto_transfer_result>(op); }

int32_t otto_transfer_result_status(const otto_transfer_result *result) {
    return result != nullptr ? result->status() : OTTO_STATUS_ERROR;
}

size_t otto_transfer_result_count(const otto_transfer_result *result) {
    return result != nullptr ? result->files.size() : 0;
}

const char *otto_transfer_result_source(const otto_transfer_result *result, size_t index) {
    auto *f = file_at(result, index);
    return f != nullptr ? f->source.c_str() : nullptr;
}

const char *otto_transfer_result_destination(const otto_transfer_result *result, size_t index) {
    auto *f = file_at(result, index);
    return f != nullptr ? f->destination.c_str() : nullptr;
}

int32_t otto_transfer_result_file_status(const otto_transfer_result *result, size_t index) {
    auto *f = file_at(result, index);
    return f != nullptr ? f->status : OTTO_STATUS_ERROR;
}

int otto_transfer_result_file_error(const otto_transfer_result *result, size_t index) {
    auto *f = file_at(result, index);
    return f != nullptr ? f->error : OTTO_EINVAL;
}

const char *otto_transfer_result_file_message(const otto_transfer_result *result, size_t index) {
    auto *f = file_at(result, index);
    return f != nullptr ? f->message.c_str() : nullptr;
}

uint64_t otto_transfer_result_file_bytes(const otto_transfer_result *result, size_t index) {
    auto *f = file_at(result, index);
    return f != nullptr ? f->bytes : 0;
}

int otto_transfer_result_to_json(char **out, const otto_transfer_result *result) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        return otto::hand_out(out, otto::to_json(*require(result, "result")));
    });
}

int otto_host_file_read(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data) {
    return path_request(out, host, Kind::Read, path, cb, user_data);
}

int otto_host_file_write(otto_op **out, otto_host *host, const char *path, const char *data, size_t len,
                         const otto_transfer_opts *opts, otto_op_cb cb, void *user_data) {
    return guarded([&]() -> int {
        if (data == nullptr && len > 0) fail(OTTO_EINVAL, "data must not be NULL");
        FileRequest request;
        request.kind = Kind::Write;
        request.path = require(path, "path");
        request.bytes.assign(data != nullptr ? data : "", len);
        if (opts != nullptr) {
            std::lock_guard lock(opts->mutex);
            request.mode = opts->mode;
        }
        return submit_file_request(out, host, std::move(request), cb, user_data);
    });
}

int otto_host_file_stat(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data) {
    return path_request(out, host, Kind::Stat, path, cb, user_data);
}

int otto_host_file_lstat(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data) {
    return path_request(out, host, Kind::Lstat, path, cb, user_data);
}

int otto_host_file_list(otto_op **out, otto_host *host, const char *dir, otto_op_cb cb, void *user_data) {
    return path_request(out, host, Kind::List, dir, cb, user_data);
}

int otto_host_file_glob(otto_op **out, otto_host *host, const char *dir, const char *pattern, otto_op_cb cb,
                        void *user_data) {
    return guarded([&]() -> int {
        FileRequest request;
        request.kind = Kind::Glob;
        request.path = require(dir, "dir");
        request.other = require(pattern, "pattern");
        if (request.other.empty()) fail(OTTO_EINVAL, "the pattern is empty");
        if (request.other.find('/') != std::string::npos) {
            fail(OTTO_EINVAL, "the pattern \"" + request.other + "\" has a '/': it matches names within dir only");
        }
        return submit_file_request(out, host, std::move(request), cb, user_data);
    });
}

int otto_host_file_mkdir(otto_op **out, otto_host *host, const char *path, uint32_t mode, otto_op_cb cb,
                         void *user_data) {
    return guarded([&]() -> int {
        if (mode > 07777) fail(OTTO_EINVAL, "mode " + std::to_string(mode) + " is more than permission bits (07777)");
        FileRequest request;
        request.kind = Kind::Mkdir;
        request.path = require(path, "path");
        request.mode = mode;
        return submit_file_request(out, host, std::move(request), cb, user_data);
    });
}

int otto_host_file_remove(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data) {
    return path_request(out, host, Kind::Remove, path, cb, user_data);
}

int otto_host_file_rename(otto_op **out, otto_host *host, const char *from, const char *to, otto_op_cb cb,
                          void *user_data) {
    return guarded([&]() -> int {
        FileRequest request;
        request.kind = Kind::Rename;
        request.path = require(from, "from");
        request.other = require(to, "to");
        if (request.other.empty()) fail(OTTO_EINVAL, "the new path is empty");
        return submit_file_request(out, host, std::move(request), cb, user_data);
    });
}

int otto_host_file_realpath(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data) {
    return path_request(out, host, Kind::Realpath, path, cb, user_data);
}

const otto_file_result *otto_op_file_result(const otto_op *op) { return payload_as<otto_file_result>(op); }

const char *otto_file_result_data(const otto_file_result *result, size_t *len) {
    if (len != nullptr) *len = result != nullptr ? result->data.size() : 0;
    return result != nullptr ? result->data.c_str() : "";
}

size_t otto_file_result_count(const otto_file_result *result) { return result != nullptr ? result->entries.size() : 0; }

const char *otto_file_result_name(const otto_file_result *result, size_t index) {
    auto *e = entry_at(result, index);
    return e != nullptr ? e->name.c_str() : nullptr;
}

uint64_t otto_file_result_size(const otto_file_result *result, size_t index) {
    auto *e = entry_at(result, index);
    return e != nullptr ? e->size : 0;
}

uint32_t otto_file_result_mode(const otto_file_result *result, size_t index) {
    auto *e = entry_at(result, index);
    return e != nullptr ? e->mode : 0;
}

int64_t otto_file_result_mtime(const otto_file_result *result, size_t index) {
    auto *e = entry_at(result, index);
    return e != nullptr ? e->mtime : 0;
}

uint32_t otto_file_result_uid(const otto_file_result *result, size_t index) {
    auto *e = entry_at(result, index);
    return e != nullptr ? e->uid : 0;
}

uint32_t otto_file_result_gid(const otto_file_result *result, size_t index) {
    auto *e = entry_at(result, index);
    return e != nullptr ? e->gid : 0;
}

int otto_file_result_to_json(char **out, const otto_file_result *result) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        return otto::hand_out(out, otto::to_json(*require(result, "result")));
    });
}

}  // extern "C"
