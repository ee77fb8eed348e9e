// Host ids and generated names (LAB-FORMAT §8).
#include "lab/host_id.hpp"

#include <gtest/gtest.h>

namespace otto::lab {
namespace {

TEST(LabSlug, LowersAndJoinsRunsWithOneDash) {
    EXPECT_EQ(slug("Lab X Server"), "lab-x-server");
    EXPECT_EQ(slug("sw.core/1"), "sw-core-1");
    EXPECT_EQ(slug("_edge_"), "edge");
    EXPECT_EQ(slug("a  --  b"), "a-b");
    EXPECT_EQ(slug("Café"), "caf");
    EXPECT_EQ(slug("***"), "");
    EXPECT_EQ(slug(""), "");
    // Non-ASCII letters are separators, even those whose lower case is ASCII
    // (§8.3: U+0130, U+212A).
    EXPECT_EQ(slug("\xc4\xb0stanbul"), "stanbul");
    EXPECT_EQ(slug("\xe2\x84\xaa"
                   "elvin"),
              "elvin");
}

struct IdRow {
    const char *element;
    std::optional<int64_t> element_id;
    std::optional<std::string> board;
    std::optional<int64_t> slot;
    const char *id;
};

// The table of §8.2, row by row.
TEST(LabHostId, SpecTable) {
    const IdRow rows[] = {
        {"carrot", {}, "cpu", {}, "carrot_cpu"},
        {"carrot", 2, "cpu", {}, "carrot2_cpu"},
        {"dut", 47, {}, {}, "dut47"},
        {"Lab X Server", {}, {}, {}, "lab-x-server"},
        {"Router", {}, "Line Card", 3, "router_line-card3"},
        {"sw.core/1", {}, {}, {}, "sw-core-1"},
        {"_edge_", 0, {}, {}, "edge0"},
        {"x", {}, {}, 4, "x"},
        {"Café", {}, {}, {}, "caf"},
        {"***", {}, {}, {}, ""},
    };
    for (const auto &row : rows) {
        IdParts parts{row.element, row.element_id, row.board, row.slot};
        EXPECT_EQ(host_id(parts), row.id) << row.element;
    }
    EXPECT_EQ(empty_slug_message("***"), "\"***\" slugs to an empty id (needs a letter or digit)");
}

TEST(LabHostId, BoardThatSlugsToNothingGivesNoId) { EXPECT_EQ(host_id(IdParts{"dut", {}, std::string("--"), {}}), ""); }

TEST(LabHostId, CollidingIdsOfSection84) {
    EXPECT_EQ(host_id(IdParts{"dut1", 2, {}, {}}), host_id(IdParts{"dut", 12, {}, {}}));
}

NamingInput host(const char *element, std::optional<int64_t> element_id = {}, std::optional<std::string> board = {},
                 std::optional<int64_t> slot = {}) {
    IdParts parts{element, element_id, board, slot};
    return {parts, host_id(parts)};
}

TEST(LabNames, TwoDutsOnOneBoard) {
    auto names = generated_names({host("dut", 2, "cpu"), host("dut", 1, "cpu")});
    EXPECT_EQ(names, (std::vector<std::string>{"dut 2 cpu", "dut 1 cpu"}));
}

TEST(LabNames, UniqueElementHasNoNumber) {
    auto names = generated_names({host("Bench"), host("router", {}, "Line Card", 3), host("x", {}, {}, 4)});
    EXPECT_EQ(names, (std::vector<std::string>{"Bench", "router Line Card 3", "x"}));
}

TEST(LabNames, RankByElementIdAbsentLastThenId) {
    // Elements written differently but slugging alike count together.
    auto names = generated_names({host("DUT"), host("dut", 7), host("dut", {}, "b"), host("Dut", 3)});
    // Order: element_id 3, 7, then absent ones by id ("dut" < "dut_b").
    EXPECT_EQ(names, (std::vector<std::string>{"DUT 3", "dut 2", "dut 4 b", "Dut 1"}));
}

}  // namespace
}  // namespace otto::lab
