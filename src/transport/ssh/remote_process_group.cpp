#include "transport/ssh/remote_process_group.hpp"

#include <algorithm>
#include <memory>

#include "transport/ssh/ssh_connection.hpp"

namespace otto {

namespace {

constexpr std::string_view kTag = "otto-pid:";
// Pids have at most this many digits (Linux's limit is 2^22).
constexpr size_t kMaxDigits = 11;
// The longest marker line: tag, digits, '.', '\r', '\n'.
constexpr size_t kLongestLine = kTag.size() + kMaxDigits + 3;

enum class Shape { Not, Partial, Whole };

// Whether `line` (up to and including its newline, if it has arrived) is,
// or may still become, the marker's line; `pid` receives the digits.
Shape shape_of(std::string_view line, std::string &pid) {
    size_t n = std::min(line.size(), kTag.size());
    if (line.substr(0, n) != kTag.substr(0, n)) return Shape::Not;
    if (line.size() <= kTag.size()) return Shape::Partial;
    size_t at = kTag.size();
    while (at < line.size() && line[at] >= '0' && line[at] <= '9') ++at;
    size_t digits = at - kTag.size();
    if (digits > kMaxDigits) return Shape::Not;
    if (at == line.size()) return Shape::Partial;
    if (digits == 0 || line[at] != '.') return Shape::Not;
    if (++at < line.size() && line[at] == '\r') ++at;  // a PTY's line end
    if (at == line.size()) return Shape::Partial;
    if (line[at] != '\n' || at + 1 != line.size()) return Shape::Not;
    pid = std::string(line.substr(kTag.size(), digits));
    return Shape::Whole;
}

}  // namespace

std::string announce_pid_statement() { return "echo " + std::string(kTag) + "$$."; }

void PidAnnouncement::feed(std::string_view bytes, const std::function<void(std::string_view)> &pass_on) {
    while (!bytes.empty() && !done_) {
        size_t newline = bytes.find('\n');
        std::string_view line = bytes.substr(0, newline == std::string_view::npos ? bytes.size() : newline + 1);
        bytes.remove_prefix(line.size());
        scanned_ += line.size();
        if (at_line_start_ || !held_.empty()) {
            // Look at no more than the marker's line could hold.
            size_t look = std::min(line.size(), kLongestLine - held_.size());
            held_.append(line.substr(0, look));
            std::string pid;
            Shape shape = shape_of(held_, pid);
            if (shape == Shape::Whole) {
                pid_ = std::move(pid);
                held_.clear();
                done_ = true;
            } else if (shape == Shape::Not) {
                pass_on(held_);
                pass_on(line.substr(look));
                held_.clear();
            }
        } else {
            pass_on(line);
        }
        at_line_start_ = line.back() == '\n';
        if (!done_ && scanned_ >= scan_limit_) flush(pass_on);
    }
    if (!bytes.empty()) pass_on(bytes);
}

void PidAnnouncement::flush(const std::function<void(std::string_view)> &pass_on) {
    done_ = true;
    if (held_.empty()) return;
    std::string held = std::move(held_);
    held_.clear();
    pass_on(held);
}

void signal_remote_group(SshConnection &connection, const std::string &pid, const std::string &signal) {
    connection.run_detached("kill -s " + signal + " -- -" + pid + " 2>/dev/null || kill -s " + signal + " " + pid);
}

}  // namespace otto
