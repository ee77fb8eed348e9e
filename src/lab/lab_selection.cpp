#include "lab/lab_selection.hpp"

#include "lab/json_path.hpp"

namespace otto::lab {

namespace {

std::string_view trimmed(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<std::vector<std::string>> parse_selection(std::string_view selection) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t plus = selection.find('+', start);
        std::string_view part = trimmed(selection.substr(start, plus == std::string_view::npos ? plus : plus - start));
        if (part.empty()) return std::nullopt;
        parts.emplace_back(part);
        if (plus == std::string_view::npos) break;
        start = plus + 1;
    }
    return parts;
}

std::string bad_selection_message(std::string_view selection) {
    return "lab selection " + json_quote(selection) + ": expected LAB[+LAB...]";
}

}  // namespace otto::lab
