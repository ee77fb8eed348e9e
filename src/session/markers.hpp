// Session markers (SESSION-PROTOCOL §2): a per-session token, the nonces
// that make each frame's markers its own, and the recognisers for READY,
// BEGIN, END and RECOVER in the byte stream.
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

    // `echo "<T>""<suffix>"`: the shell prints the joined marker, while any
    // echo of the typed line keeps the `""` and can never match.
    std::string split_echo(std::string_view suffix) const;

private:
    std::string id_;
    std::string text_;
    std::string ready_;
};

// The markers of one command's frame (§4.1): `<T>BEGIN_<nonce>__` and
// `<T>END_<nonce>__<digits>__`, each nonce drawn for this frame alone. The
// session's token can be learnt by a command (bash shows a DEBUG trap the
// frame's lines in $BASH_COMMAND), but nothing printed before this frame was
// written can pass for its markers, so a command's leftovers and forgeries
// never end or fill the next one. BEGIN's and END's nonces differ: END's
// shows only in the END line itself, so a command that reads its own frame
// learns it once its output is done.
class FrameMarkers {
public:
    static FrameMarkers draw(const Token &token);
    // Markers as long as every drawn one, for sizing frames; never sent.
    static const FrameMarkers &placeholder();
    FrameMarkers(const Token &token, std::string_view begin_nonce, std::string_view end_nonce);

    // "BEGIN_<nonce>__": the BEGIN marker after the token.
    const std::string &begin_kind() const { return begin_kind_; }
    // The whole BEGIN marker, which a BEGIN line ends with (§5.2).
    const std::string &begin() const { return begin_; }
    // "END_<nonce>__": what follows the token in the END marker, before the
    // exit code's digits.
    const std::string &end_kind() const { return end_kind_; }

private:
    std::string begin_kind_;
    std::string begin_;
    std::string end_kind_;
};

// "RECOVER_<nonce>__" with a fresh nonce: the RECOVER marker after the token,
// before the digits. Each recovery (or settling after send()) probes with
// its own, so a command that outlives its timeout cannot answer for the
// shell, nor can an earlier probe's late reply.
std::string draw_recover_kind();

// A numbered marker (END_<nonce>__<digits>__ or RECOVER_<nonce>__<digits>__)
// found in a line.
struct NumberedMarker {
    size_t begin = 0;  // offset of the token
    size_t end = 0;    // offset just past the closing "__"
    int code = 0;
};

// Finds the first `<T><kind><digits>__` in `text` (kind is an end_kind() or
// a draw_recover_kind()).
std::optional<NumberedMarker> find_numbered_marker(std::string_view text, const Token &token, std::string_view kind);

// How many bytes at the end of `text` could be the start of the token
// whose remaining bytes have not arrived yet ("...__OTT"): those are held
// back from the expects until the next read tells.
size_t token_start_at_end(std::string_view text, const Token &token);

// Skips ANSI CSI sequences (ESC [ params intermediates final) from `pos`.
size_t skip_csi(std::string_view text, size_t pos);

// True if `pos` starts a line: preceded by the start of `text`, '\n' or
// '\r', then only CSI sequences (§3.2).
bool at_line_start(std::string_view text, size_t pos);

// True if `line` (without '\n') is nothing but one of the token's markers,
// whatever its nonce, once CSI sequences and '\r' are removed (§5.8).
bool is_marker_only_line(std::string_view line, const Token &token);

}  // namespace otto
