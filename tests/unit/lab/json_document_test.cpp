// Strict JSON with positions: the locator, cJSON values, paths and messages
// (LAB-FORMAT §3, §13.2).
#include "lab/json_document.hpp"

#include <gtest/gtest.h>

#include "lab/json_locator.hpp"
#include "lab/json_path.hpp"

namespace otto::lab {
namespace {

struct Parsed {
    Diagnostics errors;
    std::unique_ptr<JsonDocument> doc;
};

Parsed parse(const std::string &text) {
    Parsed p;
    p.doc = JsonDocument::parse(text, "t.json", 0, p.errors);
    return p;
}

std::string first_error(const std::string &text) {
    Parsed p = parse(text);
    auto all = p.errors.all();
    return all.empty() ? std::string("(no error)") : all.front();
}

TEST(LabJsonPath, FieldsIndicesAndQuotedNames) {
    JsonPath root;
    EXPECT_EQ(root.str(), "");
    EXPECT_EQ(root.member("hosts").index(3).member("creds").index(0).member("login").str(), "hosts[3].creds[0].login");
    EXPECT_EQ(root.index(0).member("creds").data_key("root").str(), "[0].creds[\"root\"]");
    EXPECT_EQ(root.member("$schema").str(), "[\"$schema\"]");
    EXPECT_EQ(root.member("a b").member("c").str(), "[\"a b\"].c");
    EXPECT_EQ(root.member("x").member("say \"hi\"\n").str(), "x[\"say \\\"hi\\\"\\n\"]");
}

TEST(LabJson, ValuesPathsAndPositions) {
    Parsed p = parse("{\n  \"hosts\": [\n    {\"ip\": \"h\", \"n\": 2, \"f\": 2.5, \"e\": 1e3}\n  ]\n}\n");
    ASSERT_TRUE(p.doc);
    ASSERT_TRUE(p.errors.empty());
    JsonRef root = p.doc->root();
    auto hosts = root.find("hosts");
    ASSERT_TRUE(hosts);
    auto host = hosts->children().at(0);
    EXPECT_EQ(host.path().str(), "hosts[0]");
    auto n = *host.find("n");
    EXPECT_EQ(n.integer(), 2);
    EXPECT_EQ(host.find("f")->integer(), std::nullopt);
    EXPECT_DOUBLE_EQ(host.find("f")->number(), 2.5);
    EXPECT_EQ(host.find("e")->integer(), std::nullopt);
    EXPECT_EQ(host.find("e")->number_text(), "1e3");
    auto lc = p.doc->line_column(n.offset());
    EXPECT_EQ(lc.line, 3u);
    EXPECT_EQ(lc.column, 22u);
    EXPECT_EQ(n.message("boom"), "t.json:3:22: hosts[0].n: boom");
    EXPECT_EQ(n.message_at_key("boom"), "t.json:3:17: hosts[0].n: boom");
    EXPECT_EQ(root.message("top"), "t.json:1:1: top");
}

TEST(LabJson, ColumnsCountCharactersNotBytes) {
    Parsed p = parse("{\"caf\xc3\xa9\": \"\xe2\x9c\x93\", \"x\": 1}");
    ASSERT_TRUE(p.doc);
    auto x = p.doc->root().find("x");
    EXPECT_EQ(p.doc->line_column(x->offset()).column, 20u);
}

TEST(LabJson, Describe) {
    Parsed p = parse(R"({"a": null, "b": true, "c": 42, "d": "2222", "e": [], "f": [1], "g": {}, "h": {"x": 1},
                        "i": -1.50e+2, "p": "secret"})");
    ASSERT_TRUE(p.doc);
    auto root = p.doc->root();
    EXPECT_EQ(root.find("a")->describe(), "null");
    EXPECT_EQ(root.find("b")->describe(), "true");
    EXPECT_EQ(root.find("c")->describe(), "42");
    EXPECT_EQ(root.find("d")->describe(), "\"2222\"");
    EXPECT_EQ(root.find("e")->describe(), "[]");
    EXPECT_EQ(root.find("f")->describe(), "an array");
    EXPECT_EQ(root.find("g")->describe(), "{}");
    EXPECT_EQ(root.find("h")->describe(), "an object");
    EXPECT_EQ(root.find("i")->describe(), "-1.50e+2");
    EXPECT_EQ(root.find("p")->describe(Secrecy::secret), "a string");
    EXPECT_EQ(root.find("c")->describe(Secrecy::secret), "42");
}

TEST(LabJson, LongStringsAreCutInMessages) {
    std::string long_value(100, 'x');
    Parsed p = parse("{\"a\": \"" + long_value + "\"}");
    ASSERT_TRUE(p.doc);
    EXPECT_EQ(p.doc->root().find("a")->describe(), "\"" + std::string(60, 'x') + "\"...");
}

TEST(LabJson, ByteOrderMarkIsAnErrorThatSaysToRemoveIt) {
    Parsed p = parse("\xef\xbb\xbf{}");
    EXPECT_FALSE(p.doc);
    EXPECT_EQ(p.errors.all().at(0),
              "t.json:1:1: the file starts with a byte-order mark (BOM); remove it (JSON is plain UTF-8)");
}

TEST(LabJson, DuplicateKeysAreErrorsButLeaveADocument) {
    Parsed p = parse("{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2},\n \"a\": 3}");
    ASSERT_TRUE(p.doc);
    auto all = p.errors.all();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], "t.json:2:16: b.x: duplicate key \"x\"; it first appears at line 2, column 8");
    EXPECT_EQ(all[1], "t.json:3:2: a: duplicate key \"a\"; it first appears at line 1, column 2");
    // Escapes decode before comparing: "\u0061" is "a".
    EXPECT_EQ(first_error("{\"a\": 1, \"\\u0061\": 2}"),
              "t.json:1:10: a: duplicate key \"a\"; it first appears at line 1, column 2");
}

