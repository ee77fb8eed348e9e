#include "fleet/schedule.hpp"

namespace otto::fleet {

Schedule::Schedule(ScheduleLimits limits, Clock::time_point start) : limits_(limits), start_(start), anchor_(start) {}

bool Schedule::allows(uint64_t index) const {
    if (limits_.count != 0 && index >= limits_.count) return false;
    if (limits_.duration > 0 && index > 0) {
        // The tick's planned time, not the time it would actually start.
        double planned =
            seconds_between(start_, anchor_) + static_cast<double>(index - anchor_index_) * limits_.interval;
        if (planned >= limits_.duration) return false;
    }
    return true;
}

double Schedule::wait_for(uint64_t index, Clock::time_point now) {
    double due = static_cast<double>(index - anchor_index_) * limits_.interval;
    double elapsed = seconds_between(anchor_, now);
    if (elapsed >= due) {
        anchor_ = now;
        anchor_index_ = index;
        return 0.0;
    }
    return due - elapsed;
}

}  // namespace otto::fleet
