#include "session/frame.hpp"

#include <algorithm>
#include <vector>

namespace otto {

namespace {

// Every probe statement is idempotent, prints nothing and cannot abort the
// line: a brace group with stderr discarded, then `|| :` (§3.4).
std::string guarded(std::string_view statement) {
    std::string s = "{ ";
    s += statement;
    s += "; } 2>/dev/null || :; ";
    return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (true) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

// True if the character at `pos` is preceded by an even number of
// backslashes (so it is not escaped).
bool unescaped(std::string_view line, size_t pos) {
    size_t backslashes = 0;
    while (pos > backslashes && line[pos - backslashes - 1] == '\\') ++backslashes;
    return backslashes % 2 == 0;
}

// The END line: the marker with a literal `$?`, which the shell expands.
std::string end_echo(const Token &token, const FrameMarkers &markers) {
    return token.split_echo(markers.end_kind() + "$?__");
}

}  // namespace

std::string handshake_probe(const Token &token, bool keep_history) {
    std::string probe;
    if (!keep_history) {
        // Never `unset HISTFILE` (ksh falls back to ~/.sh_history) nor
        // HISTSIZE=0 (bash would write an empty history over the user's).
        probe += guarded("command export HISTFILE=/dev/null");
        probe += guarded("command set +o history");
        probe += "case \"${ZSH_VERSION:-}\" in ?*) eval 'export HISTFILE=/dev/null' 2>/dev/null || :;; esac; ";
    }
    probe += guarded("command export PAGER=cat GIT_PAGER=cat SYSTEMD_PAGER=cat TERM=dumb");
    // No job control: an interactive shell would otherwise print "[1]+ Done"
    // notices into whatever command happens to run when a background job ends.
    probe += guarded("command set +m");
    // No line editor: readline reads a terminal byte by byte, which made
    // each framed command cost hundreds of system calls; without it the
    // shell reads whole lines from the terminal.
    probe += guarded("command set +o emacs +o vi");
    probe += "case \"${BASH_VERSION:-}\" in ?*) { bind 'set enable-bracketed-paste off'; } 2>/dev/null || :;; esac; ";
    probe += "stty -echo 2>/dev/null; ";
    // The empty echo puts READY at the start of a line even where the shell
    // prints its prompt right before the command's output (dash on a PTY).
    probe += "echo; ";
    probe += token.split_echo("READY__");
    probe += '\n';
    return probe;
}

std::string command_frame(const Token &token, const FrameMarkers &markers, std::string_view command) {
    std::string frame = "{ ";
    frame += token.split_echo(markers.begin_kind());
    frame += '\n';
    frame += command;
    frame += '\n';
    frame += end_echo(token, markers);
    frame += "\n}\n";
    return frame;
}

std::string recover_probe(const Token &token, std::string_view recover_kind) {
    std::string probe = token.split_echo(std::string(recover_kind) + "$?__");
    probe += '\n';
    return probe;
}

std::optional<std::string> refusal_reason(std::string_view command, const Token &token, const LineLimit &limit) {
    if (command.find('\0') != std::string_view::npos)
        return "refused: the command contains a NUL byte, which a shell cannot receive; remove it";

    auto lines = split_lines(command);
    std::string_view last = lines.back();
    size_t end = last.size();
    while (end > 0 && (last[end - 1] == ' ' || last[end - 1] == '\t')) --end;
    last = last.substr(0, end);
    auto ends_with = [&](std::string_view suffix) {
        return last.size() >= suffix.size() && last.substr(last.size() - suffix.size()) == suffix &&
               unescaped(last, last.size() - suffix.size());
    };
    const char *dangling = nullptr;
    if (ends_with("&&")) dangling = "&&";
    else if (ends_with("||")) dangling = "||";
    else if (ends_with("|")) dangling = "|";
    else if (ends_with("\\")) dangling = "\\";
    if (dangling != nullptr) {
        return std::string("refused: the command's last line ends with `") + dangling +
               "`, which would join otto's end-marker line; complete the command or remove the trailing `" + dangling +
               "`";
    }

    if (limit.max_chars > 0) {
        // The frame's own lines are short; check them too, so that the whole
        // frame provably fits (nonces are all as long as the placeholder's).
        const FrameMarkers &markers = FrameMarkers::placeholder();
        const size_t frame_line =
            std::max(2 + token.split_echo(markers.begin_kind()).size(), end_echo(token, markers).size());
        if (frame_line > limit.max_chars)
            return "refused: otto's frame does not fit the " + std::to_string(limit.max_chars) +
                   "-character line limit of " + limit.origin;
        for (size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].size() > limit.max_chars) {
                return "refused: line " + std::to_string(i + 1) + " of the command is " +
                       std::to_string(lines[i].size()) + " characters long, over the " +
                       std::to_string(limit.max_chars) + "-character limit of " + limit.origin +
                       " (it would be cut or wedge the shell); run it as a one-shot (no PTY, no limit), "
                       "split it into shorter lines, or transfer a script and run that";
            }
        }
    }
    return std::nullopt;
}

}  // namespace otto
