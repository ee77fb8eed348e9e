// Finding files, selecting and merging labs, the local host, hops, links and
// error collection (LAB-FORMAT §2, §4, §8.4, §11-§13, §15.4).
#include <gtest/gtest.h>

#include "lab/lab_selection.hpp"
#include "lab_test_support.hpp"

namespace otto::lab {
namespace {

using testing::host_json;
using testing::lab_json;
using testing::TempDir;

std::vector<std::string> ids(const LabLoadResult &r) {
    std::vector<std::string> out;
    if (!r.ok()) {
        ADD_FAILURE() << r.error_message();
        return out;
    }
    for (const auto &h : r.lab->hosts) out.push_back(h.id);
    return out;
}

using Ids = std::vector<std::string>;

TEST(LabSelection, SplitsOnPlusAndTrims) {
    EXPECT_EQ(parse_selection("a"), (Ids{"a"}));
    EXPECT_EQ(parse_selection("a + b"), (Ids{"a", "b"}));
    EXPECT_EQ(parse_selection("a+b"), (Ids{"a", "b"}));
    EXPECT_EQ(parse_selection(" a,b +c "), (Ids{"a,b", "c"}));
    EXPECT_EQ(parse_selection(""), std::nullopt);
    EXPECT_EQ(parse_selection("a+"), std::nullopt);
    EXPECT_EQ(parse_selection("a++b"), std::nullopt);
    EXPECT_EQ(parse_selection(" + b"), std::nullopt);
}

TEST(LabSelection, BadSelectionIsItsOwnError) {
    auto r = load_lab_text("a++b", "{}");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::bad_selection);
    EXPECT_EQ(r.errors, (Ids{"lab selection \"a++b\": expected LAB[+LAB...]"}));
}

TEST(LabSelection, LabNamesAreCaseSensitiveAndExact) {
    std::string text = lab_json({host_json("a", "Lab1"), host_json("b", "lab1"), host_json("c", "lab10")});
    EXPECT_EQ(ids(load_lab_text("lab1", text)), (Ids{"b", "local"}));
    auto r = load_lab_text("LAB1", text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::lab_not_found);
    EXPECT_EQ(r.errors, (Ids{"lab \"LAB1\" not found: no host lists it in \"labs\" (files read: <text>)"}));
}

TEST(LabSelection, HostsInSeveralLabs) {
    std::string multi = R"({"hosts": [
        {"ip": "192.0.2.1", "element": "a", "creds": [{"login": "r"}], "labs": ["x", "y"]},
        {"ip": "192.0.2.2", "element": "b", "creds": [{"login": "r"}], "labs": ["y"]},
        {"ip": "192.0.2.3", "element": "c", "creds": [{"login": "r"}]}]})";
    EXPECT_EQ(ids(load_lab_text("x", multi)), (Ids{"a", "local"}));
    EXPECT_EQ(ids(load_lab_text("y", multi)), (Ids{"a", "b", "local"}));
    // One entry listed by both parts is one host, without a warning.
    auto both = load_lab_text("y+x", multi);
    EXPECT_EQ(ids(both), (Ids{"a", "b", "local"}));
    EXPECT_TRUE(both.warnings.empty());
    EXPECT_EQ(both.lab->name, "y+x");
}

