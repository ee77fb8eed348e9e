#include "fleet/fanout.hpp"

#include "fleet/host_ops.hpp"

namespace otto::fleet {

Fanout::Fanout(std::shared_ptr<Operation> op, std::string lab, std::vector<FanoutTarget> targets, size_t limit,
               HostStarter starter)
    : op_(std::move(op)), lab_(std::move(lab)), limit_(limit), starter_(std::move(starter)) {
    slots_.reserve(targets.size());
    for (auto &t : targets) slots_.push_back(Slot{std::move(t), nullptr, false});
}

void Fanout::start() {
    op_->set_cancel_hook([self = shared_from_this()] { self->cancel(); });
    start_more();
    finish_if_done();
}

void Fanout::start_more() {
    while (!canceled_ && next_ < slots_.size() && (limit_ == 0 || running_ < limit_)) start_slot(next_++);
}

void Fanout::start_slot(size_t index) {
    Slot &slot = slots_[index];
    if (slot.target.error) {
        // A host the lab cannot give (unsupported, context closing) fails
        // alone and takes no turn.
        fail_slot(index, slot.target.error.code, slot.target.error.message);
        return;
    }
    ++running_;
    starter_(slot.target.host, [self = shared_from_this(), index](std::shared_ptr<Operation> op) {
        self->slot_started(index, std::move(op));
    });
}

void Fanout::slot_started(size_t index, std::shared_ptr<Operation> op) {
    Slot &slot = slots_[index];
    slot.op = std::move(op);
    if (canceled_) slot.op->request_cancel();
    slot.op->when_complete([self = shared_from_this(), index] { self->slot_finished(index); });
}

void Fanout::slot_finished(size_t index) {
    Slot &slot = slots_[index];
    if (slot.finished) return;
    slot.finished = true;
    --running_;
    ++finished_;
    start_more();
    finish_if_done();
}

void Fanout::fail_slot(size_t index, int code, std::string message) {
    Slot &slot = slots_[index];
    slot.op = failed_host_op(op_->engine_ptr(), slot.target.id, Error(code, std::move(message)));
    slot.finished = true;
    ++finished_;
}

void Fanout::cancel() {
    if (canceled_) return;
    canceled_ = true;
    for (auto &slot : slots_) {
        if (slot.op && !slot.finished) slot.op->request_cancel();
    }
    // Hosts whose turn never came end canceled, at once.
    while (next_ < slots_.size()) {
        size_t index = next_++;
        fail_slot(index, OTTO_ECANCELED, "the fan-out was canceled before this host's turn");
    }
    finish_if_done();
}

void Fanout::finish_if_done() {
    if (finished_ < slots_.size() || op_->done()) return;
    auto result = std::make_shared<otto_fanout_result>();
    result->lab = lab_;
    for (auto &slot : slots_) result->entries.push_back({slot.target.id, slot.op});
    if (canceled_) op_->complete(OTTO_ECANCELED, "the fan-out was canceled", std::move(result));
    else op_->complete_ok(std::move(result));
}

}  // namespace otto::fleet
