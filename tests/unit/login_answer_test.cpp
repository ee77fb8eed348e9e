// SESSION-PROTOCOL §11.4: what a telnet server's answer to the password
// means, judged on the text as it arrives (quiet or not yet), and the short
// quote a refusal gives.
#include "transport/telnet/login_answer.hpp"

#include <gtest/gtest.h>

namespace otto {
namespace {

const std::vector<std::string> kAnswered = {"vm login:", "Password:"};

LoginVerdict verdict(std::string_view said, bool quiet, std::string_view typed = "pw") {
    return judge_login_answer(said, typed, kAnswered, quiet).verdict;
}

TEST(LoginAnswer, NothingButLineEndsIsNotAnAnswerYetEvenWhenQuiet) {
    // What login(1) sends while it makes a refused login wait.
    EXPECT_EQ(verdict("", false), LoginVerdict::Unknown);
    EXPECT_EQ(verdict("\r\n", true), LoginVerdict::Unknown);
    EXPECT_EQ(verdict("\r\n\x1b[0m \r\n", true), LoginVerdict::Unknown);
}

TEST(LoginAnswer, ARefusalLineIsARefusalAtOnceQuotedAlone) {
    // Debian's login after a wrong password (the prompt after it included).
    auto a = judge_login_answer("\r\n\r\nLogin incorrect\r\nvm login: ", "pw", kAnswered, false);
    EXPECT_EQ(a.verdict, LoginVerdict::Refused);
    EXPECT_EQ(a.excerpt, "Login incorrect");
    EXPECT_EQ(verdict("\r\n% Authentication failed\r\n", false), LoginVerdict::Refused);
    EXPECT_EQ(verdict("ACCESS DENIED\r\n", false), LoginVerdict::Refused);
    EXPECT_EQ(verdict("su: Permission denied", false), LoginVerdict::Refused);
}

TEST(LoginAnswer, APromptOttoAnsweredShownAgainIsARefusal) {
    auto a = judge_login_answer("\r\n\r\n\x1b[1mvm login: ", "pw", kAnswered, false);
    EXPECT_EQ(a.verdict, LoginVerdict::Refused);
    EXPECT_EQ(a.excerpt, "vm login:");
    EXPECT_EQ(verdict("\r\nPassword: ", false), LoginVerdict::Refused);
}

TEST(LoginAnswer, ACredentialPromptIsARefusalOnceTheServerIsQuiet) {
    // Not before: the same bytes may be the start of "Last login: ...".
    EXPECT_EQ(verdict("\r\nLast login:", false), LoginVerdict::Unknown);
    EXPECT_EQ(verdict("\r\nLast login:", true), LoginVerdict::Refused);
    EXPECT_EQ(verdict("\r\nLast login: Mon Dec  7 18:12:54 UTC on pts/5\r\n", true), LoginVerdict::LoggedIn);
    EXPECT_EQ(verdict("\r\nUsername: ", true), LoginVerdict::Refused);
    // A password asked for when none is set.
    EXPECT_EQ(verdict("operator\r\nPassword: ", true, "operator"), LoginVerdict::Refused);
}

TEST(LoginAnswer, AShellPromptIsALoginAtOnce) {
    EXPECT_EQ(verdict("\r\nLinux vm 6.1\r\n\x1b[?2004hottotest@vm:~$ ", false), LoginVerdict::LoggedIn);
    EXPECT_EQ(verdict("\r\n[root@box ~]# ", false), LoginVerdict::LoggedIn);
    EXPECT_EQ(verdict("\r\nrouter> ", false), LoginVerdict::LoggedIn);
    EXPECT_EQ(verdict("\r\nhost% ", false), LoginVerdict::LoggedIn);
}

TEST(LoginAnswer, OtherTextIsALoginOnceTheServerIsQuiet) {
    // Consoles with prompts of their own: READY decides after that.
    EXPECT_EQ(verdict("\r\nWelcome to the bench console\r\nready=) ", false), LoginVerdict::Unknown);
    EXPECT_EQ(verdict("\r\nWelcome to the bench console\r\nready=) ", true), LoginVerdict::LoggedIn);
    EXPECT_EQ(verdict("\r\nLinux vm 6.1\r\n", true), LoginVerdict::LoggedIn);
}

TEST(LoginAnswer, AnEchoOfWhatWasTypedIsNotAnAnswer) {
    // A server that echoes repeats the login name before it says anything.
    EXPECT_EQ(verdict("operator\r\n", true, "operator"), LoginVerdict::Unknown);
    EXPECT_EQ(verdict("\r\noperator\r\n", true, "operator"), LoginVerdict::Unknown);
    EXPECT_EQ(verdict("operator\r\n$ ", false, "operator"), LoginVerdict::LoggedIn);
}

TEST(LoginAnswer, TheRefusalExcerptIsShortAndPrintable) {
    std::string noise(500, 'x');
    auto a = judge_login_answer("\r\n\x01\x1b[31mLogin\x1b[0m incorrect " + noise + "\x7f\r\n", "pw", kAnswered, false);
    EXPECT_EQ(a.verdict, LoginVerdict::Refused);
    EXPECT_LE(a.excerpt.size(), 100u);
    // Colours dropped, control bytes at the ends trimmed, the rest escaped.
    EXPECT_EQ(a.excerpt.rfind("Login incorrect xxx", 0), 0u) << a.excerpt;
    EXPECT_EQ(a.excerpt.substr(a.excerpt.size() - 3), "...");
    for (unsigned char c : a.excerpt) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << a.excerpt;
}

TEST(LoginRefusal, FindsAPhraseOrALoginPromptAtTheEnd) {
    EXPECT_EQ(find_login_refusal("stty -echo; echo\r\n\r\nLogin incorrect\r\n"), "Login incorrect");
    EXPECT_EQ(find_login_refusal("\r\nvm login: "), "vm login:");
    EXPECT_FALSE(find_login_refusal("Last login: Mon\r\n$ "));
    EXPECT_FALSE(find_login_refusal("\r\n$ "));
}

TEST(LastLine, ReadsAPromptAsShown) {
    EXPECT_EQ(last_line_of("Debian\r\n\r\x1b[1mvm login: "), "vm login:");
    EXPECT_EQ(last_line_of("one line\r\n"), "");
    EXPECT_EQ(last_line_of("Password:"), "Password:");
}

}  // namespace
}  // namespace otto
