// One-shot output kept up to the retention limit, with and without a guess
// at its size (util/output_guess.hpp).
#include "transport/oneshot_output.hpp"

#include <gtest/gtest.h>

#include <string>

namespace otto {
namespace {

std::string keep_in_pieces(OneshotOutput &out, const std::string &data, size_t piece, uint64_t retain) {
    for (size_t at = 0; at < data.size(); at += piece) out.keep(std::string_view(data).substr(at, piece), retain);
    return out.take_text();
}

TEST(OneshotOutput, AGuessChangesNothingButTheRoomTaken) {
    std::string data;
    for (int i = 0; i < 5000; ++i) data += "line " + std::to_string(i) + "\n";
    for (uint64_t guess : {uint64_t{0}, uint64_t{7}, uint64_t{data.size()}, uint64_t{1} << 22}) {
        OneshotOutput out;
        out.size_guess = guess;
        EXPECT_EQ(keep_in_pieces(out, data, 1000, 64u << 20), data) << guess;
    }
}

TEST(OneshotOutput, AGuessFarTooBigIsGivenBack) {
    OneshotOutput out;
    out.size_guess = 64u << 20;
    std::string text = keep_in_pieces(out, "hi\n", 3, 64u << 20);
    EXPECT_EQ(text, "hi\n");
    EXPECT_LT(text.capacity(), 4096u);
}

TEST(OneshotOutput, TheRetentionLimitHoldsWithAGuessBeyondIt) {
    OneshotOutput out;
    out.size_guess = 1u << 20;
    std::string text = keep_in_pieces(out, std::string(1000, 'x'), 10, 95);
    EXPECT_EQ(text.rfind(std::string(90, 'x') + "\n[otto: output truncated: 910 more bytes", 0), 0u) << text;
    EXPECT_LT(text.capacity(), 4096u);
}

}  // namespace
}  // namespace otto
