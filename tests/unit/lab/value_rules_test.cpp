// Typed reads and unknown keys (LAB-FORMAT §3.4-§3.6, §13.3).
#include "lab/value_rules.hpp"

#include <gtest/gtest.h>

#include "lab/key_check.hpp"

namespace otto::lab {
namespace {

// One document whose top-level members the tests read.
class Values {
public:
    explicit Values(const std::string &text) : doc_(JsonDocument::parse(text, "v.json", 0, errors)) {
        EXPECT_TRUE(doc_) << text;
        EXPECT_TRUE(errors.empty());
    }
    JsonRef operator[](const char *key) const { return *doc_->root().find(key); }
    JsonRef root() const { return doc_->root(); }
    // The message of the one error the last read added.
    std::string last_error() {
        auto all = errors.all();
        std::string text = all.size() == 1 ? all.front() : "(" + std::to_string(all.size()) + " errors)";
        errors = Diagnostics();
        return text;
    }

    Diagnostics errors;

private:
    std::unique_ptr<JsonDocument> doc_;
};

TEST(LabKeys, NearestKeyIgnoresCaseWithinDistanceTwo) {
    std::vector<std::string_view> known = {"ip", "labs", "valid_terms", "element"};
    EXPECT_EQ(nearest_key("lab", known), "labs");
    EXPECT_EQ(nearest_key("LABS", known), "labs");
    EXPECT_EQ(nearest_key("valid_term", known), "valid_terms");
    EXPECT_EQ(nearest_key("elemnet", known), "element");
    EXPECT_EQ(nearest_key("hostname", known), std::nullopt);
    EXPECT_EQ(nearest_key("xyz", {"ip"}), std::nullopt);  // distance 3
}

TEST(LabKeys, UnknownKeysSuggestOrList) {
    Values v("{\"lab\": 1, \"zzz\": 2, \"_note\": 3, \"ip\": 4, \"$schema\": 5}");
    KeyRules rules{{"ip", "labs"}};
    EXPECT_FALSE(check_keys(v.root(), rules, v.errors));
    auto all = v.errors.all();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0], "v.json:1:2: lab: unknown key; did you mean \"labs\"?");
    EXPECT_EQ(all[1], "v.json:1:12: zzz: unknown key; known keys: ip, labs");
    // "$schema" is a comment only where the rules say so (the top level).
    EXPECT_EQ(all[2], "v.json:1:43: [\"$schema\"]: unknown key; known keys: ip, labs");
}

TEST(LabKeys, SectionsAlwaysListed) {
    Values v("{\"host\": [], \"$schema\": \"x\", \"_c\": 1, \"zz\": 1}");
    KeyRules rules{{"hosts", "links"}, "section", true, true};
    check_keys(v.root(), rules, v.errors);
    auto all = v.errors.all();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], "v.json:1:2: host: unknown section; did you mean \"hosts\"? Known sections: hosts, links");
    EXPECT_EQ(all[1], "v.json:1:39: zz: unknown section; known sections: hosts, links");
}

TEST(LabValues, Strings) {
    Values v(R"({"s": "x", "e": "", "n": null, "i": 42})");
    EXPECT_EQ(read_string(v["s"], v.errors), "x");
    EXPECT_EQ(read_string(v["n"], v.errors, Null::allowed), std::nullopt);
    EXPECT_TRUE(v.errors.empty());
    EXPECT_EQ(read_string(v["n"], v.errors), std::nullopt);
    EXPECT_EQ(v.last_error(), "v.json:1:26: n: expected a string, got null");
    EXPECT_EQ(read_string(v["i"], v.errors, Null::allowed), std::nullopt);
    EXPECT_EQ(v.last_error(), "v.json:1:37: i: expected a string or null, got 42");
    EXPECT_EQ(read_non_empty_string(v["e"], v.errors), std::nullopt);
    EXPECT_EQ(v.last_error(), "v.json:1:17: e: expected a non-empty string, got \"\"");
}

