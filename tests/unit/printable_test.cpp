// Bytes from a remote shell quoted for error messages.
#include "util/printable.hpp"

#include <gtest/gtest.h>

namespace otto {
namespace {

TEST(PrintableExcerpt, TrimsEscapesAndCutsBetweenEscapes) {
    EXPECT_EQ(printable_excerpt("  \r\n said \"no\"\r\n", 100), "said \\\"no\\\"");
    EXPECT_EQ(printable_excerpt("abcdef", 6), "abcdef");
    EXPECT_EQ(printable_excerpt("abcdefg", 6), "abc...");
    // Never half an escape: "\x01" stays whole or goes.
    EXPECT_EQ(printable_excerpt("ab\001cdefgh", 8), "ab...");
    EXPECT_EQ(printable_excerpt("ab\001cdefgh", 9), "ab\\x01...");
    EXPECT_EQ(printable_excerpt("", 10), "");
}

}  // namespace
}  // namespace otto
