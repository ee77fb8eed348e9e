// Expect patterns: PCRE2 over bytes, windows that keep `^` and lookbehind
// honest, and refusals that name the pattern; selectors, where any match
// counts.
#include "session/pattern.hpp"

#include <gtest/gtest.h>

#include "otto.h"
#include "util/error.hpp"

namespace otto {
namespace {

TEST(Pattern, MatchesBytesAndReportsOffsets) {
    Pattern p = Pattern::compile(">>> ", 0);
    auto m = p.search("abc>>> def", 0);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->begin, 3u);
    EXPECT_EQ(m->end, 7u);
    EXPECT_FALSE(p.search("abc>> ", 0));
    std::string binary("\xff\x00>>> ", 6);
    EXPECT_TRUE(p.search(binary, 0));
}

TEST(Pattern, CaretMatchesOnlyAtTheSubjectStartEvenWithAnOffset) {
    Pattern p = Pattern::compile("^ab", 0);
    EXPECT_TRUE(p.search("abxx", 0));
    EXPECT_FALSE(p.search("xxab", 2));  // the window edge is not a line start
}

TEST(Pattern, LookbehindSeesBytesBeforeTheWindow) {
    Pattern p = Pattern::compile("(?<=user )name", 0);
    auto m = p.search("user name", 5);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->begin, 5u);
}

TEST(Pattern, CaselessFlag) {
    EXPECT_FALSE(Pattern::compile("password:", 0).search("Password:", 0));
    EXPECT_TRUE(Pattern::compile("password:", OTTO_EXPECT_CASELESS).search("Password:", 0));
}

TEST(Pattern, BadPatternsAreRefusedWithTheirText) {
    try {
        Pattern::compile("(unclosed", 0);
        FAIL() << "compiled";
    } catch (const ApiError &e) {
        EXPECT_EQ(e.code(), OTTO_EINVAL);
        EXPECT_NE(std::string(e.what()).find("(unclosed"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos);
    }
    try {
        Pattern::compile("x*", 0);
        FAIL() << "an empty-matching pattern compiled";
    } catch (const ApiError &e) {
        EXPECT_NE(std::string(e.what()).find("empty string"), std::string::npos);
    }
}

TEST(Pattern, SelectorsCountEveryMatchAndSayWhatTheyAreWhenBad) {
    EXPECT_TRUE(Pattern::compile_selector("router", "hosts regex").found_in("core-router-1"));
    EXPECT_FALSE(Pattern::compile_selector("^router", "hosts regex").found_in("core-router-1"));
    for (const char *everything : {".*", "^", "x*", ""}) {
        EXPECT_TRUE(Pattern::compile_selector(everything, "hosts regex").found_in("ssh0")) << everything;
    }
    try {
        Pattern::compile_selector("ssh(", "hosts regex");
        FAIL() << "compiled";
    } catch (const ApiError &e) {
        EXPECT_EQ(e.code(), OTTO_EINVAL);
        std::string message = e.what();
        EXPECT_EQ(message.rfind("hosts regex \"ssh(\" does not compile: ", 0), 0u) << message;
        EXPECT_NE(message.find("at offset 4"), std::string::npos) << message;
    }
}

TEST(Pattern, CatastrophicBacktrackingIsBoundedNotHung) {
    Pattern p = Pattern::compile("(a+)+$", 0);
    std::string subject(40, 'a');
    subject += 'b';
    EXPECT_FALSE(p.search(subject, 0));
}

TEST(Pattern, CopiesShareCodeButNotMatchData) {
    Pattern a = Pattern::compile("x+", 0);
    Pattern b = a;
    EXPECT_TRUE(a.search("axxb", 0));
    EXPECT_TRUE(b.search("xx", 0));
    EXPECT_EQ(b.source(), "x+");
}

}  // namespace
}  // namespace otto
