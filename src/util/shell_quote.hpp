// Quoting for POSIX shell command lines: remote shells (SSH channels, telnet
// consoles) take a command as text, not as an argv.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace otto {

// One word, single-quoted so that the shell takes it literally.
std::string shell_quote(std::string_view word);

// argv as one command line, each word quoted; empty for an empty argv.
std::string shell_command_line(const std::vector<std::string> &argv);

}  // namespace otto
