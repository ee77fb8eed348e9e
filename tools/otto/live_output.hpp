// What a fan-out shows while it runs: each output line prefixed with its host
// (coloured on a terminal), and a progress line on stderr, redrawn in place
// on a terminal, one line per finished host otherwise.
#pragma once

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

class LiveOutput {
public:
    LiveOutput(std::vector<std::string> hosts, OutputStyle style);

    void started(const std::string &host);
    void line(const std::string &host, std::string_view text, bool is_stderr);
    void finished(const std::string &host, int32_t status);
    // Clears the progress line for good.
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
};

}  // namespace otto_cli
