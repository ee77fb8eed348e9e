// Strict typed reads of JSON values (LAB-FORMAT §3.6). Each reader reports
// "expected X, got Y" at the value when it does not fit and returns nothing;
// the caller carries on so that every error of a host is reported (§13.4).
// "or null" readers return nothing for null too, without an error.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"

namespace otto::lab {

enum class Null { rejected, allowed };

// Adds "expected <expected>, got <the value>" at `value`.
void report_expected(const JsonRef &value, Diagnostics &errors, std::string_view expected,
                     Secrecy secrecy = Secrecy::plain);

std::optional<std::string> read_string(const JsonRef &value, Diagnostics &errors, Null null = Null::rejected,
                                       Secrecy secrecy = Secrecy::plain);
std::optional<std::string> read_non_empty_string(const JsonRef &value, Diagnostics &errors, Null null = Null::rejected);
std::optional<bool> read_bool(const JsonRef &value, Diagnostics &errors);

// An integer (no fraction, no exponent) within [min, max].
std::optional<int64_t> read_integer(const JsonRef &value, Diagnostics &errors, int64_t min,
                                    int64_t max = std::numeric_limits<int64_t>::max(), Null null = Null::rejected);

// A finite number (integer or fraction) above `bound`, or at least `bound`.
enum class Bound { above, at_least };
std::optional<double> read_number(const JsonRef &value, Diagnostics &errors, Bound bound, double limit,
                                  Null null = Null::rejected);

// One of `choices`; the message lists them.
std::optional<std::string> read_choice(const JsonRef &value, Diagnostics &errors,
                                       const std::vector<std::string_view> &choices, Null null = Null::rejected);

// An array of strings; with `one_string_ok` a lone string counts as a list of
// one ("valid_terms": "ssh").
enum class OneString { rejected, accepted };
std::optional<std::vector<std::string>> read_strings(const JsonRef &value, Diagnostics &errors,
                                                     OneString one = OneString::rejected, Null null = Null::rejected);

// Reports unless `value` is an object; returns whether it is.
bool expect_object(const JsonRef &value, Diagnostics &errors, Null null = Null::rejected);

// "\"a\", \"b\" or \"c\"".
std::string one_of(const std::vector<std::string_view> &choices);

}  // namespace otto::lab
