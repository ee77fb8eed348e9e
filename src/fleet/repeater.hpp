// A periodic task on one host or session (reference 001, RepeatRunner):
// the same run again and again on the schedule's ticks, never two at once;
// each run's op goes to the caller's callback. Loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "fleet/schedule.hpp"
#include "loop/operation.hpp"
#include "loop/timer.hpp"

namespace otto::fleet {

class Repeater : public std::enable_shared_from_this<Repeater> {
public:
    // Starts one run and returns its op (already submitted).
    using StartRun = std::function<std::shared_ptr<Operation>(uint64_t index)>;
    // Called with each finished run, where callbacks run.
    using RunDone = std::function<void(const std::shared_ptr<Operation> &run, uint64_t index)>;

    Repeater(std::shared_ptr<Operation> op, ScheduleLimits limits, StartRun start_run, RunDone run_done);

    void start();

private:
    void tick();
    void run_finished();
    void cancel();

    const std::shared_ptr<Operation> op_;
    Schedule schedule_;
    Timer timer_;
    const StartRun start_run_;
    const RunDone run_done_;
    uint64_t index_ = 0;
    std::shared_ptr<Operation> running_;
    bool canceled_ = false;
};

}  // namespace otto::fleet
