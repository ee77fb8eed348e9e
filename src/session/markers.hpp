// Session markers (SESSION-PROTOCOL §2): a per-session token and the
// recognisers for READY, BEGIN, END and RECOVER in the byte stream.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace otto {

class Token {
public:
    // A fresh token with 12 hex digits from the CSPRNG.
    static Token generate();
    // A token as long as every generated one, for sizing frames before a
    // shell has drawn its own (§10's line limits); never sent to a shell.
    static const Token &placeholder();
    explicit Token(std::string id);

    // "__OTTO_<id>_": every marker starts with it; no output line containing
    // it is ever shown to a user.
    const std::string &text() const { return text_; }
    const std::string &ready() const { return ready_; }
    const std::string &begin() const { return begin_; }

    // `echo "<T>""<suffix>"`: the shell prints the joined marker, while any
    // echo of the typed line keeps the `""` and can never match.
    std::string split_echo(std::string_view suffix) const;

private:
    std::string id_;
    std::string text_;
    std::string ready_;
    std::string begin_;
};

// A numbered marker (END__<digits>__ or RECOVER__<digits>__) found in a line.
struct NumberedMarker {
    size_t begin = 0;  // offset of the token
    size_t end = 0;    // offset just past the closing "__"
    int code = 0;
};

// Finds the first `<T><kind><digits>__` in `text` (kind is "END__" or
// "RECOVER__").
std::optional<NumberedMarker> find_numbered_marker(std::string_view text, const Token &token, std::string_view kind);

// Skips ANSI CSI sequences (ESC [ params intermediates final) from `pos`.
size_t skip_csi(std::string_view text, size_t pos);

// True if `pos` starts a line: preceded by the start of `text`, '\n' or
// '\r', then only CSI sequences (§3.2).
bool at_line_start(std::string_view text, size_t pos);

// True if `line` (without '\n') is nothing but one of the token's markers,
// once CSI sequences and '\r' are removed (§5.8).
bool is_marker_only_line(std::string_view line, const Token &token);

}  // namespace otto
