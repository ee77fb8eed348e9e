#include "loop/slot_gate.hpp"

#include <utility>

namespace otto {

SlotGate::Slot::~Slot() {
    if (auto gate = gate_.lock()) gate->release();
}

void SlotGate::acquire(Granted granted) {
    if (limit_ != 0 && held_ >= limit_) {
        waiting_.push_back(std::move(granted));
        return;
    }
    ++held_;
    granted(std::make_unique<Slot>(weak_from_this()));
}

void SlotGate::release() {
    --held_;
    // The slot passes to the first waiter; one that drops it at once (it
    // gave up meanwhile) passes it on through this same path.
    if (waiting_.empty()) return;
    Granted next = std::move(waiting_.front());
    waiting_.pop_front();
    ++held_;
    next(std::make_unique<Slot>(weak_from_this()));
}

}  // namespace otto
