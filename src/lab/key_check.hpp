// Unknown keys of objects whose keys are field names (LAB-FORMAT §3.4, §3.5,
// §13.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"

namespace otto::lab {

// The known key nearest to `unknown`: the smallest edit distance, ignoring
// case, if it is at most 2 (the first such key on ties).
std::optional<std::string_view> nearest_key(std::string_view unknown, const std::vector<std::string_view> &known);

// How unknown keys of one kind of object are reported.
struct KeyRules {
    std::vector<std::string_view> known;
    // "key" for most objects, "section" for the top level of lab.json.
    std::string_view noun = "key";
    // The top level also ignores "$schema" (§3.4).
    bool allow_schema = false;
    // List the known keys even when one is suggested (the top level does).
    bool always_list = false;
};

// Reports every member of `object` that is not known and not a comment
// (a key starting with '_'). Returns whether there was none.
bool check_keys(const JsonRef &object, const KeyRules &rules, Diagnostics &errors);

}  // namespace otto::lab
