// What the C API hands out of a finished op: its payload as one result
// kind, and the check that a host still takes work.
#pragma once

#include <memory>
#include <variant>

#include "capi/api_guard.hpp"
#include "host/host.hpp"
#include "loop/operation.hpp"

namespace otto {

// The op's result of kind T, borrowed for the op's life; NULL while it runs
// or when it holds another kind.
template <class T>
const T *payload_as(const otto_op *op) {
    if (op == nullptr || !op->done()) return nullptr;
    if (auto *p = std::get_if<std::shared_ptr<const T>>(&op->payload())) return p->get();
    return nullptr;
}

// Throws OTTO_ECLOSED once the host is closed.
inline void require_open(const Host &host) {
    if (host.closed()) fail(OTTO_ECLOSED, "host \"" + host.id() + "\" is closed");
}

}  // namespace otto