TEST(LabValues, IntegersAreStrict) {
    Values v(R"({"a": 2, "b": "2", "c": 2.5, "d": 2.0, "e": 2e0, "f": 70000, "g": -1, "h": null})");
    EXPECT_EQ(read_integer(v["a"], v.errors, 1, 65535), 2);
    EXPECT_TRUE(v.errors.empty());
    read_integer(v["b"], v.errors, 1, 65535);
    EXPECT_EQ(v.last_error(), "v.json:1:15: b: expected an integer 1-65535, got \"2\"");
    read_integer(v["c"], v.errors, 1, 65535);
    EXPECT_EQ(v.last_error(), "v.json:1:25: c: expected an integer 1-65535, got 2.5");
    read_integer(v["d"], v.errors, 0);
    EXPECT_EQ(v.last_error(), "v.json:1:35: d: expected an integer >= 0, got 2.0");
    read_integer(v["e"], v.errors, 0);
    EXPECT_EQ(v.last_error(), "v.json:1:45: e: expected an integer >= 0, got 2e0");
    read_integer(v["f"], v.errors, 1, 65535);
    EXPECT_EQ(v.last_error(), "v.json:1:55: f: expected an integer 1-65535, got 70000");
    read_integer(v["g"], v.errors, 0, INT64_MAX, Null::allowed);
    EXPECT_EQ(v.last_error(), "v.json:1:67: g: expected an integer >= 0 or null, got -1");
    size_t before = v.errors.size();
    EXPECT_EQ(read_integer(v["h"], v.errors, 0, INT64_MAX, Null::allowed), std::nullopt);
    EXPECT_EQ(v.errors.size(), before);
}

TEST(LabValues, NumbersAcceptIntegersAndFractions) {
    Values v(R"({"a": 2, "b": 0.5, "c": 0, "d": "1", "e": 1e999})");
    EXPECT_EQ(read_number(v["a"], v.errors, Bound::above, 0), 2.0);
    EXPECT_EQ(read_number(v["b"], v.errors, Bound::above, 0), 0.5);
    EXPECT_EQ(read_number(v["c"], v.errors, Bound::at_least, 0), 0.0);
    EXPECT_TRUE(v.errors.empty());
    read_number(v["c"], v.errors, Bound::above, 0, Null::allowed);
    EXPECT_EQ(v.last_error(), "v.json:1:25: c: expected a number > 0 or null, got 0");
    read_number(v["d"], v.errors, Bound::at_least, 0);
    EXPECT_EQ(v.last_error(), "v.json:1:33: d: expected a number >= 0, got \"1\"");
    read_number(v["e"], v.errors, Bound::above, 0);
    EXPECT_EQ(v.last_error(), "v.json:1:43: e: expected a number > 0, got 1e999");
}

TEST(LabValues, BooleansChoicesAndLists) {
    Values v(R"({"t": true, "z": 0, "c": "ash", "x": "zsh", "l": ["a", 1], "one": "ssh", "o": {}})");
    EXPECT_EQ(read_bool(v["t"], v.errors), true);
    EXPECT_EQ(read_choice(v["c"], v.errors, {"bash", "ash"}), "ash");
    EXPECT_EQ(read_strings(v["one"], v.errors, OneString::accepted), (std::vector<std::string>{"ssh"}));
    EXPECT_TRUE(expect_object(v["o"], v.errors));
    EXPECT_TRUE(v.errors.empty());
    read_bool(v["z"], v.errors);
    EXPECT_EQ(v.last_error(), "v.json:1:18: z: expected a boolean, got 0");
    read_choice(v["x"], v.errors, {"bash", "ash"}, Null::allowed);
    EXPECT_EQ(v.last_error(), "v.json:1:38: x: expected \"bash\" or \"ash\" or null, got \"zsh\"");
    read_strings(v["l"], v.errors);
    EXPECT_EQ(v.last_error(), "v.json:1:56: l[1]: expected a string, got 1");
    read_strings(v["one"], v.errors);
    EXPECT_EQ(v.last_error(), "v.json:1:67: one: expected an array of strings, got \"ssh\"");
    expect_object(v["t"], v.errors);
    EXPECT_EQ(v.last_error(), "v.json:1:7: t: expected an object, got true");
    EXPECT_EQ(one_of({"a", "b", "c"}), "\"a\", \"b\" or \"c\"");
}

}  // namespace
}  // namespace otto::lab
