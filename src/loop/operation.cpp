#include "loop/operation.hpp"

#include <chrono>
#include <utility>

#include "loop/engine.hpp"
#include "loop/records.hpp"

namespace otto {

namespace {
// App-mode flow control: a streaming op stops reading from its transport
// while its events waiting for dispatch cost this much memory.
constexpr size_t kEventHighWater = 4u << 20;
constexpr size_t kEventLowWater = 1u << 20;
// What a queued event costs besides its bytes: the queue entry, the
// callable and the copy's header, about this much. Counting bytes alone let
// a stream of one-byte lines (`yes`) queue millions of entries.
constexpr size_t kEventOverhead = 192;

size_t queued_event_cost(size_t bytes) { return bytes + kEventOverhead; }
}  // namespace

Operation::Operation(std::shared_ptr<Engine> engine, OpKind kind, otto_op_cb callback, void *user_data,
                     EventSink events)
    : engine_(std::move(engine)), kind_(kind), callback_(callback), user_data_(user_data), events_(events) {}

Operation::~Operation() = default;

bool Operation::done() const {
    std::lock_guard lock(mutex_);
    return done_;
}

bool Operation::settled() const {
    std::lock_guard lock(mutex_);
    return settled_;
}

int Operation::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

const char *Operation::error_message() const {
    std::lock_guard lock(mutex_);
    return done_ ? error_message_.c_str() : "";
}

int Operation::wait(int timeout_ms) {
    std::unique_lock lock(mutex_);
    auto is_done = [this] { return settled_; };
    if (timeout_ms < 0) {
        finished_.wait(lock, is_done);
        return OTTO_OK;
    }
    return finished_.wait_for(lock, std::chrono::milliseconds(timeout_ms), is_done) ? OTTO_OK : OTTO_ETIMEDOUT;
}

void Operation::adopt_user_reference() {
    user_reference_ = shared_from_this();
    user_held_.store(true);
}

void Operation::hold_until_complete() { self_until_complete_ = shared_from_this(); }

void Operation::release_user_reference() {
    {
        // Waits for a callback of this op running on another thread; a
        // callback freeing its own op re-enters the recursive mutex.
        std::lock_guard cb_lock(callback_mutex_);
        released_ = true;
    }
    user_held_.store(false);
    if (!done()) request_cancel();
    engine_->dispatcher().remove_completion(this);
    auto self = std::move(user_reference_);  // may be the last reference
}

std::shared_ptr<Operation> Operation::take_user_reference() {
    user_held_.store(false);
    engine_->dispatcher().remove_completion(this);
    if (user_reference_) return std::move(user_reference_);
    return shared_from_this();
}

void Operation::when_complete(std::function<void()> observer) {
    if (done()) {
        engine_->post(std::move(observer));
        return;
    }
    observer_ = std::move(observer);
}

void Operation::request_cancel() {
    if (cancel_requested_.exchange(true)) return;
    if (!done()) run_cancel_hook_soon();
}

void Operation::set_cancel_hook(std::function<void()> hook) {
    cancel_hook_ = std::move(hook);
    // A cancel requested before the hook existed is honoured now.
    if (cancel_hook_ && cancel_requested_.load() && !done()) run_cancel_hook_soon();
}

void Operation::run_cancel_hook_soon() {
    engine_->post([self = shared_from_this()] {
        if (self->done()) return;
        if (auto hook = std::exchange(self->cancel_hook_, nullptr)) hook();
    });
}

void Operation::run_drain_hook_soon() {
    engine_->post([self = shared_from_this()] {
        if (auto hook = std::exchange(self->on_drained_, nullptr)) hook();
    });
}

bool Operation::complete(int code, std::string message, OpPayload payload) {
    // A detached op's own hold goes when this call returns: the delivery
    // below keeps what it needs.
    std::shared_ptr<Operation> self_hold;
    {
        std::lock_guard lock(mutex_);
        if (done_) return false;
        self_hold = std::move(self_until_complete_);
        done_ = true;
        error_ = code;
        error_message_ = std::move(message);
        payload_ = std::move(payload);
    }
    cancel_hook_ = nullptr;
    on_drained_ = nullptr;
    engine_->untrack(this);
    invoke_completion();
    // Posted, not called: the observer may start more work, which must not
    // run inside the code completing this op.
    if (auto observer = std::exchange(observer_, nullptr)) engine_->post(std::move(observer));
    // Waiters wake only now: once otto_op_wait() returns, the op is in the
    // completion queue or its callback has run or is queued for dispatch.
    {
        std::lock_guard lock(mutex_);
        settled_ = true;
    }
    finished_.notify_all();
    // A wait running this op's events waits on the dispatcher.
    if (wants_events()) engine_->dispatcher().op_settled();
    return true;
}

void Operation::run_user_callback(const std::function<void()> &call) {
    std::lock_guard cb_lock(callback_mutex_);
    if (!released_) call();
}

void Operation::invoke_completion() {
    auto self = shared_from_this();
    if (callback_ != nullptr) {
        engine_->dispatcher().deliver(
            [self] {
                self->run_user_callback([&] { self->callback_(static_cast<otto_op *>(self.get()), self->user_data_); });
            },
            this);
    } else if (user_held_.load()) {
        engine_->dispatcher().push_completion(self);
    }
}

void Operation::deliver_callback(std::function<void()> call) {
    engine_->dispatcher().deliver(
        [self = shared_from_this(), call = std::move(call)] { self->run_user_callback(call); }, this);
}

void Operation::emit_event(otto_event_kind_t kind, std::string_view data, size_t command_index) {
    emit(otto_event{kind, data.data(), data.size(), command_index, 0, 0});
}

void Operation::emit_progress(std::string_view data, size_t index, uint64_t done, uint64_t total) {
    emit(otto_event{OTTO_EVENT_PROGRESS, data.data(), data.size(), index, done, total});
}

void Operation::emit(const otto_event &event) {
    if (events_.callback == nullptr) return;
    if (engine_->dispatcher().mode() == DispatchMode::Loop) {
        run_user_callback([&] { events_.callback(static_cast<otto_op *>(this), &event, events_.user_data); });
        return;
    }
    // The data is borrowed: the queued copy owns its bytes.
    size_t cost = queued_event_cost(event.size);
    queued_event_cost_.fetch_add(cost);
    engine_->dispatcher().deliver(
        [self = shared_from_this(), event, text = std::string(event.data, event.size), cost] {
            otto_event ev = event;
            ev.data = text.data();
            self->run_user_callback(
                [&] { self->events_.callback(static_cast<otto_op *>(self.get()), &ev, self->events_.user_data); });
            self->event_dispatched(cost);
        },
        this, true);
}

bool Operation::events_backlogged() const { return queued_event_cost_.load() > kEventHighWater; }

void Operation::when_events_drained(std::function<void()> on_drained) {
    on_drained_ = std::move(on_drained);
    drain_wanted_.store(true);
    // It may have drained between the check and now.
    if (queued_event_cost_.load() < kEventLowWater && drain_wanted_.exchange(false)) run_drain_hook_soon();
}

void Operation::event_dispatched(size_t cost) {
    size_t left = queued_event_cost_.fetch_sub(cost) - cost;
    if (left < kEventLowWater && drain_wanted_.exchange(false)) run_drain_hook_soon();
}

}  // namespace otto