TEST(LabMerge, SameIdSameIpIsOneHostWithTheLaterDefinition) {
    TempDir dir;
    dir.write("one/lab.json", lab_json({host_json("a", "a", R"("resources": ["r1"])"),
                                        host_json("shared", "a", R"("name": "old", "resources": ["r2"])")}));
    dir.write("two/lab.json", lab_json({host_json("shared", "b", R"("name": "new", "resources": ["r3"])"),
                                        host_json("b", "b", R"("resources": ["r2", "r4"])")}));
    auto r = dir.load("a + b", {"one", "two"});
    EXPECT_EQ(ids(r), (Ids{"a", "shared", "b", "local"}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.lab->name, "a+b");
    const LabHost &shared = r.lab->hosts[1];
    EXPECT_EQ(shared.name, "new");
    EXPECT_EQ(shared.source.file, dir / "two/lab.json");
    EXPECT_EQ(r.lab->resources, (Ids{"r1", "r3", "r2", "r4"}));
    EXPECT_EQ(r.warnings, (Ids{"two/lab.json:2:1: hosts[0]: redefines host \"shared\" of one/lab.json: hosts[1] (same "
                               "ip); this later definition is used"}));
}

TEST(LabMerge, IdenticalRedefinitionIsSilent) {
    TempDir dir;
    dir.write("one/lab.json", lab_json({host_json("shared", "a", R"("_note": "from one")")}));
    dir.write("two/lab.json", lab_json({host_json("shared", "b")}));
    auto r = dir.load("a+b", {"one", "two"});
    EXPECT_EQ(ids(r), (Ids{"shared", "local"}));
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.at(0);
}

TEST(LabMerge, SameIdOtherIpIsAnError) {
    TempDir dir;
    dir.write("one/lab.json", lab_json({host_json("shared", "a")}));
    dir.write("two/lab.json",
              lab_json({R"({"ip": "192.0.2.99", "element": "shared", "creds": [{"login": "r"}], "labs": ["b"]})"}));
    auto r = dir.load("a+b", {"one", "two"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::parse_error);
    EXPECT_EQ(r.errors, (Ids{"one/lab.json: hosts[0] and two/lab.json: hosts[0]: host id \"shared\" has ip "
                             "\"192.0.2.1\" and \"192.0.2.99\"; merged labs share a host only when its ip is the "
                             "same"}));
}

TEST(LabMerge, DuplicateIdsWithinOneLabAcrossFiles) {
    TempDir dir;
    dir.write("one/lab.json", lab_json({host_json("dut1", "a", R"("element_id": 2)")}));
    dir.write("two/hosts.json", R"([{"ip": "192.0.2.1", "element": "dut", "element_id": 12, "labs": ["a"],
        "creds": {"root": null}}])");
    auto r = dir.load("a", {"one", "two"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors, (Ids{"one/lab.json: hosts[0] and two/hosts.json: [0]: duplicate host id \"dut12\"; set "
                             "element_id, board or slot"}));
}

TEST(LabMerge, AMissingPartIsLabNotFound) {
    auto r = load_lab_text("a+nope", lab_json({host_json("x", "a")}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::lab_not_found);
    EXPECT_EQ(r.errors, (Ids{"lab \"nope\" not found: no host lists it in \"labs\" (files read: <text>)"}));
}

TEST(LabLocalHost, BuiltInUnlessAFileDefinesIt) {
    auto builtin = load_lab_text("l", lab_json({host_json("a", "l")}));
    ASSERT_TRUE(builtin.ok());
    EXPECT_TRUE(builtin.lab->hosts.back().builtin_local);
    EXPECT_EQ(builtin.lab->find("local")->name, "localhost");

    auto defined = load_lab_text("l", lab_json({host_json("Local", "l"), host_json("a", "l")}));
    EXPECT_EQ(ids(defined), (Ids{"local", "a"}));
    EXPECT_FALSE(defined.lab->hosts[0].builtin_local);
    EXPECT_EQ(defined.warnings, (Ids{"<text>:2:1: hosts[0]: host \"local\" replaces the built-in local host"}));
}

TEST(LabScope, BrokenEntriesOfOtherLabsDoNotBlock) {
    std::string text = lab_json({host_json("good", "mine"),
                                 R"({"ip": "10.0.0.1:22", "element": "***", "creds": "x", "labs": ["other"]})",
                                 R"({"labs": ["third"], "os_type": "zephyr"})"});
    auto r = load_lab_text("mine", text);
    EXPECT_EQ(ids(r), (Ids{"good", "local"}));
    auto other = load_lab_text("other", text);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.errors.size(), 3u) << other.error_message();
}

TEST(LabScope, EveryEntryMustBeAnObjectWithLabsOfStrings) {
    auto r = load_lab_text("mine", lab_json({host_json("good", "mine"), "42", R"({"labs": "other", "element": "x"})",
                                             R"({"labs": ["a", 1]})"}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::parse_error);
    EXPECT_EQ(r.errors, (Ids{"<text>:3:1: hosts[1]: expected a host object, got 42",
                             "<text>:4:10: hosts[2].labs: expected an array of strings, got \"other\"",
                             "<text>:5:16: hosts[3].labs[1]: expected a string, got 1"}));
}

TEST(LabScope, SyntaxErrorInAnyFileFailsTheLoad) {
    TempDir dir;
    dir.write("good/lab.json", lab_json({host_json("a", "l")}));
    dir.write("bad.json", "{\"hosts\": [}");
    auto r = dir.load("l", {"good", "bad.json"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::parse_error);
    EXPECT_EQ(r.errors, (Ids{"bad.json:1:12: hosts[0]: invalid JSON: expected a value, got '}'"}));
}

TEST(LabForms, TopLevelDecidesTheForm) {
    EXPECT_EQ(ids(load_lab_text("l", "[" + host_json("legacy", "l") + "]")), (Ids{"legacy", "local"}));
    auto r = load_lab_text("l", "42");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.at(0),
              "<text>:1:1: expected an object (lab.json form) or an array of hosts (hosts.json form), got 42");
    auto bad_hosts = load_lab_text("l", R"({"hosts": {}, "links": 3})");
    ASSERT_FALSE(bad_hosts.ok());
    EXPECT_EQ(bad_hosts.errors.at(0), "<text>:1:11: hosts: expected an array of hosts, got {}");
    EXPECT_EQ(bad_hosts.errors.at(1), "<text>:1:24: links: expected an array of links, got 3");
    // Absent sections are empty.
    auto empty = load_lab_text("l", "{}");
    EXPECT_EQ(empty.code, LabErrorCode::lab_not_found);
}

TEST(LabForms, LegacyIdsWarnWhenSlugsDiffer) {
    auto r =
        load_lab_text("l", R"([{"ip": "h", "element": "sw.core", "element_id": 1, "creds": {"r": null}, "labs": ["l"]},
        {"ip": "h2", "element": "Plain", "creds": {"r": null}, "labs": ["l"]}])");
    EXPECT_EQ(ids(r), (Ids{"sw-core1", "plain", "local"}));
    EXPECT_EQ(r.warnings, (Ids{"<text>:1:2: [0]: id \"sw-core1\" replaces the original otto's \"sw.core1\" (ids are "
                               "slugged, LAB-FORMAT 5.4)"}));
}

TEST(LabForms, UnselectableLabNamesWarn) {
    auto r = load_lab_text("l", lab_json({host_json("a", "l"), host_json("b", "x+y")}));
    EXPECT_EQ(ids(r), (Ids{"a", "local"}));
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("hosts[1].labs[0]: lab name \"x+y\" contains '+' and can never be selected"),
              std::string::npos)
        << r.warnings[0];
}

