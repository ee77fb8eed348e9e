#include "lab/key_check.hpp"

#include <algorithm>

namespace otto::lab {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t substitution = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

std::string joined(const std::vector<std::string_view> &keys) {
    std::string out;
    for (auto k : keys) {
        if (!out.empty()) out += ", ";
        out += k;
    }
    return out;
}

}  // namespace

std::optional<std::string_view> nearest_key(std::string_view unknown, const std::vector<std::string_view> &known) {
    std::optional<std::string_view> best;
    size_t best_distance = 3;
    for (auto k : known) {
        // Lengths further apart than 2 cannot be within distance 2.
        size_t gap = k.size() > unknown.size() ? k.size() - unknown.size() : unknown.size() - k.size();
        if (gap >= best_distance) continue;
        size_t d = edit_distance(unknown, k);
        if (d < best_distance) {
            best_distance = d;
            best = k;
        }
    }
    return best;
}

bool check_keys(const JsonRef &object, const KeyRules &rules, Diagnostics &errors) {
    bool clean = true;
    for (const auto &member : object.children()) {
        std::string_view key = member.key();
        if (!key.empty() && key[0] == '_') continue;
        if (rules.allow_schema && key == "$schema") continue;
        if (std::find(rules.known.begin(), rules.known.end(), key) != rules.known.end()) continue;
        clean = false;
        std::string text = "unknown " + std::string(rules.noun);
        auto near = nearest_key(key, rules.known);
        std::string plural = std::string(rules.noun) + "s";
        if (near) {
            text += "; did you mean " + json_quote(*near) + "?";
            if (rules.always_list) text += " Known " + plural + ": " + joined(rules.known);
        } else {
            text += "; known " + plural + ": " + joined(rules.known);
        }
        member.report_at_key(errors, text);
    }
    return clean;
}

}  // namespace otto::lab
