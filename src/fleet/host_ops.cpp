#include "fleet/host_ops.hpp"

#include "capi/handles.hpp"

namespace otto::fleet {

std::shared_ptr<Operation> host_op(const std::shared_ptr<Engine> &engine, const std::string &host_id, OpKind kind,
                                   EventSink events) {
    auto op = std::make_shared<otto_op>(engine, kind, nullptr, nullptr, events);
    op->set_host_id(host_id);
    engine->track(op);
    return op;
}

std::shared_ptr<Operation> failed_host_op(const std::shared_ptr<Engine> &engine, const std::string &host_id,
                                          Error error) {
    auto op = std::make_shared<otto_op>(engine, OpKind::Run, nullptr, nullptr);
    op->set_host_id(host_id);
    op->complete(error.code, std::move(error.message));
    return op;
}

}  // namespace otto::fleet
