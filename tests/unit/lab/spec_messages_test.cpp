// Every example message of LAB-FORMAT §13.2, reproduced from files laid out
// so that the positions match.
#include <gtest/gtest.h>

#include "lab_test_support.hpp"

namespace otto::lab {
namespace {

using testing::at_lines;
using testing::TempDir;

const std::string kHost = R"({"ip": "192.0.2.1", "creds": [{"login": "root"}], "labs": ["l"], "element": )";

std::string host_line(const std::string &element, const std::string &more = "") {
    return kHost + "\"" + element + "\"" + (more.empty() ? "" : ", " + more) + "},";
}

LabLoadResult load_one(const TempDir &dir, const std::string &name, const std::string &text) {
    dir.write(name, text);
    return dir.load("l", {name});
}

void expect_only_error(const LabLoadResult &r, const std::string &message) {
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::parse_error);
    ASSERT_EQ(r.errors.size(), 1u) << r.error_message();
    EXPECT_EQ(r.errors[0], message);
}

TEST(LabSpecMessages, NullLogin) {
    TempDir dir;
    auto r = load_one(dir, "lab.json",
                      at_lines({{1, "{"},
                                {2, "\"hosts\": ["},
                                {3, host_line("a")},
                                {4, host_line("b")},
                                {5, host_line("c")},
                                {6, R"({"ip": "192.0.2.4", "element": "d", "labs": ["l"],)"},
                                {14, R"( "creds": [{"login": null}]})"},
                                {15, "]}"}}));
    expect_only_error(r, "lab.json:14:22: hosts[3].creds[0].login: expected a non-empty string, got null");
}

TEST(LabSpecMessages, UnknownKeyWithSuggestion) {
    TempDir dir;
    auto r = load_one(dir, "lab.json",
                      at_lines({{1, "{"},
                                {2, "\"hosts\": ["},
                                {3, kHost + "\"a\","},
                                {9, R"(      "valid_term": ["ssh"]})"},
                                {10, "]}"}}));
    expect_only_error(r, "lab.json:9:7: hosts[0].valid_term: unknown key; did you mean \"valid_terms\"?");
}

TEST(LabSpecMessages, TermNotInValidTerms) {
    TempDir dir;
    auto r = load_one(dir, "lab.json",
                      at_lines({{1, "{"},
                                {2, "\"hosts\": ["},
                                {3, host_line("a")},
                                {4, host_line("b")},
                                {5, kHost + "\"c\", \"valid_terms\": [\"telnet\"],"},
                                {31, R"(      "term": "ssh"})"},
                                {32, "]}"}}));
    expect_only_error(r, "lab.json:31:15: hosts[2].term: \"ssh\" is not in valid_terms [\"telnet\"]");
}

TEST(LabSpecMessages, PortAsString) {
    TempDir dir;
    auto r = load_one(dir, "lab.json",
                      at_lines({{1, "{"},
                                {2, "\"hosts\": ["},
                                {3, host_line("a")},
                                {4, host_line("b")},
                                {5, host_line("c")},
                                {6, host_line("d")},
                                {7, kHost + "\"e\", \"ssh_options\": {"},
                                {40, R"("port": "2222"}})"},
                                {41, "]}"}}));
    expect_only_error(r, "lab.json:40:9: hosts[4].ssh_options.port: expected an integer 1-65535, got \"2222\"");
}

TEST(LabSpecMessages, LegacyCredsMapValue) {
    TempDir dir;
    auto r = load_one(dir, "hosts.json",
                      at_lines({{1, "["},
                                {2, R"({"ip": "192.0.2.1", "element": "a", "labs": ["l"],)"},
                                {3, R"( "creds": {"root": 42}})"},
                                {4, "]"}}));
    expect_only_error(r, "hosts.json:3:20: [0].creds[\"root\"]: expected a string or null, got 42");
}

TEST(LabSpecMessages, DuplicateHostId) {
    TempDir dir;
    auto r = load_one(dir, "lab.json",
                      at_lines({{1, "{\"hosts\": ["},
                                {2, host_line("a")},
                                {3, host_line("carrot", "\"board\": \"cpu\"")},
                                {4, host_line("b")},
                                {5, host_line("c")},
                                {6, kHost + "\"Carrot\", \"board\": \"CPU\"}"},
                                {7, "]}"}}));
    expect_only_error(
        r, "lab.json: hosts[1] and hosts[4]: duplicate host id \"carrot_cpu\"; set element_id, board or slot");
}

TEST(LabSpecMessages, UnknownSection) {
    TempDir dir;
    auto r = load_one(dir, "lab.json", at_lines({{1, "{"}, {2, "  \"host\": []"}, {3, "}"}}));
    // The file has no host, so lab "l" is not found either.
    ASSERT_EQ(r.errors.size(), 2u) << r.error_message();
    EXPECT_EQ(r.code, LabErrorCode::parse_error);
    EXPECT_EQ(r.errors[0], "lab.json:2:3: host: unknown section; did you mean \"hosts\"? Known sections: hosts, links");
}

TEST(LabSpecMessages, HopCycle) {
    TempDir dir;
    auto r = load_one(dir, "lab.json",
                      at_lines({{1, "{\"hosts\": ["},
                                {2, host_line("a")},
                                {3, host_line("b")},
                                {4, host_line("c")},
                                {5, host_line("d")},
                                {6, host_line("e")},
                                {7, kHost + "\"gw\","},
                                {52, R"(      "hop": "core"},)"},
                                {53, host_line("core", "\"hop\": \"gw\"")},
                                {54, host_line("x", "\"hop\": \"gw\"")},
                                {55, kHost + "\"y\"}"},
                                {56, "]}"}}));
    // Reported once, at the cycle's first host; x, which leads into it, is
    // not reported again.
    expect_only_error(r, "lab.json:52:14: hosts[5].hop: \"gw\" \xe2\x86\x92 \"core\" \xe2\x86\x92 \"gw\" is a cycle");
}

}  // namespace
}  // namespace otto::lab
