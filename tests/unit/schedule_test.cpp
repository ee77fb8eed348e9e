// The periodic-task schedule on a clock the test moves by hand.
#include "fleet/schedule.hpp"

#include <gtest/gtest.h>

namespace otto::fleet {
namespace {

Clock::time_point at(Clock::time_point t0, double seconds) {
    return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

TEST(Schedule, TicksAreDueOnAGridFromTheStartSoWaitsNeverAddUp) {
    auto t0 = Clock::now();
    Schedule s({.interval = 1.0, .count = 0, .duration = 0}, t0);
    EXPECT_DOUBLE_EQ(s.wait_for(0, t0), 0.0);
    // Each tick is computed from the grid, whatever time the last one took.
    EXPECT_NEAR(s.wait_for(1, at(t0, 0.3)), 0.7, 1e-6);
    EXPECT_NEAR(s.wait_for(2, at(t0, 1.05)), 0.95, 1e-6);  // tick 1 fired 50 ms late: tick 2 stays at 2.0
    EXPECT_NEAR(s.wait_for(100, at(t0, 99.9)), 0.1, 1e-6);
}

TEST(Schedule, ALateTickStartsAtOnceAndTheGridMovesToIt) {
    auto t0 = Clock::now();
    Schedule s({.interval = 1.0, .count = 0, .duration = 0}, t0);
    // Tick 0's run took 2.5 s: tick 1 (due at 1.0) starts at once ...
    EXPECT_DOUBLE_EQ(s.wait_for(1, at(t0, 2.5)), 0.0);
    // ... and the period is the run's time, not a burst of missed ticks.
    EXPECT_NEAR(s.wait_for(2, at(t0, 2.6)), 0.9, 1e-6);
    EXPECT_NEAR(s.wait_for(3, at(t0, 3.7)), 0.8, 1e-6);
}

TEST(Schedule, CountAndDurationEndTheTicks) {
    auto t0 = Clock::now();
    Schedule counted({.interval = 0.5, .count = 3, .duration = 0}, t0);
    EXPECT_TRUE(counted.allows(0));
    EXPECT_TRUE(counted.allows(2));
    EXPECT_FALSE(counted.allows(3));

    Schedule timed({.interval = 0.2, .count = 0, .duration = 0.5}, t0);
    EXPECT_TRUE(timed.allows(0));
    EXPECT_TRUE(timed.allows(2));   // due at 0.4
    EXPECT_FALSE(timed.allows(3));  // due at 0.6: past the duration
    Schedule unlimited({.interval = 0.2, .count = 0, .duration = 0}, t0);
    EXPECT_TRUE(unlimited.allows(1'000'000));
}

}  // namespace
}  // namespace otto::fleet
