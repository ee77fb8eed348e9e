// When the ticks of a periodic task are due (reference 001): tick k at
// anchor + k * interval, so waiting never adds up to drift; a tick that
// starts late moves the anchor to itself, so the period is max(interval,
// the time a tick takes) and late ticks never run in a burst to catch up.
// No tick starts after the count or the duration is reached.
#pragma once

#include <cstdint>

#include "util/clock.hpp"

namespace otto::fleet {

struct ScheduleLimits {
    double interval = 1.0;
    uint64_t count = 0;     // 0: no limit
    double duration = 0.0;  // seconds from the first tick; 0: no limit
};

class Schedule {
public:
    Schedule(ScheduleLimits limits, Clock::time_point start);

    // Whether tick `index` may start at all.
    bool allows(uint64_t index) const;
    // Seconds from `now` until tick `index` is due, after re-anchoring when
    // it is already late (then 0).
    double wait_for(uint64_t index, Clock::time_point now);

private:
    const ScheduleLimits limits_;
    const Clock::time_point start_;
    Clock::time_point anchor_;
    uint64_t anchor_index_ = 0;
};

}  // namespace otto::fleet
