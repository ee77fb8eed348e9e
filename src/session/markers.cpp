#include "session/markers.hpp"

#include <algorithm>
#include <utility>

#include "util/random_id.hpp"

namespace otto {

namespace {

constexpr size_t kTokenDigits = 12;
constexpr size_t kNonceDigits = 12;
constexpr size_t kMaxCodeDigits = 9;  // exit codes fit comfortably

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Consumes `<kNonceDigits hex digits>__` from `rest`; false if not there.
bool skip_nonce(std::string_view &rest) {
    if (rest.size() < kNonceDigits + 2) return false;
    for (size_t i = 0; i < kNonceDigits; ++i)
        if (!is_hex_digit(rest[i])) return false;
    if (rest.substr(kNonceDigits, 2) != "__") return false;
    rest.remove_prefix(kNonceDigits + 2);
    return true;
}

}  // namespace

Token Token::generate() { return Token(random_hex(kTokenDigits)); }

const Token &Token::placeholder() {
    static const Token token(std::string(kTokenDigits, '0'));
    return token;
}

Token::Token(std::string id) : id_(std::move(id)) {
    text_ = "__OTTO_" + id_ + "_";
    ready_ = text_ + "READY__";
}

std::string Token::split_echo(std::string_view suffix) const {
    std::string s = "echo \"";
    s += text_;
    s += "\"\"";
    s += suffix;
    s += '"';
    return s;
}

FrameMarkers FrameMarkers::draw(const Token &token) {
    return FrameMarkers(token, pooled_random_hex(kNonceDigits), pooled_random_hex(kNonceDigits));
}

const FrameMarkers &FrameMarkers::placeholder() {
    static const FrameMarkers markers(Token::placeholder(), std::string(kNonceDigits, '0'),
                                      std::string(kNonceDigits, '0'));
    return markers;
}

FrameMarkers::FrameMarkers(const Token &token, std::string_view begin_nonce, std::string_view end_nonce) {
    begin_kind_ = "BEGIN_";
    begin_kind_ += begin_nonce;
    begin_kind_ += "__";
    begin_ = token.text() + begin_kind_;
    end_kind_ = "END_";
    end_kind_ += end_nonce;
    end_kind_ += "__";
}

std::string draw_recover_kind() { return "RECOVER_" + pooled_random_hex(kNonceDigits) + "__"; }

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

size_t token_start_at_end(std::string_view text, const Token &token) {
    std::string_view t = token.text();
    for (size_t n = std::min(text.size(), t.size() - 1); n > 0; --n)
        if (text.substr(text.size() - n) == t.substr(0, n)) return n;
    return 0;
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
    if (clean == token.ready()) return true;
    std::string_view rest = clean;
    if (rest.substr(0, token.text().size()) != token.text()) return false;
    rest.remove_prefix(token.text().size());
    // BEGIN_<nonce>__, END_<nonce>__<digits>__ or RECOVER_<nonce>__<digits>__,
    // any nonce: a line left by an earlier frame or probe.
    bool numbered = false;
    if (rest.substr(0, 6) == "BEGIN_") {
        rest.remove_prefix(6);
    } else if (rest.substr(0, 4) == "END_") {
        rest.remove_prefix(4);
        numbered = true;
    } else if (rest.substr(0, 8) == "RECOVER_") {
        rest.remove_prefix(8);
        numbered = true;
    } else {
        return false;
    }
    if (!skip_nonce(rest)) return false;
    if (!numbered) return rest.empty();
    size_t digits = 0;
    while (digits < rest.size() && digits < kMaxCodeDigits && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    return digits > 0 && rest.substr(digits) == "__";
}

}  // namespace otto
