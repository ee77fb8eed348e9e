// What a fan-out shows while it runs: each output line prefixed with its host
// (coloured on a terminal), and a progress line on stderr, redrawn in place
// on a terminal, one line per finished host otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace otto_cli {

struct OutputStyle {
    bool color = false;        // ANSI colours on stdout
    bool progress = false;     // stderr is a terminal: redraw the progress line
    bool quiet_lines = false;  // --json: no live lines
};

// NO_COLOR, --color and whether stdout and stderr are terminals.
OutputStyle detect_style(const std::string &color_choice, bool json);

// Output lines are gathered whole and written in blocks: one write(2) per
// line made the printing, not the hosts, the limit on busy output. A block
// goes out when it is large, or when its first line has waited kFlushDelay
// (the caller waits for callbacks no longer than wait_ms() says, then calls
// flush_when_due()), so output stays live to the eye; finished() and close()
// flush first, so a host's lines come before its progress line and the
// summary. Lines are whole in every block: hosts never interleave mid-line.
class LiveOutput {
public:
    static constexpr std::chrono::milliseconds kFlushDelay{20};

    LiveOutput(std::vector<std::string> hosts, OutputStyle style);

    void started(const std::string &host);
    // The line's bytes as they came, NULs and all, after the host's prefix.
    void line(const std::string &host, std::string_view text, bool is_stderr);
    void finished(const std::string &host, int32_t status);
    // How long the caller may wait for more callbacks before the lines
    // gathered are due: at most `idle_ms`, which is the answer when none wait.
    int32_t wait_ms(int32_t idle_ms) const;
    // Writes the lines gathered once the first has waited kFlushDelay.
    void flush_when_due();
    // Writes the lines gathered so far.
    void flush();
    // A line of otto's own on stderr ("otto: TEXT"), after the lines so far.
    void note(const std::string &text);
    // Flushes and clears the progress line for good.
    void close();

    const char *status_color(int32_t status) const;
    const char *reset() const { return style_.color ? "\033[0m" : ""; }
    size_t id_width() const { return width_; }

private:
    const char *host_color(const std::string &host) const;
    void clear_progress();
    void draw_progress();

    const std::vector<std::string> hosts_;
    const OutputStyle style_;
    size_t width_ = 0;
    std::map<std::string, size_t> index_;
    std::set<std::string> running_;
    size_t done_ = 0;
    size_t not_ok_ = 0;
    bool progress_shown_ = false;
    std::string pending_;  // whole lines not yet written
    std::chrono::steady_clock::time_point first_pending_;
};

}  // namespace otto_cli