TEST(LabJson, SyntaxErrorsNameLineColumnAndPath) {
    EXPECT_EQ(first_error("{\"hosts\": [1, 2,]}"),
              "t.json:1:17: hosts: invalid JSON: expected a value, got ']' (JSON has no trailing commas)");
    EXPECT_EQ(first_error("{\"a\": 1,}"),
              "t.json:1:9: invalid JSON: expected a key in double quotes, got '}' (JSON has no trailing commas)");
    EXPECT_EQ(first_error("{\n  // note\n  \"a\": 1}"),
              "t.json:2:3: invalid JSON: expected a key in double quotes, got '/' (JSON has no comments)");
    EXPECT_EQ(first_error("{'a': 1}"),
              "t.json:1:2: invalid JSON: expected a key in double quotes, got ''' (JSON strings use double quotes)");
    EXPECT_EQ(first_error("{\"a\" 1}"), "t.json:1:6: invalid JSON: expected ':' after the key, got '1'");
    EXPECT_EQ(first_error("{\"a\": 1 \"b\": 2}"),
              "t.json:1:9: invalid JSON: expected ',' or '}' after a member, got '\"'");
    EXPECT_EQ(first_error("[1 2]"), "t.json:1:4: invalid JSON: expected ',' or ']' after an element, got '2'");
    EXPECT_EQ(first_error(""), "t.json:1:1: invalid JSON: expected a value, got the end of the text");
    EXPECT_EQ(first_error("{} {}"),
              "t.json:1:4: invalid JSON: expected the end of the text after the top-level value, got '{'");
    EXPECT_EQ(first_error("{\"a\": \"x"), "t.json:1:7: a: invalid JSON: unterminated string");
    EXPECT_EQ(first_error("{\"a\": True}"), "t.json:1:7: a: invalid JSON: expected a value, got 'T'");
    EXPECT_EQ(first_error("{\"a\": nul}"), "t.json:1:7: a: invalid JSON: expected a value, got 'n'");
}

TEST(LabJson, StrictNumbers) {
    EXPECT_EQ(first_error("[01]"), "t.json:1:3: [0]: invalid JSON: a number cannot start with 0 unless it is 0");
    EXPECT_EQ(first_error("[1.]"), "t.json:1:4: [0]: invalid JSON: expected a digit after '.', got ']'");
    EXPECT_EQ(first_error("[.5]"), "t.json:1:2: [0]: invalid JSON: expected a value, got '.'");
    EXPECT_EQ(first_error("[+1]"), "t.json:1:2: [0]: invalid JSON: expected a value, got '+'");
    EXPECT_EQ(first_error("[1e]"), "t.json:1:4: [0]: invalid JSON: expected a digit in the exponent, got ']'");
    EXPECT_EQ(first_error("[-]"), "t.json:1:3: [0]: invalid JSON: expected a digit, got ']'");
    EXPECT_EQ(first_error("[NaN]"), "t.json:1:2: [0]: invalid JSON: expected a value, got 'N'");
    EXPECT_EQ(first_error("[0, -0, 1.5e-3, 2E+2]"), "(no error)");
}

