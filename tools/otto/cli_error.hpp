// How the command fails before any host ran: a message and an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace otto_cli {

// Exit codes besides the worst status (0 Success, 1 Failed, 2 Error,
// 5 NotRun): sysexits.h values, far from the statuses, and the shells' code
// for a command ended by Ctrl-C.
enum ExitCode {
    kExitUsage = 64,         // bad arguments
    kExitBadLab = 65,        // a lab file is malformed
    kExitLabNotFound = 66,   // no lab file or no such lab
    kExitSoftware = 70,      // anything else the library refused
    kExitInterrupted = 130,  // Ctrl-C: 128 + SIGINT
};

class CliError : public std::runtime_error {
public:
    CliError(int exit_code, const std::string &message) : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

private:
    int exit_code_;
};

// Throws CliError when `rc` is an error, with the library's last message.
void check(int rc, const char *what);

}  // namespace otto_cli
