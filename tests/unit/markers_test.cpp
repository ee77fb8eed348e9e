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
    std::string echo = t.split_echo("BEGIN__");
    EXPECT_EQ(echo, "echo \"__OTTO_1f3a9c07b2de_\"\"BEGIN__\"");
    EXPECT_EQ(echo.find(t.begin()), std::string::npos);
    EXPECT_EQ(t.split_echo("END__$?__").find("END__$?__\""), std::string("echo \"__OTTO_1f3a9c07b2de_\"\"").size());
}

TEST(NumberedMarker, FindsDigitsAnywhereInALine) {
    Token t("abcabcabcabc");
    auto m = find_numbered_marker("c__OTTO_abcabcabcabc_END__0__", t, "END__");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->begin, 1u);
    EXPECT_EQ(m->code, 0);
    m = find_numbered_marker("xx__OTTO_abcabcabcabc_RECOVER__130__yy", t, "RECOVER__");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->code, 130);
    EXPECT_EQ(m->end, std::string("xx__OTTO_abcabcabcabc_RECOVER__130__").size());
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

TEST(MarkerOnlyLine, RecognisesBareMarkersOnly) {
    Token t("abcabcabcabc");
    EXPECT_TRUE(is_marker_only_line(t.ready() + "\r", t));
    EXPECT_TRUE(is_marker_only_line("\x1b[0m" + t.text() + "RECOVER__0__\r", t));
    EXPECT_TRUE(is_marker_only_line(t.text() + "END__127__", t));
    EXPECT_FALSE(is_marker_only_line("$ " + t.ready(), t));
    EXPECT_FALSE(is_marker_only_line(t.ready() + " and more", t));
    EXPECT_FALSE(is_marker_only_line("plain output", t));
}

}  // namespace
}  // namespace otto
