#include "fleet/poller.hpp"

#include "fleet/host_ops.hpp"

namespace otto::fleet {

Poller::Poller(std::shared_ptr<Operation> op, std::string lab, std::vector<FanoutTarget> targets, ScheduleLimits limits,
               StartRun start_run, SkippedRun skipped_run, TickDone tick_done)
    : op_(std::move(op)), lab_(std::move(lab)), targets_(std::move(targets)), schedule_(limits, Clock::now()),
      timer_(op_->engine().uv()), start_run_(std::move(start_run)), skipped_run_(std::move(skipped_run)),
      tick_done_(std::move(tick_done)), busy_(targets_.size()), busy_since_(targets_.size(), 0) {}

void Poller::start() {
    op_->set_cancel_hook([self = shared_from_this()] { self->cancel(); });
    tick();
}

void Poller::tick() {
    if (canceled_ || op_->done()) return;
    if (!schedule_.allows(next_index_)) {
        ticking_ = false;
        finish_if_done();
        return;
    }
    auto t = std::make_shared<Tick>();
    t->index = next_index_++;
    t->result = std::make_shared<otto_fanout_result>();
    t->result->lab = lab_;
    ++open_ticks_;
    for (size_t i = 0; i < targets_.size(); ++i) {
        const FanoutTarget &target = targets_[i];
        std::shared_ptr<Operation> run;
        if (target.error) {
            // A host the lab cannot give fails in every tick, alone.
            run = failed_host_op(op_->engine_ptr(), target.id, target.error);
        } else if (busy_[i]) {
            run = skipped_run_(target, busy_since_[i]);
        } else {
            run = start_run_(target.host);
            busy_[i] = run;
            busy_since_[i] = t->index;
            ++t->pending;
            run->when_complete([self = shared_from_this(), i, t] { self->run_finished(i, t); });
        }
        t->result->entries.push_back({target.id, std::move(run)});
    }
    if (t->pending == 0) tick_finished(t);
    if (schedule_.allows(next_index_)) {
        timer_.start(schedule_.wait_for(next_index_, Clock::now()), [self = shared_from_this()] { self->tick(); });
    } else {
        ticking_ = false;
        finish_if_done();
    }
}

void Poller::run_finished(size_t host, const std::shared_ptr<Tick> &t) {
    busy_[host] = nullptr;
    if (--t->pending == 0) tick_finished(t);
}

void Poller::tick_finished(const std::shared_ptr<Tick> &t) {
    tick_done_(t->result, t->index);
    --open_ticks_;
    finish_if_done();
}

void Poller::cancel() {
    canceled_ = true;
    ticking_ = false;
    timer_.stop();
    for (auto &run : busy_) {
        if (run) run->request_cancel();
    }
    finish_if_done();
}

void Poller::finish_if_done() {
    if (ticking_ || open_ticks_ > 0 || op_->done()) return;
    if (canceled_) op_->complete(OTTO_ECANCELED, "the polling was canceled");
    else op_->complete_ok({});
}

}  // namespace otto::fleet
