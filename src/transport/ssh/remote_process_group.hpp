// Ending what a channel started on the server. sshd runs each channel's
// command or shell in a session of its own, so that process leads a process
// group holding everything it starts. sshd delivers a "signal" channel
// request only under privilege separation (root logins and servers run
// without it refuse it, and say nothing to the client), so otto has the
// process tell its pid first and signals the group with a `kill` run over
// another channel of the same connection. Shells on pipes and one-shots
// both work this way.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace otto {

class SshConnection;

// The statement that prints the marker with the shell's pid on its own
// line ("otto-pid:1234."), in any POSIX shell (and csh).
std::string announce_pid_statement();

// Finds the marker in a stream of output and removes its line.
class PidAnnouncement {
public:
    // `scan_limit`: how many bytes to look through for the marker before
    // giving up (the pid then stays unknown); 0 looks for nothing.
    explicit PidAnnouncement(size_t scan_limit) : scan_limit_(scan_limit), done_(scan_limit == 0) {}

    // Passes `bytes` on without the marker's line, holding back only what
    // may still turn out to be part of it.
    void feed(std::string_view bytes, const std::function<void(std::string_view)> &pass_on);
    // The stream ended: whatever was held back goes on.
    void flush(const std::function<void(std::string_view)> &pass_on);
    bool done() const { return done_; }
    // The pid, "" while (or if) unknown.
    const std::string &pid() const { return pid_; }

private:
    size_t scan_limit_;
    bool done_;
    size_t scanned_ = 0;
    std::string held_;  // the start of a line that may be the marker's
    bool at_line_start_ = true;
    std::string pid_;
};

// Sends `signal` ("KILL", "INT", "HUP") to the process group led by `pid`
// over a new channel of `connection`, falling back to the process alone.
// The connection waits for such commands before it closes
// (SshConnection::close_after_detached).
void signal_remote_group(SshConnection &connection, const std::string &pid, const std::string &signal);

}  // namespace otto
