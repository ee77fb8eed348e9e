#include "transport/telnet/login_answer.hpp"

#include <array>
#include <cctype>

#include "session/markers.hpp"
#include "util/printable.hpp"

namespace otto {

namespace {

constexpr size_t kExcerptChars = 100;

// What login programs print when they refuse a login (§11.4), lower case.
constexpr std::array<std::string_view, 4> kRefusalPhrases = {"login incorrect", "authentication fail", "access denied",
                                                             "permission denied"};

// Prompts that ask for credentials, lower case: shown after the password,
// the login starts over.
constexpr std::array<std::string_view, 3> kCredentialPrompts = {"login:", "username:", "password:"};

// How shell prompts end ("$ ", "# ", "router> ", "% "), blanks trimmed.
constexpr std::string_view kShellPromptEnds = "$#>%";

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && equal_ignoring_case(text.substr(text.size() - suffix.size()), suffix);
}

size_t find_ignoring_case(std::string_view text, std::string_view needle) {
    for (size_t at = 0; at + needle.size() <= text.size(); ++at)
        if (equal_ignoring_case(text.substr(at, needle.size()), needle)) return at;
    return std::string_view::npos;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

// `text` without CSI sequences (colours, bracketed paste) and CRs.
std::string without_csi_and_cr(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        size_t after = skip_csi(text, i);
        if (after != i) {
            i = after;
            continue;
        }
        if (text[i] != '\r') out.push_back(text[i]);
        ++i;
    }
    return out;
}

// `line` without CSI sequences and CRs, blanks at both ends trimmed.
std::string clean_line(std::string_view line) {
    std::string out = without_csi_and_cr(line);
    size_t first = 0;
    while (first < out.size() && blank(out[first])) ++first;
    size_t last = out.size();
    while (last > first && blank(out[last - 1])) --last;
    return out.substr(first, last - first);
}

std::string excerpt_of(std::string_view line) { return printable_excerpt(clean_line(line), kExcerptChars); }

// True if `text` holds nothing a person would read: line ends, blanks, NULs
// and terminal control sequences only.
bool says_nothing(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t after = skip_csi(text, i);
        if (after != i) {
            i = after;
            continue;
        }
        if (static_cast<unsigned char>(text[i]) > 0x20) return false;
        ++i;
    }
    return true;
}

// The line holding a phrase of refusal, as an excerpt.
std::optional<std::string> refusal_line(std::string_view said) {
    const std::string text = without_csi_and_cr(said);  // a colour may sit inside the phrase
    for (std::string_view phrase : kRefusalPhrases) {
        size_t at = find_ignoring_case(text, phrase);
        if (at == std::string::npos) continue;
        size_t start = text.rfind('\n', at);
        start = start == std::string::npos ? 0 : start + 1;
        size_t end = text.find('\n', at);
        return excerpt_of(
            std::string_view(text).substr(start, end == std::string::npos ? std::string::npos : end - start));
    }
    return std::nullopt;
}

// `said` after an echo of `typed` at its start (a server that echoes
// repeats the login name before it answers).
std::string_view after_echo(std::string_view said, std::string_view typed) {
    if (typed.empty()) return said;
    size_t at = 0;
    while (at < said.size() && static_cast<unsigned char>(said[at]) <= 0x20) ++at;
    if (said.substr(at, typed.size()) == typed) return said.substr(at + typed.size());
    return said;
}

}  // namespace

std::string last_line_of(std::string_view text) {
    size_t nl = text.rfind('\n');
    return clean_line(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

std::optional<std::string> find_login_refusal(std::string_view text) {
    if (auto line = refusal_line(text)) return line;
    std::string last = last_line_of(text);
    if (ends_with_ignoring_case(last, "login:")) return printable_excerpt(last, kExcerptChars);
    return std::nullopt;
}

LoginAnswer judge_login_answer(std::string_view said, std::string_view typed,
                               const std::vector<std::string> &answered_prompts, bool quiet) {
    said = after_echo(said, typed);
    if (auto line = refusal_line(said)) return {LoginVerdict::Refused, *line};
    std::string last = last_line_of(said);
    if (!last.empty()) {
        for (const std::string &prompt : answered_prompts)
            if (last == prompt) return {LoginVerdict::Refused, printable_excerpt(last, kExcerptChars)};
        if (kShellPromptEnds.find(last.back()) != std::string_view::npos) return {LoginVerdict::LoggedIn, {}};
    }
    // A prompt is told from a line cut at a read boundary only once the
    // server has gone quiet, waiting for input.
    if (!quiet) return {};
    for (std::string_view prompt : kCredentialPrompts)
        if (ends_with_ignoring_case(last, prompt))
            return {LoginVerdict::Refused, printable_excerpt(last, kExcerptChars)};
    if (!says_nothing(said)) return {LoginVerdict::LoggedIn, {}};
    return {};
}

}  // namespace otto