TEST(LabFiles, SearchPathsInOrder) {
    TempDir dir;
    dir.write("d1/lab.json", lab_json({host_json("one", "l")}));
    dir.write("d2/hosts.json", "[" + host_json("two", "l") + "]");
    dir.write("d3/lab.json", lab_json({host_json("three", "l")}));
    dir.write("d3/hosts.json", "[" + host_json("ignored", "l") + "]");
    dir.write("f.json", lab_json({host_json("four", "l")}));
    auto r = dir.load("l", {"f.json", "missing", "d1", "nothing.json", "d2", "d3", "d1/lab.json"});
    EXPECT_EQ(ids(r), (Ids{"four", "one", "two", "three", "local"}));
    EXPECT_EQ(r.warnings, (Ids{"d3/hosts.json: ignored: d3/lab.json is read instead"}));
}

TEST(LabFiles, NothingFoundListsWhatWasTried) {
    TempDir dir;
    auto r = dir.load("l", {"missing", "nothing.json"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::lab_not_found);
    EXPECT_EQ(r.errors, (Ids{"no lab file found in the search paths: \"missing\" (no lab.json or hosts.json); "
                             "\"nothing.json\" (no such file)"}));
    auto none = load_lab("l", {});
    EXPECT_EQ(none.code, LabErrorCode::lab_not_found);
    EXPECT_EQ(none.errors, (Ids{"no lab file found: no search paths given"}));
}

TEST(LabFiles, HomeIsExpanded) {
    TempDir dir;
    dir.write("lab.json", lab_json({host_json("home", "l")}));
    std::string saved = std::getenv("HOME") ? std::getenv("HOME") : "";
    setenv("HOME", dir.path().c_str(), 1);
    auto r = load_lab("l", {"~", "~/lab.json"});
    setenv("HOME", saved.c_str(), 1);
    EXPECT_EQ(ids(r), (Ids{"home", "local"}));
}

TEST(LabFiles, UnreadableFileIsAParseError) {
    // A file no one can read, root included: reading the process's memory
    // at offset 0 (never mapped) fails with EIO.
    TempDir dir;
    std::filesystem::create_symlink("/proc/self/mem", dir / "mem.json");
    auto r = load_lab("l", {dir / "mem.json"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code, LabErrorCode::parse_error);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors.at(0).find("mem.json: cannot read the file: Input/output error"), std::string::npos)
        << r.errors.at(0);
}

TEST(LabHops, ValidChainsLoad) {
    std::string text = lab_json({host_json("target", "l", R"("hop": "jump1", "valid_terms": ["telnet"])"),
                                 host_json("jump1", "l", R"("hop": "jump2")"), host_json("jump2", "l")});
    auto r = load_lab_text("l", text);
    ASSERT_TRUE(r.ok()) << r.error_message();
    EXPECT_EQ(r.lab->hosts[0].hop, "jump1");
}

std::string chain_lab(int length) {
    // h0 -> h1 -> ... -> h<length>
    std::vector<std::string> hosts;
    for (int i = 0; i <= length; ++i) {
        std::string more = i < length ? "\"hop\": \"h" + std::to_string(i + 1) + "\"" : "";
        hosts.push_back(host_json("h" + std::to_string(i), "l", more));
    }
    return lab_json(hosts);
}

TEST(LabHops, AtMostEightDeep) {
    EXPECT_TRUE(load_lab_text("l", chain_lab(8)).ok());
    auto r = load_lab_text("l", chain_lab(9));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.size(), 1u) << r.error_message();
    EXPECT_NE(r.errors[0].find("hosts[0].hop: \"h0\" \xe2\x86\x92 \"h1\""), std::string::npos) << r.errors[0];
    EXPECT_NE(r.errors[0].find("\"h9\" is 9 hops deep; at most 8 are allowed"), std::string::npos) << r.errors[0];
}

