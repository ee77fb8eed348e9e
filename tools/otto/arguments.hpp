// What otto's command line may hold beyond CLI11's own checks, and how a
// mistake in it is told: in otto's words, prefixed "otto: ", with the way to
// the help, and exit code 64.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace otto_cli {

// --timeout: a number of seconds above 0, fractions allowed.
CLI::Validator positive_seconds();
// --limit: a whole number of hosts, 0 or more.
CLI::Validator host_count();

// Prints the usage error `message` for the command line `app` parsed (or
// failed to parse) and returns kExitUsage.
int usage_error(const CLI::App &app, const std::string &message);

// A parse error of CLI11 as a usage error; --help and --version are not
// errors: they print and return 0.
int parse_failure(const CLI::App &app, const CLI::ParseError &error);

}  // namespace otto_cli
