// The ops a fleet operation (fan-out, repeat, poll) makes for one host's part:
// one that is about to run, or one already over because the host could not
// start. Loop thread.
#pragma once

#include <memory>
#include <string>

#include "loop/engine.hpp"
#include "loop/operation.hpp"
#include "util/error.hpp"

namespace otto::fleet {

// An op on `host_id`, tracked so that freeing the context cancels it like
// any other.
std::shared_ptr<Operation> host_op(const std::shared_ptr<Engine> &engine, const std::string &host_id, OpKind kind,
                                   EventSink events = {});

// An op on `host_id` that has already failed with `error`.
std::shared_ptr<Operation> failed_host_op(const std::shared_ptr<Engine> &engine, const std::string &host_id,
                                          Error error);

}  // namespace otto::fleet
