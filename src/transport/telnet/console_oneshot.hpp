// One-shot commands through a console. A telnet console is one terminal:
// stdout and stderr arrive merged, and a command run in the console's shell
// shares its process. So a one-shot runs in a fresh `sh -c`, and small
// tagging loops on the console send each line of its stdout and stderr, and
// its exit status, back as lines that start with a per-command tag. This
// file builds that command line and reads the tagged lines back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "otto.h"
#include "session/frame.hpp"
#include "session/result.hpp"
#include "transport/oneshot_output.hpp"

namespace otto {

// The console command line running `command` in a fresh `sh -c` with no
// stdin, its output lines tagged with `tag` (letters and digits).
std::string console_oneshot_command(std::string_view command, std::string_view tag);

// Why `command` cannot be typed into a console with `limit` once wrapped,
// or nothing if it can.
std::optional<std::string> console_oneshot_refusal(std::string_view command, const LineLimit &limit);

// Reads the tagged lines of one one-shot back into its two streams.
class ConsoleOneshotReader {
public:
    ConsoleOneshotReader(std::string tag, uint64_t retain_limit);
    const std::string &tag() const { return tag_; }

    // One output line of the console (no line end). A line of the command's
    // stdout or stderr returns its stream and text, for streaming.
    struct Line {
        otto_event_kind_t stream;
        std::string_view text;
    };
    std::optional<Line> feed(std::string_view line);

    // Fills output, stderr_output, status, retcode and signal. The shell's
    // report of the command's status is `128 + n` for a death by signal n,
    // so such a status is reported as that signal.
    void finish(CommandResult &result);

private:
    std::string tag_;
    uint64_t retain_limit_;
    OneshotOutput out_;
    OneshotOutput err_;
    std::optional<int> status_;
};

}  // namespace otto
