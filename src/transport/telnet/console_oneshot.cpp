#include "transport/telnet/console_oneshot.hpp"

#include <charconv>

#include "util/shell_quote.hpp"
#include "util/signals.hpp"

namespace otto {

namespace {

// Stream letters after the tag: lower case a complete line, upper case the
// stream's last line, which had no line end; `s` the exit status.
constexpr char kStdoutLine = 'o', kStdoutLast = 'O', kStderrLine = 'e', kStderrLast = 'E', kStatus = 's';

// A loop that copies its input to its output, each line prefixed with
// `tag` and `letter`. `read` returns false at the end of input but still
// fills `l` with a last line that had no line end.
std::string tagging_loop(std::string_view tag, char line_letter, char last_letter) {
    std::string prefix = std::string(tag) + line_letter + ':';
    std::string last_prefix = std::string(tag) + last_letter + ':';
    return "{ while IFS= read -r l; do printf '%s\\n' \"" + prefix + "$l\"; done; [ -z \"$l\" ] || printf '%s\\n' \"" +
           last_prefix + "$l\"; }";
}

std::string wrapper_head() { return "{ { { sh -c "; }

std::string wrapper_tail(std::string_view tag) {
    // stderr into the pipe to the stderr tagger, stdout into fd 3, the pipe
    // to the stdout tagger; fd 4 is the console itself. The status goes
    // straight to the console once the command is over.
    return " </dev/null 2>&1 1>&3 3>&- 4>&-; printf '%s\\n' \"" + std::string(tag) + kStatus + ":$?\" >&4; } | " +
           tagging_loop(tag, kStderrLine, kStderrLast) + " >&4; } 3>&1 | " +
           tagging_loop(tag, kStdoutLine, kStdoutLast) + "; } 4>&1";
}

}  // namespace

std::string console_oneshot_command(std::string_view command, std::string_view tag) {
    return wrapper_head() + shell_quote(command) + wrapper_tail(tag);
}

std::optional<std::string> console_oneshot_refusal(std::string_view command, const LineLimit &limit) {
    if (command.find('\0') != std::string_view::npos)
        return "refused: the command contains a NUL byte, which a shell cannot receive; remove it";
    if (limit.max_chars == 0) return std::nullopt;
    // Quoting lengthens lines but never adds any: line i of the typed text
    // is line i of the command. The tag has a fixed length.
    std::string typed = console_oneshot_command(command, std::string(32, 'x'));
    size_t typed_start = 0, command_start = 0;
    for (size_t number = 1;; ++number) {
        size_t typed_end = typed.find('\n', typed_start);
        size_t command_end = command.find('\n', command_start);
        size_t typed_length = (typed_end == std::string::npos ? typed.size() : typed_end) - typed_start;
        size_t command_length = (command_end == std::string_view::npos ? command.size() : command_end) - command_start;
        if (typed_length > limit.max_chars) {
            return "refused: line " + std::to_string(number) + " of the one-shot is " + std::to_string(command_length) +
                   " characters long, " + std::to_string(typed_length) +
                   " as typed into the console (otto quotes it and adds the wrapper that keeps stdout and stderr "
                   "apart), over the " +
                   std::to_string(limit.max_chars) + "-character limit of " + limit.origin +
                   " (it would be cut or wedge the shell); split it into shorter lines, or transfer a script and run "
                   "that";
        }
        if (typed_end == std::string::npos || command_end == std::string_view::npos) return std::nullopt;
        typed_start = typed_end + 1;
        command_start = command_end + 1;
    }
}

ConsoleOneshotReader::ConsoleOneshotReader(std::string tag, uint64_t retain_limit)
    : tag_(std::move(tag)), retain_limit_(retain_limit) {}

std::optional<ConsoleOneshotReader::Line> ConsoleOneshotReader::feed(std::string_view line) {
    // Anything else (a stray prompt, the console's own chatter) is not the
    // command's.
    if (line.size() < tag_.size() + 2 || line.substr(0, tag_.size()) != tag_ || line[tag_.size() + 1] != ':')
        return std::nullopt;
    char letter = line[tag_.size()];
    std::string_view text = line.substr(tag_.size() + 2);
    switch (letter) {
        case kStdoutLine:
        case kStdoutLast:
        case kStderrLine:
        case kStderrLast: {
            bool is_stderr = letter == kStderrLine || letter == kStderrLast;
            OneshotOutput &stream = is_stderr ? err_ : out_;
            stream.keep(text, retain_limit_);
            if (letter == kStdoutLine || letter == kStderrLine) stream.keep("\n", retain_limit_);
            return Line{is_stderr ? OTTO_EVENT_STDERR_LINE : OTTO_EVENT_OUTPUT_LINE, text};
        }
        case kStatus: {
            int status = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), status);
            if (error == std::errc() && end == text.data() + text.size()) status_ = status;
            return std::nullopt;
        }
        default: return std::nullopt;
    }
}

void ConsoleOneshotReader::finish(CommandResult &result) {
    if (result.status == OTTO_STATUS_ERROR) {
        // Timed out or lost: the session's headline, then what was printed.
        result.output = headline_then(result.output.substr(0, result.output.find('\n')), out_.take_text());
        result.stderr_output = err_.take_text();
        return;
    }
    // Without a status the wrapper itself failed (no `sh` on the console,
    // say): the console's own words, as the frame read them, are the output.
    if (!status_) return;
    result.output = out_.take_text();
    result.stderr_output = err_.take_text();
    result.retcode = *status_;
    result.status = *status_ == 0 ? OTTO_STATUS_SUCCESS : OTTO_STATUS_FAILED;
    if (*status_ > 128 && *status_ < 128 + 65) result.signal = signal_name(*status_ - 128);
}

}  // namespace otto
