// A multi-host collector (reference 001, monitor): every tick starts the run
// on each host of the selection at the same instant, except a host still busy
// with an earlier tick, which is skipped for this one. A tick's result (host
// id -> op, as a fan-out's) goes to the caller once its runs have finished; a
// slow host delays neither the fast hosts' next ticks nor their results of
// later ticks. Loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fleet/fanout.hpp"
#include "fleet/schedule.hpp"
#include "loop/timer.hpp"

namespace otto::fleet {

class Poller : public std::enable_shared_from_this<Poller> {
public:
    using StartRun = std::function<std::shared_ptr<Operation>(const std::shared_ptr<otto_host> &host)>;
    // A skipped host's entry for a tick.
    using SkippedRun = std::function<std::shared_ptr<Operation>(const FanoutTarget &target, uint64_t busy_since)>;
    using TickDone = std::function<void(std::shared_ptr<const otto_fanout_result> tick, uint64_t index)>;

    Poller(std::shared_ptr<Operation> op, std::string lab, std::vector<FanoutTarget> targets, ScheduleLimits limits,
           StartRun start_run, SkippedRun skipped_run, TickDone tick_done);

    void start();

private:
    struct Tick {
        uint64_t index = 0;
        std::shared_ptr<otto_fanout_result> result;
        size_t pending = 0;
    };

    void tick();
    void run_finished(size_t host, const std::shared_ptr<Tick> &tick);
    void tick_finished(const std::shared_ptr<Tick> &tick);
    void cancel();
    void finish_if_done();

    const std::shared_ptr<Operation> op_;
    const std::string lab_;
    const std::vector<FanoutTarget> targets_;
    Schedule schedule_;
    Timer timer_;
    const StartRun start_run_;
    const SkippedRun skipped_run_;
    const TickDone tick_done_;
    uint64_t next_index_ = 0;
    std::vector<std::shared_ptr<Operation>> busy_;  // per host: its running op
    std::vector<uint64_t> busy_since_;              // per host: the tick it runs for
    size_t open_ticks_ = 0;
    bool ticking_ = true;  // more ticks may come
    bool canceled_ = false;
};

}  // namespace otto::fleet
