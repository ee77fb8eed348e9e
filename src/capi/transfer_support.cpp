#include "capi/transfer_support.hpp"

#include <mutex>
#include <string>

#include "capi/api_guard.hpp"
#include "capi/handles.hpp"

namespace otto {

TransferSettings transfer_settings(bool put, const char *const *paths, size_t count, const char *dir,
                                   const otto_transfer_opts *opts) {
    TransferSettings settings;
    if (count > 0) require(paths, put ? "local_paths" : "remote_paths");
    for (size_t i = 0; i < count; ++i) {
        if (paths[i] == nullptr) fail(OTTO_EINVAL, "path " + std::to_string(i) + " is NULL");
        settings.request.sources.emplace_back(paths[i]);
    }
    settings.request.put = put;
    settings.request.destination_dir = require(dir, put ? "remote_dir" : "local_dir");
    if (opts != nullptr) {
        std::lock_guard lock(opts->mutex);
        settings.request.mode = opts->mode;
        settings.events = opts->events;
    }
    validate(settings.request);
    return settings;
}

}  // namespace otto
