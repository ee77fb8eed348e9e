#include "lab/json_locator.hpp"

#include <cstdio>

#include "lab/json_path.hpp"

namespace otto::lab {

namespace {

// Thrown to unwind the recursive descent at the first syntax error.
struct Stop {
    SyntaxError error;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) { paths_.emplace_back(); }

    LocatedText run() {
        LocatedText out;
        try {
            skip_whitespace();
            value(out.root, 0);
            skip_whitespace();
            if (pos_ < text_.size()) fail("expected the end of the text after the top-level value, got " + found());
        } catch (const Stop &stop) {
            out.error = stop.error;
        }
        return out;
    }

private:
    std::string_view text_;
    size_t pos_ = 0;
    std::vector<JsonPath> paths_;  // back(): the value being read

    [[noreturn]] void fail(std::string message) { fail_at(pos_, std::move(message)); }

    [[noreturn]] void fail_at(size_t offset, std::string message) {
        throw Stop{SyntaxError{offset, paths_.back().str(), std::move(message)}};
    }

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }

    // What stands at the current position, for "got ..." in messages.
    std::string found() const {
        if (at_end()) return "the end of the text";
        auto c = static_cast<unsigned char>(text_[pos_]);
        std::string what;
        if (c >= 0x21 && c < 0x7f) {
            what = "'";
            what += static_cast<char>(c);
            what += "'";
        } else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
            what = buf;
        }
        if (c == '/') what += " (JSON has no comments)";
        if (c == '\'') what += " (JSON strings use double quotes)";
        return what;
    }

    void skip_whitespace() {
        while (!at_end()) {
            char c = text_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++pos_;
        }
    }

    void value(PositionNode &node, size_t depth) {
        if (depth >= kMaxJsonDepth) fail("nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        node.offset = pos_;
        char c = peek();
        if (c == '{') return object(node, depth);
        if (c == '[') return array(node, depth);
        if (c == '"') {
            node.kind = JsonKind::string;
            string_token();
            return;
        }
        if (c == '-' || is_digit(c)) return number(node);
        if (literal("true") || literal("false")) {
            node.kind = JsonKind::boolean;
            return;
        }
        if (literal("null")) {
            node.kind = JsonKind::null;
            return;
        }
        fail("expected a value, got " + found());
    }

    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    void object(PositionNode &node, size_t depth) {
        node.kind = JsonKind::object;
        ++pos_;
        skip_whitespace();
        if (peek() == '}') {
            ++pos_;
            return;
        }
        for (;;) {
            if (peek() != '"') {
                if (peek() == '}') fail("expected a key in double quotes, got '}' (JSON has no trailing commas)");
                fail("expected a key in double quotes, got " + found());
            }
            size_t key_offset = pos_;
            std::string key = string_token();
            skip_whitespace();
            if (peek() != ':') fail("expected ':' after the key, got " + found());
            ++pos_;
            skip_whitespace();
            paths_.push_back(paths_.back().member(key));
            PositionNode child;
            value(child, depth + 1);
            child.key_offset = key_offset;
            paths_.pop_back();
            node.children.push_back(std::move(child));
            skip_whitespace();
            if (peek() == ',') {
                ++pos_;
                skip_whitespace();
                continue;
            }
            if (peek() == '}') {
                ++pos_;
                return;
            }
            fail("expected ',' or '}' after a member, got " + found());
        }
    }

    void array(PositionNode &node, size_t depth) {
        node.kind = JsonKind::array;
        ++pos_;
        skip_whitespace();
        if (peek() == ']') {
            ++pos_;
            return;
        }
        for (;;) {
            if (peek() == ']') fail("expected a value, got ']' (JSON has no trailing commas)");
            paths_.push_back(paths_.back().index(node.children.size()));
            PositionNode child;
            value(child, depth + 1);
            paths_.pop_back();
            node.children.push_back(std::move(child));
            skip_whitespace();
            if (peek() == ',') {
                ++pos_;
                skip_whitespace();
                continue;
            }
            if (peek() == ']') {
                ++pos_;
                return;
            }
            fail("expected ',' or ']' after an element, got " + found());
        }
    }

    void number(PositionNode &node) {
        node.kind = JsonKind::number;
        size_t start = pos_;
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
            if (is_digit(peek())) fail("a number cannot start with 0 unless it is 0");
        } else if (is_digit(peek())) {
            while (is_digit(peek())) ++pos_;
        } else {
            fail("expected a digit, got " + found());
        }
        if (peek() == '.') {
            ++pos_;
            if (!is_digit(peek())) fail("expected a digit after '.', got " + found());
            while (is_digit(peek())) ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!is_digit(peek())) fail("expected a digit in the exponent, got " + found());
            while (is_digit(peek())) ++pos_;
        }
        node.number_text = std::string(text_.substr(start, pos_ - start));
    }

    unsigned hex4() {
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = peek();
            if (!is_hex(c)) fail("expected 4 hex digits after \\u, got " + found());
            v = v * 16 + static_cast<unsigned>(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            ++pos_;
        }
        return v;
    }

    // Validates a string token and returns its text between the quotes with
    // escapes left as written (only used to print paths).
    std::string string_token() {
        size_t open = pos_;
        ++pos_;
        for (;;) {
            if (at_end()) fail_at(open, "unterminated string");
            auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return std::string(text_.substr(open + 1, pos_ - open - 2));
            }
            if (c < 0x20) fail("control character in a string (write it as an escape such as \\n)");
            if (c == '\\') {
                escape();
            } else if (c >= 0x80) {
                utf8_sequence();
            } else {
                ++pos_;
            }
        }
    }

    void escape() {
        size_t start = pos_;
        ++pos_;
        char e = peek();
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            ++pos_;
            return;
        }
        if (e != 'u') fail("invalid escape in a string, got " + found());
        ++pos_;
        unsigned unit = hex4();
        // Lab strings are C strings to the rest of otto, and cJSON rejects
        // unpaired surrogates: say so here, with the position.
        if (unit == 0) fail_at(start, "\\u0000 is not allowed in a string");
        if (unit >= 0xdc00 && unit <= 0xdfff) fail_at(start, "unpaired surrogate \\u escape in a string");
        if (unit >= 0xd800 && unit <= 0xdbff) {
            if (text_.substr(pos_, 2) != "\\u") fail_at(start, "unpaired surrogate \\u escape in a string");
            pos_ += 2;
            unsigned low = hex4();
            if (low < 0xdc00 || low > 0xdfff) fail_at(start, "unpaired surrogate \\u escape in a string");
        }
    }

    void utf8_sequence() {
        auto c = static_cast<unsigned char>(text_[pos_]);
        size_t extra;
        unsigned cp;
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1fu;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0fu;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07u;
        } else {
            fail("invalid UTF-8 in a string");
        }
        if (pos_ + extra >= text_.size()) fail("invalid UTF-8 in a string");
        for (size_t k = 1; k <= extra; ++k) {
            auto cc = static_cast<unsigned char>(text_[pos_ + k]);
            if ((cc & 0xc0) != 0x80) fail("invalid UTF-8 in a string");
            cp = (cp << 6) | (cc & 0x3fu);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            fail("invalid UTF-8 in a string");
        pos_ += extra + 1;
    }
};

}  // namespace

LocatedText locate(std::string_view text) { return Scanner(text).run(); }

}  // namespace otto::lab