TEST(LabJson, IntegersBeyond64BitsAreNotIntegers) {
    Parsed p = parse("[9223372036854775807, 9223372036854775808, -9223372036854775808]");
    ASSERT_TRUE(p.doc);
    auto items = p.doc->root().children();
    EXPECT_EQ(items[0].integer(), INT64_MAX);
    EXPECT_EQ(items[1].integer(), std::nullopt);
    EXPECT_EQ(items[2].integer(), INT64_MIN);
}

TEST(LabJson, StrictStrings) {
    EXPECT_EQ(first_error("[\"a\tb\"]"),
              "t.json:1:4: [0]: invalid JSON: control character in a string (write it as an escape such as \\n)");
    EXPECT_EQ(first_error("[\"\\x\"]"), "t.json:1:4: [0]: invalid JSON: invalid escape in a string, got 'x'");
    EXPECT_EQ(first_error("[\"\\u12\"]"), "t.json:1:7: [0]: invalid JSON: expected 4 hex digits after \\u, got '\"'");
    EXPECT_EQ(first_error("[\"\\u0000\"]"), "t.json:1:3: [0]: invalid JSON: \\u0000 is not allowed in a string");
    EXPECT_EQ(first_error("[\"\\ud800\"]"), "t.json:1:3: [0]: invalid JSON: unpaired surrogate \\u escape in a string");
    EXPECT_EQ(first_error("[\"\\udc00\"]"), "t.json:1:3: [0]: invalid JSON: unpaired surrogate \\u escape in a string");
    EXPECT_EQ(first_error("[\"\xff\"]"), "t.json:1:3: [0]: invalid JSON: invalid UTF-8 in a string");
    EXPECT_EQ(first_error("[\"\xc0\xaf\"]"), "t.json:1:3: [0]: invalid JSON: invalid UTF-8 in a string");
    EXPECT_EQ(first_error("[\"\xed\xa0\x80\"]"), "t.json:1:3: [0]: invalid JSON: invalid UTF-8 in a string");
    Parsed ok = parse("[\"\\ud83d\\ude00 \\\"q\\\" \\/ \\b\\f\\n\\r\\t \xf0\x9f\x98\x80\"]");
    ASSERT_TRUE(ok.doc);
    EXPECT_EQ(ok.doc->root().children()[0].string(), "\xf0\x9f\x98\x80 \"q\" / \b\f\n\r\t \xf0\x9f\x98\x80");
}

TEST(LabJson, OnlyTheFourJsonWhitespaceCharacters) {
    EXPECT_EQ(first_error("{\f}"), "t.json:1:2: invalid JSON: expected a key in double quotes, got byte 0x0c");
    EXPECT_EQ(first_error("[\v1]"), "t.json:1:2: [0]: invalid JSON: expected a value, got byte 0x0b");
    EXPECT_EQ(first_error(" \t\r\n[ 1 ]\r\n"), "(no error)");
}

TEST(LabJson, NestingIsBounded) {
    std::string deep(kMaxJsonDepth + 1, '[');
    deep += std::string(kMaxJsonDepth + 1, ']');
    EXPECT_NE(first_error(deep).find("nesting deeper than"), std::string::npos);
    std::string fine(kMaxJsonDepth, '[');
    fine += std::string(kMaxJsonDepth, ']');
    EXPECT_EQ(first_error(fine), "(no error)");
}

TEST(LabJson, EmbeddedNulIsNotWhitespace) {
    EXPECT_EQ(first_error(std::string("[1]\0", 4)),
              "t.json:1:4: invalid JSON: expected the end of the text after the top-level value, got byte 0x00");
}

TEST(LabJson, RepeatedKeysKeepTheirOwnPositions) {
    // The position tree mirrors cJSON's children even for repeated keys.
    Parsed p = parse("{\"k\": 1, \"k\": \"two\"}");
    ASSERT_TRUE(p.doc);
    auto members = p.doc->root().children();
    ASSERT_EQ(members.size(), 2u);
    EXPECT_EQ(members[0].describe(), "1");
    EXPECT_EQ(members[1].describe(), "\"two\"");
    EXPECT_EQ(p.doc->line_column(members[1].offset()).column, 15u);
}

}  // namespace
}  // namespace otto::lab
