#include "arguments.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "cli_error.hpp"

namespace otto_cli {

namespace {

std::string in_quotes(const std::string &value) { return "\"" + value + "\""; }

// "run", or "" before any command was recognised.
std::string command_name(const CLI::App &app) {
    auto chosen = app.get_subcommands();
    return chosen.empty() ? "" : chosen.front()->get_name();
}

std::string command_list(const CLI::App &app) {
    std::string names;
    auto commands = app.get_subcommands([](const CLI::App *) { return true; });
    for (size_t i = 0; i < commands.size(); ++i) {
        names += (i == 0 ? "" : i + 1 == commands.size() ? " or " : ", ") + commands[i]->get_name();
    }
    return names;
}

}  // namespace

CLI::Validator positive_seconds() {
    return CLI::Validator(
        [](std::string &value) -> std::string {
            char *end = nullptr;
            errno = 0;
            double seconds = std::strtod(value.c_str(), &end);
            bool ok = !value.empty() && *end == '\0' && errno == 0 && std::isfinite(seconds) && seconds > 0;
            return ok ? "" : in_quotes(value) + " is not a number of seconds above 0 (such as 30 or 2.5)";
        },
        "");
}

CLI::Validator host_count() {
    return CLI::Validator(
        [](std::string &value) -> std::string {
            size_t count = 0;
            auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
            bool ok = !value.empty() && error == std::errc() && end == value.data() + value.size();
            return ok ? "" : in_quotes(value) + " is not a number of hosts: a whole number, 0 (no limit) or more";
        },
        "");
}

int usage_error(const CLI::App &app, const std::string &message) {
    std::string command = command_name(app);
    std::fprintf(stderr, "otto: %s\nTry 'otto %s--help' for more information.\n", message.c_str(),
                 command.empty() ? "" : (command + " ").c_str());
    return kExitUsage;
}

int parse_failure(const CLI::App &app, const CLI::ParseError &error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    std::string message = error.what();
    // CLI11 writes sentences ("The following argument..."); otto's message
    // goes on after "otto: run: ".
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    if (dynamic_cast<const CLI::RequiredError *>(&error) != nullptr && app.get_subcommands().empty()) {
        // CLI11 says "A subcommand is required", also when the word given is
        // no command at all.
        auto words = app.remaining();
        message = words.empty() ? "no command given" : in_quotes(words.front()) + " is not a command";
        message += "; the commands are " + command_list(app);
    }
    std::string command = command_name(app);
    return usage_error(app, command.empty() ? message : command + ": " + message);
}

}  // namespace otto_cli
