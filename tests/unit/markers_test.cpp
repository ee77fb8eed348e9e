// SESSION-PROTOCOL §2 and §3.2: tokens, split rendering, marker recognition.
#include "session/markers.hpp"

#include <gtest/gtest.h>

#include <set>

namespace otto {
namespace {

TEST(Token, FreshIdsAreTwelveHexDigitsAndDiffer) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        Token t = Token::generate();
        ASSERT_EQ(t.text().size(), std::string("__OTTO_").size() + 12 + 1);
        std::string id = t.text().substr(7, 12);
        for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
        seen.insert(t.text());
    }
    EXPECT_EQ(seen.size(), 200u);
}

TEST(Token, SplitEchoNeverContainsTheJoinedMarker) {
    Token t("1f3a9c07b2de");
    FrameMarkers m(t, "0a0a0a0a0a0a", "0e0e0e0e0e0e");
    std::string echo = t.split_echo(m.begin_kind());
    EXPECT_EQ(echo, "echo \"__OTTO_1f3a9c07b2de_\"\"BEGIN_0a0a0a0a0a0a__\"");
    EXPECT_EQ(echo.find(m.begin()), std::string::npos);
    EXPECT_EQ(t.split_echo("END__$?__").find("END__$?__\""), std::string("echo \"__OTTO_1f3a9c07b2de_\"\"").size());
}

TEST(FrameMarkers, EveryFrameDrawsNoncesOfItsOwn) {
    Token t("1f3a9c07b2de");
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        FrameMarkers m = FrameMarkers::draw(t);
        ASSERT_EQ(m.begin(), t.text() + m.begin_kind());
        ASSERT_EQ(m.begin_kind().size(), std::string("BEGIN_").size() + 12 + 2);
        ASSERT_EQ(m.end_kind().size(), std::string("END_").size() + 12 + 2);
        std::string begin_nonce = m.begin_kind().substr(6, 12);
        std::string end_nonce = m.end_kind().substr(4, 12);
        for (char c : begin_nonce + end_nonce) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        // BEGIN's nonce never tells END's.
        EXPECT_NE(begin_nonce, end_nonce);
        seen.insert(begin_nonce);
        seen.insert(end_nonce);
    }
    EXPECT_EQ(seen.size(), 2000u);
    // As long as the placeholder that sizes frames for the line limits.
    FrameMarkers m = FrameMarkers::draw(t);
    EXPECT_EQ(m.begin_kind().size(), FrameMarkers::placeholder().begin_kind().size());
    EXPECT_EQ(m.end_kind().size(), FrameMarkers::placeholder().end_kind().size());
}

TEST(FrameMarkers, EveryRecoveryDrawsAKindOfItsOwn) {
    std::string a = draw_recover_kind(), b = draw_recover_kind();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind("RECOVER_", 0), 0u);
    EXPECT_EQ(a.size(), std::string("RECOVER_").size() + 12 + 2);
    EXPECT_EQ(a.substr(a.size() - 2), "__");
}

TEST(NumberedMarker, FindsDigitsAnywhereInALine) {
    Token t("abcabcabcabc");
    auto m = find_numbered_marker("c__OTTO_abcabcabcabc_END_0e0e0e0e0e0e__0__", t, "END_0e0e0e0e0e0e__");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->begin, 1u);
    EXPECT_EQ(m->code, 0);
    m = find_numbered_marker("xx__OTTO_abcabcabcabc_RECOVER_0c0c0c0c0c0c__130__yy", t, "RECOVER_0c0c0c0c0c0c__");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->code, 130);
    EXPECT_EQ(m->end, std::string("xx__OTTO_abcabcabcabc_RECOVER_0c0c0c0c0c0c__130__").size());
}

TEST(NumberedMarker, AnotherFramesNonceNeverMatches) {
    Token t("abcabcabcabc");
    const std::string kind = "END_0e0e0e0e0e0e__";
    EXPECT_FALSE(find_numbered_marker("__OTTO_abcabcabcabc_END_1e1e1e1e1e1e__0__", t, kind));
    EXPECT_FALSE(find_numbered_marker("__OTTO_abcabcabcabc_END__0__", t, kind));
    // The next match in the line still counts.
    auto m =
        find_numbered_marker("__OTTO_abcabcabcabc_END_1e1e1e1e1e1e__0__ __OTTO_abcabcabcabc_" + kind + "7__", t, kind);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->code, 7);
}

