#include "fleet/repeater.hpp"

#include "loop/engine.hpp"

namespace otto::fleet {

Repeater::Repeater(std::shared_ptr<Operation> op, ScheduleLimits limits, StartRun start_run, RunDone run_done)
    : op_(std::move(op)), schedule_(limits, Clock::now()), timer_(op_->engine().uv()), start_run_(std::move(start_run)),
      run_done_(std::move(run_done)) {}

void Repeater::start() {
    op_->set_cancel_hook([self = shared_from_this()] { self->cancel(); });
    tick();
}

void Repeater::tick() {
    if (canceled_ || op_->done()) return;
    if (!schedule_.allows(index_)) {
        op_->complete_ok({});
        return;
    }
    running_ = start_run_(index_);
    running_->when_complete([self = shared_from_this()] { self->run_finished(); });
}

void Repeater::run_finished() {
    auto run = std::move(running_);
    run_done_(run, index_);
    ++index_;
    if (canceled_ || op_->done()) {
        op_->complete(OTTO_ECANCELED, "the periodic task was canceled");
        return;
    }
    double wait = schedule_.allows(index_) ? schedule_.wait_for(index_, Clock::now()) : 0.0;
    timer_.start(wait, [self = shared_from_this()] { self->tick(); });
}

void Repeater::cancel() {
    canceled_ = true;
    timer_.stop();
    // A run in flight is canceled too; the task ends when it has.
    if (running_) running_->request_cancel();
    else op_->complete(OTTO_ECANCELED, "the periodic task was canceled");
}

}  // namespace otto::fleet
