// SESSION-PROTOCOL §3.1, §4.1, §4.3, §7.2, §10: what otto types.
#include "session/frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace otto {
namespace {

const Token kToken("0123456789ab");
const FrameMarkers kMarkers(kToken, "b0b0b0b0b0b0", "e0e0e0e0e0e0");
const LineLimit kNoLimit{0, ""};
const LineLimit kPty{4000, "a PTY's line buffer"};
const LineLimit kAsh{1022, "BusyBox ash's line editor"};

TEST(Frame, MarkersOnTheirOwnLinesAroundTheVerbatimCommand) {
    std::string frame = command_frame(kToken, kMarkers, "ls # list");
    EXPECT_EQ(frame,
              "{ echo \"__OTTO_0123456789ab_\"\"BEGIN_b0b0b0b0b0b0__\"\n"
              "ls # list\n"
              "echo \"__OTTO_0123456789ab_\"\"END_e0e0e0e0e0e0__$?__\"\n"
              "}\n");
}

TEST(Frame, ConsecutiveFramesShareOnlyTheToken) {
    // What a command could learn from its own frame says nothing about the
    // next frame's markers.
    std::string first = command_frame(kToken, FrameMarkers::draw(kToken), "true");
    std::string second = command_frame(kToken, FrameMarkers::draw(kToken), "true");
    EXPECT_NE(first, second);
    auto nonces = [](const std::string &frame) {
        std::vector<std::string> found;
        for (const char *kind : {"BEGIN_", "END_"}) {
            size_t at = frame.find(kind);
            found.push_back(frame.substr(at + std::string(kind).size(), 12));
        }
        return found;
    };
    for (const std::string &nonce : nonces(first)) EXPECT_EQ(second.find(nonce), std::string::npos) << nonce;
}

TEST(Frame, HandshakeProbeIsOneGuardedLineUnderTheAshLimit) {
    for (bool keep : {false, true}) {
        std::string probe = handshake_probe(kToken, keep);
        EXPECT_EQ(probe.find('\n'), probe.size() - 1);
        EXPECT_LT(probe.size(), 1022u);
        EXPECT_NE(probe.find("stty -echo 2>/dev/null;"), std::string::npos);
        EXPECT_NE(probe.find(kToken.split_echo("READY__")), std::string::npos);
        EXPECT_EQ(probe.find(kToken.ready()), std::string::npos);
        EXPECT_EQ(probe.find("unset HISTFILE"), std::string::npos);
        EXPECT_EQ(probe.find("HISTSIZE=0"), std::string::npos);
        EXPECT_EQ(probe.find("HISTFILE=/dev/null") != std::string::npos, !keep);
    }
    EXPECT_NE(handshake_probe(kToken, false).find("{ command set +o history; } 2>/dev/null || :"), std::string::npos);
}

TEST(Frame, RecoverProbeUsesItsOwnMarker) {
    EXPECT_EQ(recover_probe(kToken, "RECOVER_c0c0c0c0c0c0__"),
              "echo \"__OTTO_0123456789ab_\"\"RECOVER_c0c0c0c0c0c0__$?__\"\n");
}

TEST(Refusal, AcceptsOrdinaryCommands) {
    for (const char *ok :
         {"echo hi", "sleep 5 &", "echo a;", "", "a \\\\", "echo \\|", "cat <<EOF\nx\nEOF", "echo a |\n grep a"}) {
        EXPECT_FALSE(refusal_reason(ok, kToken, kPty)) << ok;
    }
}

TEST(Refusal, RefusesLinesThatWouldSwallowTheEndLine) {
    for (const char *bad : {"ls |", "true &&", "false ||", "echo a \\", "ls |  \t", "a\nb &&"}) {
        auto reason = refusal_reason(bad, kToken, kNoLimit);
        ASSERT_TRUE(reason) << bad;
        EXPECT_NE(reason->find("refused"), std::string::npos);
        EXPECT_NE(reason->find("end-marker line"), std::string::npos);
    }
}

TEST(Refusal, RefusesNul) {
    std::string with_nul("echo a\0b", 8);
    auto reason = refusal_reason(with_nul, kToken, kNoLimit);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("NUL"), std::string::npos);
}

TEST(Refusal, LineLimitsNameLineLengthLimitAndTheWaysOut) {
    std::string long_line(4001, 'x');
    std::string command = "echo one\n" + long_line;
    auto reason = refusal_reason(command, kToken, kPty);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("line 2"), std::string::npos) << *reason;
    EXPECT_NE(reason->find("4001"), std::string::npos);
    EXPECT_NE(reason->find("4000"), std::string::npos);
    EXPECT_NE(reason->find("one-shot"), std::string::npos);
    EXPECT_NE(reason->find("script"), std::string::npos);
    EXPECT_FALSE(refusal_reason(std::string(4000, 'x'), kToken, kPty));
    EXPECT_FALSE(refusal_reason(long_line, kToken, kNoLimit));
    EXPECT_TRUE(refusal_reason(std::string(1023, 'x'), kToken, kAsh));
    EXPECT_FALSE(refusal_reason(std::string(1022, 'x'), kToken, kAsh));
}

}  // namespace
}  // namespace otto
