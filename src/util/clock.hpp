// Monotonic time in seconds, the unit of every duration inside otto.
#pragma once

#include <chrono>
#include <cmath>
#include <string>

namespace otto {

using Clock = std::chrono::steady_clock;

inline double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

inline double seconds_since(Clock::time_point from) { return seconds_between(from, Clock::now()); }

// Seconds as people write them: "0.2", "30", "1.5".
std::string format_seconds(double seconds);

// A finite or infinite positive duration (NaN, zero and negatives are not).
inline bool is_valid_timeout(double seconds) { return !std::isnan(seconds) && seconds > 0; }

}  // namespace otto