TEST(LabHops, BrokenChains) {
    auto self = load_lab_text("l", lab_json({host_json("gw", "l", R"("hop": "gw")")}));
    ASSERT_FALSE(self.ok());
    EXPECT_EQ(self.errors, (Ids{"<text>:2:108: hosts[0].hop: \"gw\" \xe2\x86\x92 \"gw\" is a cycle"}));

    auto unknown = load_lab_text("l", lab_json({host_json("a", "l", R"("hop": "nowhere")")}));
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.errors,
              (Ids{"<text>:2:107: hosts[0].hop: \"a\" \xe2\x86\x92 \"nowhere\": no host \"nowhere\" in lab \"l\""}));

    // Hops are confined to the loaded lab: a host of another lab is unknown.
    auto other_lab = load_lab_text("l", lab_json({host_json("a", "l", R"("hop": "b")"), host_json("b", "other")}));
    ASSERT_FALSE(other_lab.ok());
    EXPECT_NE(other_lab.errors.at(0).find("no host \"b\" in lab \"l\""), std::string::npos);

    auto telnet_only = load_lab_text("l", lab_json({host_json("a", "l", R"("hop": "con")"),
                                                    host_json("con", "l", R"("valid_terms": "telnet")")}));
    ASSERT_FALSE(telnet_only.ok());
    EXPECT_EQ(telnet_only.errors,
              (Ids{"<text>:2:107: hosts[0].hop: \"a\" \xe2\x86\x92 \"con\": host \"con\" cannot be a hop: its "
                   "valid_terms [\"telnet\"] lack \"ssh\""}));

    auto to_local = load_lab_text("l", lab_json({host_json("a", "l", R"("hop": "local")")}));
    ASSERT_FALSE(to_local.ok());
    EXPECT_NE(to_local.errors.at(0).find("host \"local\" cannot be a hop"), std::string::npos);
}

