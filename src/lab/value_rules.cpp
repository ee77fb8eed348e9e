#include "lab/value_rules.hpp"

#include <cmath>

namespace otto::lab {

namespace {

std::string with_null(std::string expected, Null null) {
    if (null == Null::allowed) expected += " or null";
    return expected;
}

std::string integer_range(int64_t min, int64_t max) {
    if (max == std::numeric_limits<int64_t>::max()) return "an integer >= " + std::to_string(min);
    return "an integer " + std::to_string(min) + "-" + std::to_string(max);
}

std::string number_bound(Bound bound, double limit) {
    std::string l = std::to_string(limit);
    // std::to_string prints six decimals; limits here are small whole numbers.
    if (limit == std::floor(limit)) l = std::to_string(static_cast<int64_t>(limit));
    return std::string("a number ") + (bound == Bound::above ? "> " : ">= ") + l;
}

}  // namespace

void report_expected(const JsonRef &value, Diagnostics &errors, std::string_view expected, Secrecy secrecy) {
    value.report(errors, "expected " + std::string(expected) + ", got " + value.describe(secrecy));
}

std::optional<std::string> read_string(const JsonRef &value, Diagnostics &errors, Null null, Secrecy secrecy) {
    if (value.is(JsonKind::string)) return std::string(value.string());
    if (!(value.is_null() && null == Null::allowed))
        report_expected(value, errors, with_null("a string", null), secrecy);
    return std::nullopt;
}

std::optional<std::string> read_non_empty_string(const JsonRef &value, Diagnostics &errors, Null null) {
    if (value.is(JsonKind::string) && !value.string().empty()) return std::string(value.string());
    if (!(value.is_null() && null == Null::allowed))
        report_expected(value, errors, with_null("a non-empty string", null));
    return std::nullopt;
}

std::optional<bool> read_bool(const JsonRef &value, Diagnostics &errors) {
    if (value.is(JsonKind::boolean)) return value.boolean();
    report_expected(value, errors, "a boolean");
    return std::nullopt;
}

std::optional<int64_t> read_integer(const JsonRef &value, Diagnostics &errors, int64_t min, int64_t max, Null null) {
    if (value.is_null() && null == Null::allowed) return std::nullopt;
    auto v = value.integer();
    if (v && *v >= min && *v <= max) return v;
    report_expected(value, errors, with_null(integer_range(min, max), null));
    return std::nullopt;
}

std::optional<double> read_number(const JsonRef &value, Diagnostics &errors, Bound bound, double limit, Null null) {
    if (value.is_null() && null == Null::allowed) return std::nullopt;
    if (value.is(JsonKind::number)) {
        double v = value.number();
        bool fits = bound == Bound::above ? v > limit : v >= limit;
        if (std::isfinite(v) && fits) return v;
    }
    report_expected(value, errors, with_null(number_bound(bound, limit), null));
    return std::nullopt;
}

std::string one_of(const std::vector<std::string_view> &choices) {
    std::string out;
    for (size_t i = 0; i < choices.size(); ++i) {
        if (i > 0) out += (i + 1 == choices.size()) ? " or " : ", ";
        out += json_quote(choices[i]);
    }
    return out;
}

std::optional<std::string> read_choice(const JsonRef &value, Diagnostics &errors,
                                       const std::vector<std::string_view> &choices, Null null) {
    if (value.is_null() && null == Null::allowed) return std::nullopt;
    if (value.is(JsonKind::string)) {
        for (auto c : choices) {
            if (value.string() == c) return std::string(c);
        }
    }
    report_expected(value, errors, with_null(one_of(choices), null));
    return std::nullopt;
}

std::optional<std::vector<std::string>> read_strings(const JsonRef &value, Diagnostics &errors, OneString one,
                                                     Null null) {
    if (value.is_null() && null == Null::allowed) return std::nullopt;
    if (one == OneString::accepted && value.is(JsonKind::string))
        return std::vector<std::string>{std::string(value.string())};
    if (!value.is(JsonKind::array)) {
        std::string expected = one == OneString::accepted ? "a string or an array of strings" : "an array of strings";
        report_expected(value, errors, with_null(expected, null));
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto &element : value.children()) {
        if (element.is(JsonKind::string)) {
            out.emplace_back(element.string());
        } else {
            report_expected(element, errors, "a string");
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

bool expect_object(const JsonRef &value, Diagnostics &errors, Null null) {
    if (value.is(JsonKind::object)) return true;
    if (!(value.is_null() && null == Null::allowed)) report_expected(value, errors, with_null("an object", null));
    return false;
}

}  // namespace otto::lab
