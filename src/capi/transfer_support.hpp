// A put's or get's C arguments turned into a checked transfer request (and
// its event sink): shared by the host calls and their fan-outs.
#pragma once

#include <cstddef>

#include "loop/operation.hpp"
#include "otto.h"
#include "transfer/transfer_job.hpp"

namespace otto {

struct TransferSettings {
    TransferRequest request;
    EventSink events;
};

// Throws ApiError for a NULL or empty argument and for what validate()
// refuses.
TransferSettings transfer_settings(bool put, const char *const *paths, size_t count, const char *dir,
                                   const otto_transfer_opts *opts);

}  // namespace otto
