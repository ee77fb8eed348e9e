#include "live_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "otto.h"

namespace otto_cli {

namespace {

constexpr const char *kHostColors[] = {"\033[36m", "\033[32m", "\033[33m", "\033[34m", "\033[35m",
                                       "\033[96m", "\033[92m", "\033[93m", "\033[94m", "\033[95m"};

}  // namespace

OutputStyle detect_style(const std::string &color_choice, bool json) {
    OutputStyle style;
    bool tty = isatty(STDOUT_FILENO) == 1;
    if (color_choice == "always") style.color = true;
    else if (color_choice == "never") style.color = false;
    else style.color = tty && std::getenv("NO_COLOR") == nullptr && !json;
    style.progress = isatty(STDERR_FILENO) == 1;
    style.quiet_lines = json;
    return style;
}

LiveOutput::LiveOutput(std::vector<std::string> hosts, OutputStyle style) : hosts_(std::move(hosts)), style_(style) {
    for (size_t i = 0; i < hosts_.size(); ++i) {
        index_[hosts_[i]] = i;
        width_ = std::max(width_, hosts_[i].size());
    }
}

const char *LiveOutput::host_color(const std::string &host) const {
    if (!style_.color) return "";
    auto it = index_.find(host);
    size_t i = it == index_.end() ? 0 : it->second;
    return kHostColors[i % (sizeof kHostColors / sizeof kHostColors[0])];
}

const char *LiveOutput::status_color(int32_t status) const {
    if (!style_.color) return "";
    switch (status) {
        case OTTO_STATUS_SUCCESS:
        case OTTO_STATUS_SKIPPED: return "\033[32m";
        case OTTO_STATUS_NOTRUN: return "\033[33m";
        default: return "\033[31m";
    }
}

void LiveOutput::started(const std::string &host) {
    running_.insert(host);
    draw_progress();
}

void LiveOutput::line(const std::string &host, std::string_view text, bool is_stderr) {
    if (style_.quiet_lines) return;
    clear_progress();
    std::printf("%s%-*s%s %s %.*s\n", host_color(host), static_cast<int>(width_), host.c_str(), reset(),
                is_stderr ? "!" : "|", static_cast<int>(text.size()), text.data());
    std::fflush(stdout);
    draw_progress();
}

void LiveOutput::finished(const std::string &host, int32_t status) {
    running_.erase(host);
    ++done_;
    if (!otto_status_is_ok(status)) ++not_ok_;
    if (!style_.progress) {
        std::fprintf(stderr, "[%zu/%zu] %s: %s\n", done_, hosts_.size(), host.c_str(), otto_status_name(status));
        return;
    }
    draw_progress();
}

void LiveOutput::close() { clear_progress(); }

void LiveOutput::clear_progress() {
    if (!progress_shown_) return;
    std::fputs("\r\033[K", stderr);
    progress_shown_ = false;
}

void LiveOutput::draw_progress() {
    if (!style_.progress) return;
    std::string running;
    for (const auto &h : running_) {
        if (running.size() > 40) {
            running += " ...";
            break;
        }
        running += running.empty() ? h : " " + h;
    }
    std::fprintf(stderr, "\r\033[K[%zu/%zu done, %zu not ok]%s%s", done_, hosts_.size(), not_ok_,
                 running.empty() ? "" : " running: ", running.c_str());
    std::fflush(stderr);
    progress_shown_ = true;
}

}  // namespace otto_cli
