#include "session/line_buffer.hpp"

#include <gtest/gtest.h>

namespace otto {
namespace {

TEST(LineBuffer, ConsumesFromTheFrontAndCompacts) {
    LineBuffer b;
    std::string chunk(100 * 1024, 'a');
    b.append(chunk.data(), chunk.size());
    b.append("tail", 4);
    b.consume(chunk.size());
    EXPECT_EQ(b.view(), "tail");
    b.consume(100);
    EXPECT_TRUE(b.empty());
}

TEST(LineBuffer, EraseRemovesAMiddleRange) {
    LineBuffer b;
    b.append("keep\nDROP\nkeep2", 15);
    b.consume(0);
    b.erase(5, 5);
    EXPECT_EQ(b.view(), "keep\nkeep2");
}

}  // namespace
}  // namespace otto
