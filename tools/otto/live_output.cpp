#include "live_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "otto.h"

namespace otto_cli {

namespace {

constexpr const char *kHostColors[] = {"\033[36m", "\033[32m", "\033[33m", "\033[34m", "\033[35m",
                                       "\033[96m", "\033[92m", "\033[93m", "\033[94m", "\033[95m"};

// Enough lines per write(2) that printing costs little next to reading them,
// few enough that a burst shows before it ends.
constexpr size_t kFlushBytes = 64 * 1024;

// Writes all of `bytes` (a write may take part of it, or be interrupted).
// A failed write drops the rest, as stdio would: the run goes on.
void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
}

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
    if (pending_.empty()) first_pending_ = std::chrono::steady_clock::now();
    pending_ += host_color(host);
    pending_ += host;
    pending_.append(width_ - std::min(width_, host.size()), ' ');
    pending_ += reset();
    pending_ += is_stderr ? " ! " : " | ";
    pending_ += text;
    pending_ += '\n';
    if (pending_.size() >= kFlushBytes) flush();
}

void LiveOutput::finished(const std::string &host, int32_t status) {
    flush();
    running_.erase(host);
    ++done_;
    if (!otto_status_is_ok(status)) ++not_ok_;
    if (!style_.progress) {
        std::fprintf(stderr, "[%zu/%zu] %s: %s\n", done_, hosts_.size(), host.c_str(), otto_status_name(status));
        return;
    }
    draw_progress();
}

int32_t LiveOutput::wait_ms(int32_t idle_ms) const {
    if (pending_.empty()) return idle_ms;
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(first_pending_ + kFlushDelay - std::chrono::steady_clock::now());
    return static_cast<int32_t>(std::clamp<int64_t>(left.count(), 0, idle_ms));
}

void LiveOutput::flush_when_due() {
    if (!pending_.empty() && std::chrono::steady_clock::now() >= first_pending_ + kFlushDelay) flush();
}

void LiveOutput::flush() {
    if (pending_.empty()) return;
    clear_progress();
    std::fflush(stdout);  // anything printed through stdio goes first
    write_all(STDOUT_FILENO, pending_);
    pending_.clear();
    draw_progress();
}

void LiveOutput::note(const std::string &text) {
    flush();
    clear_progress();
    std::fprintf(stderr, "otto: %s\n", text.c_str());
    draw_progress();
}

void LiveOutput::close() {
    flush();
    clear_progress();
}

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
