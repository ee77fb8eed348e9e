#include "session/markers.hpp"

#include <algorithm>
#include <utility>

#include "util/random_id.hpp"

namespace otto {

namespace {
constexpr size_t kTokenDigits = 12;
constexpr size_t kMaxCodeDigits = 9;  // exit codes fit comfortably
}  // namespace

Token Token::generate() { return Token(random_hex(kTokenDigits)); }

const Token &Token::placeholder() {
    static const Token token(std::string(kTokenDigits, '0'));
    return token;
}

Token::Token(std::string id) : id_(std::move(id)) {
    text_ = "__OTTO_" + id_ + "_";
    ready_ = text_ + "READY__";
    begin_ = text_ + "BEGIN__";
}

std::string Token::split_echo(std::string_view suffix) const {
    std::string s = "echo \"";
    s += text_;
    s += "\"\"";
    s += suffix;
    s += '"';
    return s;
}

std::optional<NumberedMarker> find_numbered_marker(std::string_view text, const Token &token, std::string_view kind) {
    const std::string &t = token.text();
    size_t from = 0;
    while (from < text.size()) {
        size_t at = text.find(t, from);
        if (at == std::string_view::npos) return std::nullopt;
        size_t p = at + t.size();
        if (text.substr(p, kind.size()) == kind) {
            p += kind.size();
            size_t digits_start = p;
            long long code = 0;
            while (p < text.size() && text[p] >= '0' && text[p] <= '9' && p - digits_start < kMaxCodeDigits) {
                code = code * 10 + (text[p] - '0');
                ++p;
            }
            if (p > digits_start && text.substr(p, 2) == "__") {
                return NumberedMarker{at, p + 2, static_cast<int>(code)};
            }
        }
        from = at + 1;
    }
    return std::nullopt;
}

size_t skip_csi(std::string_view text, size_t pos) {
    while (pos + 1 < text.size() && text[pos] == '\x1b' && text[pos + 1] == '[') {
        size_t p = pos + 2;
        while (p < text.size() && text[p] >= 0x30 && text[p] <= 0x3f) ++p;     // parameters
        while (p < text.size() && text[p] >= 0x20 && text[p] <= 0x2f) ++p;     // intermediates
        if (p >= text.size() || text[p] < 0x40 || text[p] > 0x7e) return pos;  // incomplete
        pos = p + 1;
    }
    return pos;
}

bool at_line_start(std::string_view text, size_t pos) {
    size_t line_start = 0;
    for (size_t i = pos; i > 0; --i) {
        char c = text[i - 1];
        if (c == '\n' || c == '\r') {
            line_start = i;
            break;
        }
    }
    // Between the line start and pos there may only be CSI sequences; each
    // ends before pos, so walk them forward.
    size_t p = line_start;
    while (p < pos) {
        size_t next = skip_csi(text.substr(0, pos), p);
        if (next == p) return false;
        p = next;
    }
    return p == pos;
}

bool is_marker_only_line(std::string_view line, const Token &token) {
    std::string clean;
    clean.reserve(line.size());
    for (size_t i = 0; i < line.size();) {
        if (line[i] == '\r') {
            ++i;
            continue;
        }
        size_t after = skip_csi(line, i);
        if (after != i) {
            i = after;
            continue;
        }
        clean.push_back(line[i++]);
    }
    if (clean == token.ready() || clean == token.begin()) return true;
    for (std::string_view kind : {std::string_view("END__"), std::string_view("RECOVER__")}) {
        auto m = find_numbered_marker(clean, token, kind);
        if (m && m->begin == 0 && m->end == clean.size()) return true;
    }
    return false;
}

}  // namespace otto
