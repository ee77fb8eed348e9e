// SESSION-PROTOCOL §5 and §6 on arbitrary splits of the byte stream.
#include "session/command_reader.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace otto {
namespace {

const Token kToken("0123456789ab");
const std::string T = kToken.text();
// This frame's markers, and those of the frame before it.
const FrameMarkers kMarkers(kToken, "b0b0b0b0b0b0", "e0e0e0e0e0e0");
const FrameMarkers kEarlier(kToken, "b1b1b1b1b1b1", "e1e1e1e1e1e1");
const std::string BEGIN = kMarkers.begin();
std::string end_marker(int code, const FrameMarkers &markers = kMarkers) {
    return T + markers.end_kind() + std::to_string(code) + "__";
}
const std::string kRecoverKind = "RECOVER_c0c0c0c0c0c0__";

struct Collector final : CommandReader::Sink {
    std::vector<std::string> lines;
    std::vector<std::string> responses;
    void on_output_line(std::string_view line) override { lines.emplace_back(line); }
    void on_expect_matched(const Expect &e) override { responses.push_back(e.response); }
};

struct Outcome {
    bool done = false;
    int code = -1;
    bool rejected = false;
    std::string output;
    std::vector<std::string> lines;
    std::vector<std::string> responses;
    std::string left;  // bytes left in the buffer
};

enum class Split { Whole, Bytes, Random };

Outcome read(const std::string &stream, Split split, const std::vector<Expect> *expects = nullptr,
             uint64_t retain = CommandReader::kDefaultRetainLimit, unsigned seed = 1) {
    CommandReader reader(kToken, kMarkers, expects, retain);
    LineBuffer buffer;
    Collector sink;
    Outcome out;
    std::mt19937 rng(seed);
    size_t pos = 0;
    while (pos < stream.size() && !out.done) {
        size_t n = stream.size() - pos;
        if (split == Split::Bytes) n = 1;
        if (split == Split::Random) n = std::min(n, size_t{1} + rng() % 7);
        buffer.append(stream.data() + pos, n);
        pos += n;
        out.done = reader.feed(buffer, sink);
    }
    out.code = reader.exit_code();
    out.rejected = reader.rejected();
    out.output = reader.output();
    out.lines = sink.lines;
    out.responses = sink.responses;
    out.left = std::string(buffer.view()) + stream.substr(pos);
    return out;
}

std::string join(const std::vector<std::string> &lines) {
    std::string s;
    for (size_t i = 0; i < lines.size(); ++i) s += (i ? "\n" : "") + lines[i];
    return s;
}

class EverySplit : public ::testing::TestWithParam<Split> {};

TEST_P(EverySplit, OutputBetweenBeginAndEndWithPromptsAndCarriageReturns) {
    std::string stream = "> > > " + BEGIN + "\r\nhello\r\nworld\r\n" + end_marker(0) + "\r\nbash-5.2$ ";
    Outcome o = read(stream, GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.code, 0);
    EXPECT_FALSE(o.rejected);
    EXPECT_EQ(o.output, "hello\nworld");
    EXPECT_EQ(join(o.lines), o.output);
    EXPECT_EQ(o.left, "\r\nbash-5.2$ ");  // bytes after END stay buffered
}

TEST_P(EverySplit, NoTrailingNewlinePutsEndOnTheLastLine) {
    Outcome o = read(BEGIN + "\na\nb\nc" + end_marker(0) + "\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, "a\nb\nc");
    EXPECT_EQ(o.lines, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_P(EverySplit, EmptyLinesAreHeldBackAndEdgesDropped) {
    Outcome o = read(BEGIN + "\n\n\nx\n\n\ny\n\n\n" + end_marker(3) + "\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.code, 3);
    EXPECT_EQ(o.output, "x\n\n\ny");
    EXPECT_EQ(o.lines, (std::vector<std::string>{"x", "", "", "y"}));
    EXPECT_EQ(join(o.lines), o.output);
}

TEST_P(EverySplit, LinesWithTheTokenNeverShow) {
    std::string stray = T + "READY__";
    Outcome o = read(BEGIN + "\nkeep\n" + stray + "\nnoise " + T + " here\nalso\n" + end_marker(0) + "\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, "keep\nalso");
    for (auto &l : o.lines) EXPECT_EQ(l.find(T), std::string::npos);
}

TEST_P(EverySplit, AnotherSessionsMarkersAreOrdinaryOutput) {
    std::string other = "__OTTO_ffffffffffff_END__0__";
    Outcome o = read(BEGIN + "\n" + other + "\n" + end_marker(0) + "\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, other);
}

TEST_P(EverySplit, EchoedFrameBeforeBeginIsDiscarded) {
    std::string echoed = "{ echo \"" + T + "\"\"" + kMarkers.begin_kind() + "\"\r\nls\r\necho \"" + T + "\"\"" +
                         kMarkers.end_kind() + "$?__\"\r\n}\r\n";
    Outcome o = read(echoed + BEGIN + "\r\nfile\r\n" + end_marker(0) + "\r\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, "file");
}

TEST_P(EverySplit, EndWithoutBeginIsARejectedFrame) {
    std::string stream = "> bash: syntax error near unexpected token `fi'\r\nbash-5.2# " + end_marker(2) +
                         "\r\nbash-5.2# bash: syntax error near unexpected token `}'\r\n";
    Outcome o = read(stream, GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_TRUE(o.rejected);
    EXPECT_EQ(o.code, 2);
    EXPECT_EQ(o.output, "> bash: syntax error near unexpected token `fi'");
    EXPECT_TRUE(o.lines.empty());  // lines before BEGIN are never streamed
}

TEST_P(EverySplit, WhatAnEarlierFrameLeftIsPassedOverUntilThisFramesBegin) {
    // The command before printed a forged END (its own nonce, code 0), then
    // more output and its real END, after its result was taken: none of it
    // is this command's.
    std::string leftovers = end_marker(0, kEarlier) + "\r\nleaked\r\n" + T + "BEGIN_b1b1b1b1b1b1__\r\n" +
                            end_marker(0, kEarlier) + "\r\n" + end_marker(3, kEarlier) + "\r\n";
    Outcome o = read(leftovers + BEGIN + "\r\nnext\r\n" + end_marker(5) + "\r\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_FALSE(o.rejected);
    EXPECT_EQ(o.code, 5);
    EXPECT_EQ(o.output, "next");
    EXPECT_EQ(o.lines, std::vector<std::string>{"next"});
}

TEST_P(EverySplit, AnotherFramesEndInsideTheOutputEndsNothing) {
    Outcome o = read(BEGIN + "\nbefore\n" + end_marker(0, kEarlier) + "\nafter\n" + end_marker(4) + "\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.code, 4);
    EXPECT_EQ(o.output, "before\nafter");
}

TEST_P(EverySplit, ARejectedFramesMessageLeavesOutWhatCameBeforeAnEarlierEnd) {
    std::string stream = "leaked\r\n" + end_marker(3, kEarlier) +
                         "\r\nbash: syntax error near unexpected token `fi'\r\n" + end_marker(2) + "\r\n";
    Outcome o = read(stream, GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_TRUE(o.rejected);
    EXPECT_EQ(o.code, 2);
    EXPECT_EQ(o.output, "bash: syntax error near unexpected token `fi'");
}

TEST_P(EverySplit, BinaryAndAnsiBytesPassThrough) {
    std::string payload = std::string("\xff\xfe\x01", 3) + "\x1b[31mred\x1b[0m";
    Outcome o = read(BEGIN + "\n" + payload + "\n" + end_marker(0) + "\n", GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, payload);
}

TEST_P(EverySplit, ExpectFiresOnThePartialLineAndMatchedTextStays) {
    std::vector<Expect> expects{{Pattern::compile("Password:", 0), "s3cret\n", 0}};
    Outcome o = read(BEGIN + "\nPassword:got=s3cret\n" + end_marker(0) + "\n", GetParam(), &expects);
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.responses, std::vector<std::string>{"s3cret\n"});
    EXPECT_EQ(o.output, "Password:got=s3cret");
}

TEST_P(EverySplit, ExpectsAreArmedOnlyAfterBegin) {
    std::vector<Expect> expects{{Pattern::compile("again", 0), "y\n", 0}};
    Outcome o =
        read("again\n" + BEGIN + "\nagain and again\nagain\n" + end_marker(0) + "\nagain", GetParam(), &expects);
    ASSERT_TRUE(o.done);
    // Twice on the first output line (never the same bytes twice), once on
    // the second; never before BEGIN, never after END.
    EXPECT_EQ(o.responses.size(), 3u);
}

TEST_P(EverySplit, ExpectsNeverMatchAcrossLines) {
    std::vector<Expect> expects{{Pattern::compile("a\\nb", 0), "x", 0}, {Pattern::compile("a.b", 0), "y", 0}};
    Outcome o = read(BEGIN + "\na\nb\n" + end_marker(0) + "\n", GetParam(), &expects);
    ASSERT_TRUE(o.done);
    EXPECT_TRUE(o.responses.empty());
}

TEST_P(EverySplit, ExpectsNeverSeeTheStartOfAMarkerThatAReadCutShort) {
    // Output without a final newline puts END right after it on the line; a
    // read that ends inside the token must not show its first bytes
    // ("__OTTO_0123") to the expects as if they were output.
    std::vector<Expect> expects{{Pattern::compile("[0-9]", 0), "digit\n", 0},
                                {Pattern::compile("OTTO", 0), "o\n", 0},
                                {Pattern::compile("g_", 0), "g\n", 0}};
    Outcome o = read(BEGIN + "\nwaiting" + end_marker(0) + "\n", GetParam(), &expects);
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, "waiting");
    EXPECT_TRUE(o.responses.empty());
}

TEST_P(EverySplit, OutputThatOnlyLooksLikeAMarkersStartStillFiresOnceMoreArrives) {
    std::vector<Expect> expects{{Pattern::compile("code_", 0), "r\n", 0}, {Pattern::compile("__O", 0), "s\n", 0}};
    Outcome o = read(BEGIN + "\nEnter code_\n__Ok\n" + end_marker(0) + "\n", GetParam(), &expects);
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.responses, (std::vector<std::string>{"r\n", "s\n"}));
}

TEST_P(EverySplit, ARejectedFramesMessageStaysBoundedHoweverManyLinesItHas) {
    // Empty lines hold no text, yet each is a line end of the message: they
    // count against its bound too.
    std::string stream = "x\n" + std::string(100'000, '\n') + "bash: syntax error\n" + end_marker(2) + "\n";
    Outcome o = read(stream, GetParam());
    ASSERT_TRUE(o.done);
    EXPECT_TRUE(o.rejected);
    EXPECT_LE(o.output.size(), CommandReader::kRejectedMessageKeep);
    EXPECT_EQ(o.output.rfind("x", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Splits, EverySplit, ::testing::Values(Split::Whole, Split::Bytes, Split::Random));

TEST(CommandReader, EarliestMatchWinsTiesGoToListOrder) {
    std::vector<Expect> expects{{Pattern::compile("world", 0), "second", 0},
                                {Pattern::compile("hello", 0), "first", 0},
                                {Pattern::compile("hel+o", 0), "tie", 0}};
    Outcome o = read(BEGIN + "\nhello world\n" + end_marker(0) + "\n", Split::Whole, &expects);
    EXPECT_EQ(o.responses, (std::vector<std::string>{"first", "second"}));
}

TEST(CommandReader, RandomSplitsAgree) {
    std::string stream = "> " + BEGIN + "\r\n";
    for (int i = 0; i < 300; ++i) stream += "line " + std::to_string(i) + (i % 17 == 0 ? "\r\n\r\n" : "\r\n");
    stream += "tail" + end_marker(7) + "\r\n$ ";
    Outcome whole = read(stream, Split::Whole);
    for (unsigned seed = 1; seed < 20; ++seed) {
        Outcome o = read(stream, Split::Random, nullptr, CommandReader::kDefaultRetainLimit, seed);
        EXPECT_EQ(o.output, whole.output);
        EXPECT_EQ(o.lines, whole.lines);
        EXPECT_EQ(o.code, 7);
    }
    EXPECT_EQ(join(whole.lines), whole.output);
}

TEST(CommandReader, RetentionLimitKeepsTheHeadWhileStreamingEverything) {
    std::string stream = BEGIN + "\n";
    for (int i = 0; i < 100; ++i) stream += "0123456789\n";
    stream += end_marker(0) + "\n";
    Outcome o = read(stream, Split::Random, nullptr, 55);
    EXPECT_EQ(o.lines.size(), 100u);
    EXPECT_EQ(o.output.rfind("0123456789\n0123456789\n0123456789\n0123456789\n0123456789\n[otto: output truncated", 0),
              0u)
        << o.output;
    Outcome none = read(stream, Split::Whole, nullptr, 0);
    EXPECT_EQ(none.lines.size(), 100u);
    EXPECT_EQ(none.output.find("[otto: output truncated: kept 0 bytes"), 0u) << none.output;
}

TEST(CommandReader, RecoveryDrainKeepsOutputAndDropsTheDyingEndLine) {
    CommandReader reader(kToken, kMarkers, nullptr, CommandReader::kDefaultRetainLimit);
    LineBuffer buffer;
    Collector sink;
    std::string before = BEGIN + "\r\npartial\r\nfoo";
    buffer.append(before.data(), before.size());
    EXPECT_FALSE(reader.feed(buffer, sink));
    std::string after = end_marker(130) + "\r\nbash$ " + T + kRecoverKind + "130__\r\nbash$ ";
    buffer.append(after.data(), after.size());
    auto code = reader.feed_until_recovered(buffer, kRecoverKind);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 130);
    EXPECT_EQ(reader.output(), "partial\nfoo");
}

TEST(CommandReader, OnlyTheProbesOwnRecoverReplyEndsTheDrain) {
    CommandReader reader(kToken, kMarkers, nullptr, CommandReader::kDefaultRetainLimit);
    LineBuffer buffer;
    // What the timed-out command could print: the old reply, another
    // probe's reply. Neither proves the shell runs commands.
    std::string forged = BEGIN + "\r\nout\r\n" + T + "RECOVER__0__\r\n" + T + "RECOVER_c1c1c1c1c1c1__0__\r\n";
    buffer.append(forged.data(), forged.size());
    EXPECT_FALSE(reader.feed_until_recovered(buffer, kRecoverKind));
    std::string reply = T + kRecoverKind + "130__\r\n";
    buffer.append(reply.data(), reply.size());
    EXPECT_EQ(reader.feed_until_recovered(buffer, kRecoverKind), 130);
    EXPECT_EQ(reader.output(), "out");
}

TEST(CommandReader, CarriageReturnsInsideALineAreDroppedWhereverTheyAre) {
    Outcome o = read(BEGIN + "\r\n\ra\r\rb\rc\r\r\n\r\r\nd\r\n" + end_marker(0) + "\r\n", Split::Random);
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.output, "abc\n\nd");
    EXPECT_EQ(join(o.lines), o.output);
}

// The output's size guess (util/output_guess.hpp) changes where the bytes
// live, never what they are.
std::string output_with_guess(const std::string &stream, size_t guess, uint64_t retain, size_t *capacity) {
    CommandReader reader(kToken, kMarkers, nullptr, retain);
    reader.expect_output_size(guess);
    LineBuffer buffer;
    Collector sink;
    buffer.append(stream.data(), stream.size());
    EXPECT_TRUE(reader.feed(buffer, sink));
    std::string out = reader.take_output();
    *capacity = out.capacity();
    return out;
}

TEST(CommandReader, AnOutputSizeGuessChangesNothingButTheRoomTaken) {
    std::string big = BEGIN + "\n";
    for (int i = 0; i < 10000; ++i) big += "line " + std::to_string(i) + "\n";
    big += end_marker(0) + "\n";
    Outcome plain = read(big, Split::Whole);
    size_t capacity = 0;
    for (size_t guess : {size_t{0}, size_t{10}, plain.output.size(), size_t{1} << 20})
        EXPECT_EQ(output_with_guess(big, guess, CommandReader::kDefaultRetainLimit, &capacity), plain.output) << guess;

    // A guess far too big: the output handed out keeps only what it needs.
    std::string small = BEGIN + "\nhi\n" + end_marker(0) + "\n";
    EXPECT_EQ(output_with_guess(small, 64u << 20, CommandReader::kDefaultRetainLimit, &capacity), "hi");
    EXPECT_LT(capacity, 4096u);

    // A guess beyond the retention limit: the limit still holds.
    std::string kept = output_with_guess(big, 64u << 20, 100, &capacity);
    EXPECT_EQ(kept.rfind(plain.output.substr(0, 20), 0), 0u);
    EXPECT_NE(kept.find("[otto: output truncated"), std::string::npos);
}

TEST(CommandReader, LinearInOutputSize) {
    // A long line without newline with an expect armed: each feed scans only
    // the new bytes plus a bounded window, so this finishes quickly even with
    // a pattern that never matches.
    std::vector<Expect> expects{{Pattern::compile("never(?=matches)", 0), "x", 0}};
    CommandReader reader(kToken, kMarkers, &expects, CommandReader::kDefaultRetainLimit);
    LineBuffer buffer;
    Collector sink;
    std::string begin = BEGIN + "\n";
    buffer.append(begin.data(), begin.size());
    std::string chunk(4096, 'x');
    for (int i = 0; i < 4096; ++i) {  // 16 MiB on one line
        buffer.append(chunk.data(), chunk.size());
        ASSERT_FALSE(reader.feed(buffer, sink));
    }
    std::string end = "\n" + end_marker(0) + "\n";
    buffer.append(end.data(), end.size());
    EXPECT_TRUE(reader.feed(buffer, sink));
    EXPECT_EQ(reader.output().size(), 16u << 20);
}

// Output without a newline (`head -c 100M /dev/zero`, a progress bar that
// redraws with '\r') is held only up to the piece size: the head goes on in
// pieces and END is still found on the same line (§5.3).
TEST(CommandReader, ALineWithoutNewlineIsHeldOnlyUpToThePieceSize) {
    constexpr uint64_t kLimit = 100 * 1024;
    CommandReader reader(kToken, kMarkers, nullptr, kLimit);
    LineBuffer buffer;
    Collector sink;
    std::string line;
    for (int i = 0; line.size() < 1'000'000; ++i) line += "progress " + std::to_string(i) + "%\r";
    std::string stream = BEGIN + "\n" + line + end_marker(3) + "\nprompt$ ";
    size_t largest = 0;
    bool done = false;
    for (size_t pos = 0; pos < stream.size() && !done; pos += 4096) {
        buffer.append(stream.data() + pos, std::min<size_t>(4096, stream.size() - pos));
        largest = std::max(largest, buffer.size());
        done = reader.feed(buffer, sink);
    }
    ASSERT_TRUE(done);
    EXPECT_EQ(reader.exit_code(), 3);
    EXPECT_LE(largest, kLimit + 16 * 1024);
    std::string joined;
    for (auto &piece : sink.lines) joined += piece;
    std::string clean;
    for (char c : line)
        if (c != '\r') clean += c;
    EXPECT_GT(sink.lines.size(), 1u);
    EXPECT_EQ(joined, clean);
    // Over the limit: the line's head is kept, the rest counted.
    std::string out = reader.output();
    size_t kept = out.rfind("\n[otto: output truncated: kept ");
    ASSERT_NE(kept, std::string::npos);
    EXPECT_LE(kept, kLimit);
    EXPECT_EQ(out.substr(0, kept), clean.substr(0, kept));
    EXPECT_EQ(out.substr(kept), "\n[otto: output truncated: kept " + std::to_string(kept) + " bytes, " +
                                    std::to_string(clean.size() - kept) + " more were streamed but not kept]");
}

TEST(CommandReader, ALineCutInPiecesStreamsWholeAndTheNextLineStandsAlone) {
    // Limit 0 still holds a line up to the smallest piece size: longer, it
    // goes in pieces, and the next line starts a line of its own.
    for (Split split : {Split::Whole, Split::Random}) {
        std::string line(300'000, 'z');
        auto out = read(BEGIN + "\n" + line + "\nafter\n" + end_marker(0) + "\n", split, nullptr, 0);
        ASSERT_TRUE(out.done);
        std::string joined;
        for (size_t i = 0; i + 1 < out.lines.size(); ++i) joined += out.lines[i];
        EXPECT_EQ(joined, line);
        EXPECT_EQ(out.lines.back(), "after");
        EXPECT_EQ(out.output, "[otto: output truncated: kept 0 bytes, 300006 more were streamed but not kept]");
    }
    // Under the limit a line is never cut: the piece size is at least it.
    std::string line(200'000, 'q');
    auto out = read(BEGIN + "\n" + line + "\nafter\n" + end_marker(0) + "\n", Split::Whole, nullptr, 1 << 20);
    EXPECT_EQ(out.output, line + "\nafter");
}

}  // namespace
}  // namespace otto
