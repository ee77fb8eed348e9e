// SlotGate: at most N holders, the rest served in order, abandoned turns
// passed on (the context's limit on SSH handshakes at once).
#include "loop/slot_gate.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace otto {
namespace {

using Slot = std::unique_ptr<SlotGate::Slot>;

TEST(SlotGate, GrantsUpToTheLimitAtOnceAndTheRestInOrder) {
    auto gate = std::make_shared<SlotGate>(2);
    std::vector<int> order;
    std::vector<Slot> held(5);
    for (int i = 0; i < 5; ++i) {
        gate->acquire([&, i](Slot slot) {
            order.push_back(i);
            held[i] = std::move(slot);
        });
    }
    EXPECT_EQ(order, (std::vector<int>{0, 1}));
    EXPECT_EQ(gate->held(), 2u);
    EXPECT_EQ(gate->waiting(), 3u);
    held[1].reset();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
    held[0].reset();
    held[2].reset();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(gate->held(), 2u);
    held[3].reset();
    held[4].reset();
    EXPECT_EQ(gate->held(), 0u);
    EXPECT_EQ(gate->waiting(), 0u);
}

TEST(SlotGate, ATurnDroppedAtOnceGoesToTheNextWaiter) {
    auto gate = std::make_shared<SlotGate>(1);
    Slot first;
    gate->acquire([&](Slot slot) { first = std::move(slot); });
    int dropped = 0;
    for (int i = 0; i < 3; ++i) gate->acquire([&](Slot) { ++dropped; });  // gave up while waiting
    Slot last;
    gate->acquire([&](Slot slot) { last = std::move(slot); });
    first.reset();
    EXPECT_EQ(dropped, 3);
    EXPECT_NE(last, nullptr);
    EXPECT_EQ(gate->held(), 1u);
    EXPECT_EQ(gate->waiting(), 0u);
}

TEST(SlotGate, ZeroMeansNoLimit) {
    auto gate = std::make_shared<SlotGate>(0);
    std::vector<Slot> held;
    for (int i = 0; i < 1000; ++i) gate->acquire([&](Slot slot) { held.push_back(std::move(slot)); });
    EXPECT_EQ(held.size(), 1000u);
    EXPECT_EQ(gate->waiting(), 0u);
}

TEST(SlotGate, ASlotOutlivingItsGateReleasesNothing) {
    Slot slot;
    {
        auto gate = std::make_shared<SlotGate>(1);
        gate->acquire([&](Slot s) { slot = std::move(s); });
    }
    slot.reset();  // must not touch the freed gate
    SUCCEED();
}

}  // namespace
}  // namespace otto
