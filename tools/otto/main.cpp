// otto: run commands on the hosts of a lab from the shell.
//
//   otto hosts [--json]
//   otto run  [--hosts REGEX] [--serial] [--limit N] [--timeout S] [--local] CMD...
//   otto exec [--hosts REGEX] [--serial] [--limit N] [--timeout S] [--local] CMD...
//   otto put  [--hosts REGEX] [--serial] [--limit N] [--local] FILE... DIR
//   otto get  [--hosts REGEX] [--serial] [--limit N] [--local] FILE... DIR
//
// with --lab L, --lab-path DIR|FILE (repeatable), --dry-run, --json, -v
// before or after the command; otto --version. Built on the public C API
// alone.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "arguments.hpp"
#include "cli_context.hpp"
#include "cli_error.hpp"
#include "commands.hpp"

namespace {

constexpr const char *kFooter = R"(Labs are looked for in the current directory, then in each --lab-path, then in
the entries of OTTO_LAB_PATH (':'-separated); the lab name comes from --lab or
OTTO_LAB. Without a lab, otto works on the local host alone.

Exit status: the worst status over the hosts: 0 Success, 1 Failed, 2 Error
(unreachable, refused, timed out), 5 NotRun (--dry-run); 64 bad arguments,
65 malformed lab file, 66 lab not found, 70 other errors, 130 interrupted
(Ctrl-C: what still ran was canceled, the summary says what finished).)";

void add_fanout_options(CLI::App *command, otto_cli::FanoutArgs &args, const char *operands = "command",
                        const char *operands_help = "the command") {
    command->add_option("--hosts", args.hosts, "only hosts whose id matches this regex (searched, not anchored)");
    command->add_flag("--serial", args.serial, "one host after the other, in lab order");
    command->add_option("--limit", args.limit, "at most N hosts at once (0: no limit)")
        ->type_name("N")
        ->check(otto_cli::host_count());
    if (args.mode == otto_cli::FanoutArgs::Mode::Run || args.mode == otto_cli::FanoutArgs::Mode::Exec) {
        command->add_option("--timeout", args.timeout, "seconds each command may take (default: the host's)")
            ->type_name("SECONDS")
            ->check(otto_cli::positive_seconds());
    }
    command->add_flag("--local", args.include_local, "include the local host (left out by default)");
    // Not required here: check_operands() says what is missing in otto's words.
    command->add_option(operands, args.command, operands_help);
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"otto: run commands on the hosts of a lab", "otto"};
    app.footer(kFooter);
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("otto ") + otto_version(nullptr, nullptr, nullptr),
                         "print otto's version and exit");
    app.fallthrough();

    otto_cli::LabArgs lab;
    bool json = false;
    std::string color = "auto";
    // Given twice, the last one counts, as in most commands.
    app.add_option("--lab", lab.lab, "the lab: NAME or NAME+NAME...")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    // One value each time, so a word after it is not taken for a path.
    app.add_option("--lab-path", lab.lab_paths, "a lab file or a directory holding lab.json (repeatable)")
        ->allow_extra_args(false);
    app.add_flag("--dry-run", lab.dry_run, "contact no host; show what would run");
    app.add_flag("--json", json, "print the result as JSON");
    app.add_flag("-v,--verbose", lab.verbose, "show otto's log");
    app.add_option("--color", color, "colour the output: auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

    CLI::App *hosts = app.add_subcommand("hosts", "list the lab's hosts");
    otto_cli::FanoutArgs run_args;
    CLI::App *run = app.add_subcommand("run", "run commands, in order, in each host's shell");
    add_fanout_options(run, run_args);
    otto_cli::FanoutArgs exec_args;
    exec_args.mode = otto_cli::FanoutArgs::Mode::Exec;
    CLI::App *exec = app.add_subcommand("exec", "run one command line as a one-shot on each host");
    add_fanout_options(exec, exec_args);
    exec->prefix_command(false);
    otto_cli::FanoutArgs put_args;
    put_args.mode = otto_cli::FanoutArgs::Mode::Put;
    CLI::App *put = app.add_subcommand("put", "copy local files into a directory on each host");
    add_fanout_options(put, put_args, "files", "the local files, then the directory on the hosts (created if missing)");
    otto_cli::FanoutArgs get_args;
    get_args.mode = otto_cli::FanoutArgs::Mode::Get;
    CLI::App *get = app.add_subcommand("get", "copy files of each host into DIR/<host id>/");
    add_fanout_options(get, get_args, "files", "the files on the hosts, then the local directory");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return otto_cli::parse_failure(app, e);
    }

    try {
        if (*hosts) return otto_cli::hosts_command(otto_cli::open_context(lab).get(), json);
        otto_cli::FanoutArgs &args = *run ? run_args : *exec ? exec_args : *put ? put_args : get_args;
        args.json = json;
        otto_cli::check_operands(args);  // before the lab is even opened
        otto_cli::ContextPtr ctx = otto_cli::open_context(lab);
        return otto_cli::fanout_command(ctx.get(), args, otto_cli::detect_style(color, json));
    } catch (const otto_cli::CliError &e) {
        if (e.exit_code() == otto_cli::kExitUsage) return otto_cli::usage_error(app, e.what());
        std::fprintf(stderr, "otto: %s\n", e.what());
        return e.exit_code();
    }
}
