// The line splitter behind one-shots' streaming events: whole lines as they
// come, split lines joined, '\r' removed, the last partial line at flush().
#include "util/line_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace otto {
namespace {

struct Collected {
    LineSplitter splitter;
    std::vector<std::string> lines;

    void feed(std::string_view data) {
        splitter.feed(data, [this](std::string_view line) { lines.emplace_back(line); });
    }
    void flush() {
        splitter.flush([this](std::string_view line) { lines.emplace_back(line); });
    }
};

TEST(LineSplitter, WholeLinesComeOutInOrder) {
    Collected c;
    c.feed("one\ntwo\n\nfour\n");
    EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two", "", "four"}));
    c.flush();
    EXPECT_EQ(c.lines.size(), 4u);
}

TEST(LineSplitter, ALineSplitAcrossReadsComesOutWhole) {
    Collected c;
    c.feed("he");
    c.feed("ll");
    EXPECT_TRUE(c.lines.empty());
    c.feed("o\nwor");
    c.feed("ld\n");
    EXPECT_EQ(c.lines, (std::vector<std::string>{"hello", "world"}));
}

TEST(LineSplitter, CarriageReturnsAreRemovedWhereverTheyAre) {
    Collected c;
    c.feed("a\r\nb\rc\r\n\r");
    c.feed("\nd\r");
    c.flush();
    EXPECT_EQ(c.lines, (std::vector<std::string>{"a", "bc", "", "d"}));
}

TEST(LineSplitter, TheLastPartialLineComesOutAtFlushOnce) {
    Collected c;
    c.feed("x\ntail");
    c.flush();
    c.flush();
    EXPECT_EQ(c.lines, (std::vector<std::string>{"x", "tail"}));
}

TEST(LineSplitter, ManyLinesInOneReadAreAllDelivered) {
    Collected c;
    std::string data;
    for (int i = 0; i < 1000; ++i) data += std::to_string(i) + "\n";
    c.feed(data);
    ASSERT_EQ(c.lines.size(), 1000u);
    EXPECT_EQ(c.lines.front(), "0");
    EXPECT_EQ(c.lines.back(), "999");
}

TEST(LineSplitter, ALineLongerThanThePieceSizeComesOutInPiecesOfThatSize) {
    Collected c;
    c.splitter.set_piece_size(4);
    c.feed("ab");
    c.feed("cdefghij");  // no newline yet: held no longer than a piece
    EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "efgh"}));
    c.feed("k\nnext\n");
    EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "efgh", "ijk", "next"}));
}

TEST(LineSplitter, ALineOfExactlyThePieceSizeStaysWhole) {
    Collected c;
    c.splitter.set_piece_size(4);
    c.feed("abcd\nwxyz");
    c.feed("\n");
    EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "wxyz"}));
}

TEST(LineSplitter, APieceCutBeforeItsCarriageReturnsAddsNoEmptyLine) {
    // A progress bar redrawn with '\r' and never a '\n'.
    Collected c;
    c.splitter.set_piece_size(3);
    c.feed("12\r34\r\r");
    c.feed("\r\n");
    c.flush();
    EXPECT_EQ(c.lines, (std::vector<std::string>{"12", "34"}));
}

}  // namespace
}  // namespace otto