TEST(NumberedMarker, AnEchoOfTheTypedLineNeverMatches) {
    Token t("abcabcabcabc");
    // What a terminal echo or a REPL shows: the split quotes and a literal $?.
    EXPECT_FALSE(find_numbered_marker("echo \"__OTTO_abcabcabcabc_\"\"END__$?__\"", t, "END__"));
    EXPECT_FALSE(find_numbered_marker("__OTTO_abcabcabcabc_END__$?__", t, "END__"));
    EXPECT_FALSE(find_numbered_marker("__OTTO_abcabcabcabc_END__12", t, "END__"));  // incomplete
    EXPECT_FALSE(find_numbered_marker("__OTTO_abcabcabcabc_END__0__", t, "RECOVER__"));
    // Another session's token never matches.
    EXPECT_FALSE(find_numbered_marker("__OTTO_000000000000_END__0__", t, "END__"));
}

TEST(LineStart, ReadyCountsOnlyAtTheStartOfALineAfterCsi) {
    Token t("abcabcabcabc");
    std::string ready = t.ready();
    EXPECT_TRUE(at_line_start(ready, 0));
    std::string s = "foo\n" + ready;
    EXPECT_TRUE(at_line_start(s, 4));
    s = "\x1b[?2004l\r" + ready;
    EXPECT_TRUE(at_line_start(s, s.size() - ready.size()));
    s = "\n\x1b[31m\x1b[0m" + ready;
    EXPECT_TRUE(at_line_start(s, s.size() - ready.size()));
    s = "login: " + ready;
    EXPECT_FALSE(at_line_start(s, 7));
    s = "$ " + ready;
    EXPECT_FALSE(at_line_start(s, 2));
}

TEST(TokenStartAtEnd, CountsTheBytesThatMayStartTheTokenStillArriving) {
    Token t("abcabcabcabc");
    EXPECT_EQ(token_start_at_end("prompt> ", t), 0u);
    EXPECT_EQ(token_start_at_end("waiting_", t), 1u);
    EXPECT_EQ(token_start_at_end("waiting__OTT", t), 5u);
    EXPECT_EQ(token_start_at_end("__OTTO_abcabc", t), 13u);
    EXPECT_EQ(token_start_at_end("__OTTO_abcabd", t), 0u);
    EXPECT_EQ(token_start_at_end("", t), 0u);
    // The whole token is a marker found as such, not a start.
    EXPECT_EQ(token_start_at_end(t.text(), t), 1u);
}

TEST(MarkerOnlyLine, RecognisesBareMarkersOfAnyNonceOnly) {
    Token t("abcabcabcabc");
    EXPECT_TRUE(is_marker_only_line(t.ready() + "\r", t));
    EXPECT_TRUE(is_marker_only_line("\x1b[0m" + t.text() + "RECOVER_0123456789ab__0__\r", t));
    EXPECT_TRUE(is_marker_only_line(t.text() + "END_fedcba987654__127__", t));
    EXPECT_TRUE(is_marker_only_line(t.text() + "BEGIN_fedcba987654__", t));
    EXPECT_FALSE(is_marker_only_line("$ " + t.ready(), t));
    EXPECT_FALSE(is_marker_only_line(t.ready() + " and more", t));
    EXPECT_FALSE(is_marker_only_line(t.text() + "END_fedcba987654__127__ and more", t));
    EXPECT_FALSE(is_marker_only_line(t.text() + "END_fedcba98765__127__", t));          // a digit short
    EXPECT_FALSE(is_marker_only_line(t.text() + "END_fedcba987654__$?__", t));          // an echo
    EXPECT_FALSE(is_marker_only_line(t.text() + "BEGIN_FEDCBA987654__", t));            // not otto's digits
    EXPECT_FALSE(is_marker_only_line("__OTTO_000000000000_END_fedcba987654__0__", t));  // another session
    EXPECT_FALSE(is_marker_only_line("plain output", t));
}

}  // namespace
}  // namespace otto