TEST(LabLinks, ShapeCheckedOnlyWhenTheyConcernTheLab) {
    std::string hosts = R"("hosts": [{"ip": "h", "element": "a", "creds": [{"login": "r"}], "labs": ["l"]}])";
    auto ok = load_lab_text("l", "{" + hosts + R"(, "links": [
        {"endpoints": [{"host": "a", "interface": "eth1"}, {"host": "elsewhere"}], "protocol": "udp", "name": "n",
         "impair": {"delay": 5}, "management": false},
        {"endpoints": [{"host": "x"}, {"host": "y"}], "bogus": 1},
        {"endpoints": "not even an array"}]})");
    ASSERT_TRUE(ok.ok()) << ok.error_message();
    ASSERT_EQ(ok.lab->links.size(), 1u);
    const LabLink &link = ok.lab->links[0];
    EXPECT_EQ(link.endpoints.at(0).interface, "eth1");
    EXPECT_EQ(link.protocol, "udp");
    EXPECT_EQ(link.impair_json, "{\"delay\":5}");

    auto bad = load_lab_text("l", "{" + hosts + R"(, "links": [
        {"endpoints": [{"host": "a"}], "protcol": "tcp"}, 7]})");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.errors, (Ids{"<text>:2:23: links[0].endpoints: expected two endpoints, got 1",
                               "<text>:2:40: links[0].protcol: unknown key; did you mean \"protocol\"?",
                               "<text>:2:59: links[1]: expected a link object, got 7"}));
}

TEST(LabErrors, AllErrorsInFileAndPositionOrderCappedAtFifty) {
    std::vector<std::string> hosts;
    for (int i = 0; i < 60; ++i) hosts.push_back(host_json("h" + std::to_string(i), "l", R"("shell_history": 1)"));
    auto r = load_lab_text("l", lab_json(hosts));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 51u);
    EXPECT_NE(r.errors[0].find("hosts[0].shell_history"), std::string::npos);
    EXPECT_NE(r.errors[49].find("hosts[49].shell_history"), std::string::npos);
    EXPECT_EQ(r.errors[50], "... and 10 more errors");
}

TEST(LabErrors, LaterChecksSortIntoPlace) {
    // A duplicate id (found after all entries are read) sorts by position
    // among the per-entry errors.
    auto r =
        load_lab_text("l", lab_json({host_json("a", "l"), host_json("a", "l"), host_json("b", "l", R"("log": 1)")}));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 2u) << r.error_message();
    EXPECT_EQ(r.errors[0], "<text>: hosts[0] and hosts[1]: duplicate host id \"a\"; set element_id, board or slot");
    EXPECT_NE(r.errors[1].find("hosts[2].log"), std::string::npos);
}

TEST(LabErrors, AllOrNothing) {
    auto r = load_lab_text("l", lab_json({host_json("a", "l"), host_json("b", "l", R"("term": "x")")}));
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.lab.has_value());
}

TEST(LabNames, GeneratedInTheMergedLab) {
    auto r = load_lab_text("l", lab_json({host_json("dut", "l", R"("element_id": 2, "board": "cpu")"),
                                          host_json("dut", "l", R"("element_id": 1, "board": "cpu")"),
                                          host_json("other", "l", R"("name": null)")}));
    ASSERT_TRUE(r.ok()) << r.error_message();
    EXPECT_EQ(r.lab->hosts[0].name, "dut 2 cpu");
    EXPECT_EQ(r.lab->hosts[1].name, "dut 1 cpu");
    EXPECT_EQ(r.lab->hosts[2].name, "other");
}

}  // namespace
}  // namespace otto::lab
