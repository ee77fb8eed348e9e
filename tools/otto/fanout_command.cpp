#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "cli_error.hpp"
#include "commands.hpp"
#include "handles.hpp"

namespace otto_cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

// The first Ctrl-C cancels what runs, and the summary still comes; a second
// one leaves at once.
void on_interrupt(int) {
    if (interrupted) _exit(kExitInterrupted);
    interrupted = 1;
}

// Ctrl-C calls on_interrupt while it lives, as before it afterwards.
class InterruptHandler {
public:
    InterruptHandler() {
        struct sigaction action {};
        action.sa_handler = on_interrupt;
        action.sa_flags = SA_RESTART;  // output writes go on
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &previous_);
    }
    ~InterruptHandler() { sigaction(SIGINT, &previous_, nullptr); }
    InterruptHandler(const InterruptHandler &) = delete;
    InterruptHandler &operator=(const InterruptHandler &) = delete;

private:
    struct sigaction previous_ {};
};

// What the start function and the callbacks share; all run on this thread,
// inside otto_context_dispatch.
struct FanoutState {
    FanoutArgs::Mode mode;
    otto_commands *commands = nullptr;  // run
    std::string command_line;           // exec
    otto_run_opts *run_opts = nullptr;
    std::vector<const char *> files;  // put, get
    std::string directory;            // put: on the host; get: here
    otto_transfer_opts *transfer_opts = nullptr;
    LiveOutput *live = nullptr;
};

void on_event(otto_op *op, const otto_event *event, void *user_data) {
    auto *state = static_cast<FanoutState *>(user_data);
    size_t len = 0;
    const char *data = otto_event_data(event, &len);
    if (otto_event_kind(event) == OTTO_EVENT_PROGRESS) {
        // A line per file when it is complete; the bytes in between would
        // only scroll.
        uint64_t done = 0, total = 0;
        otto_event_progress(event, &done, &total);
        if (done != total) return;
        std::string text = std::string(data, len) + ": " + std::to_string(total) + " bytes";
        state->live->line(otto_op_host_id(op), text, false);
        return;
    }
    state->live->line(otto_op_host_id(op), std::string_view(data, len),
                      otto_event_kind(event) == OTTO_EVENT_STDERR_LINE);
}

// A line per file that failed, as "SOURCE: why" beside the "SOURCE: N bytes"
// of those that arrived: the summary has room for one reason only.
void print_failed_files(const std::string &host, const otto_transfer_result *transfer, LiveOutput &live) {
    for (size_t k = 0; k < otto_transfer_result_count(transfer); ++k) {
        if (otto_transfer_result_file_status(transfer, k) != OTTO_STATUS_ERROR) continue;
        live.line(host,
                  std::string(otto_transfer_result_source(transfer, k)) + ": " +
                      otto_transfer_result_file_message(transfer, k),
                  true);
    }
}

void on_host_done(otto_op *op, void *user_data) {
    LiveOutput &live = *static_cast<FanoutState *>(user_data)->live;
    std::string host = otto_op_host_id(op);
    if (const otto_transfer_result *transfer = otto_op_transfer_result(op)) print_failed_files(host, transfer, live);
    live.finished(host, otto_op_status(op));
}

int start_host(otto_op **out, otto_host *host, void *user_data) {
    auto *state = static_cast<FanoutState *>(user_data);
    state->live->started(otto_host_id(host));
    switch (state->mode) {
        case FanoutArgs::Mode::Run:
            return otto_host_run_commands(out, host, state->commands, state->run_opts, on_host_done, state);
        case FanoutArgs::Mode::Put:
            return otto_host_put(out, host, state->files.data(), state->files.size(), state->directory.c_str(),
                                 state->transfer_opts, on_host_done, state);
        case FanoutArgs::Mode::Get: {
            // Each host's files in a directory of its own (made by the get).
            std::string mine = state->directory + "/" + otto_host_id(host);
            return otto_host_get(out, host, state->files.data(), state->files.size(), mine.c_str(),
                                 state->transfer_opts, on_host_done, state);
        }
        case FanoutArgs::Mode::Exec: break;
    }
    return otto_host_oneshot(out, host, state->command_line.c_str(), state->run_opts, on_host_done, state);
}

// put and get: every operand but the last names a file; the last, the
// directory.
std::vector<const char *> transfer_files(const FanoutArgs &args) {
    std::vector<const char *> files;
    for (size_t i = 0; i + 1 < args.command.size(); ++i) files.push_back(args.command[i].c_str());
    return files;
}

std::string join(const std::vector<std::string> &words) {
    std::string out;
    for (const auto &w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string command_detail(const otto_cmd_result *cmd, bool name_it) {
    int32_t status = otto_cmd_result_status(cmd);
    std::string detail;
    if (status == OTTO_STATUS_NOTRUN || (status == OTTO_STATUS_ERROR && !otto_cmd_result_timed_out(cmd))) {
        size_t len = 0;
        const char *output = otto_cmd_result_output(cmd, &len);
        std::string_view text(output, len);
        detail = std::string(text.substr(0, text.find('\n')));  // why it did not run, or why it died
    } else {
        detail = "exit " + std::to_string(otto_cmd_result_retcode(cmd));
    }
    if (otto_cmd_result_timed_out(cmd)) detail += ", timed out";
    if (const char *signal = otto_cmd_result_signal(cmd)) detail += std::string(", signal ") + signal;
    if (name_it && !otto_status_is_ok(status)) detail += " (" + std::string(otto_cmd_result_command(cmd)) + ")";
    return detail;
}

// A transfer: what moved, or how many files failed (each has its line), or
// why the only one did.
std::string transfer_detail(const otto_transfer_result *transfer) {
    uint64_t bytes = 0;
    size_t count = otto_transfer_result_count(transfer);
    size_t failed = 0;
    for (size_t k = 0; k < count; ++k) {
        if (otto_transfer_result_file_error(transfer, k) != OTTO_OK) ++failed;
        bytes += otto_transfer_result_file_bytes(transfer, k);
    }
    if (count == 1 && failed == 1) return otto_transfer_result_file_message(transfer, 0);
    if (failed > 0) return std::to_string(failed) + " of " + std::to_string(count) + " files failed";
    if (otto_transfer_result_status(transfer) == OTTO_STATUS_NOTRUN) return "dry run: nothing transferred";
    return std::to_string(count) + (count == 1 ? " file, " : " files, ") + std::to_string(bytes) + " bytes";
}

// One line per host: its status and what explains it.
void print_summary(const otto_fanout_result *result, const LiveOutput &live) {
    for (size_t i = 0; i < otto_fanout_result_count(result); ++i) {
        const otto_op *op = otto_fanout_result_op(result, i);
        int32_t status = otto_fanout_result_host_status(result, i);
        std::string detail;
        if (otto_op_error(op) != OTTO_OK) {
            detail = otto_op_error_message(op);
        } else if (const otto_transfer_result *transfer = otto_op_transfer_result(op)) {
            detail = transfer_detail(transfer);
        } else {
            // The command that decided the status (the first not ok), else the last.
            const otto_cmd_result *decisive = otto_op_cmd_result(op);
            const otto_run_result *run = otto_op_run_result(op);
            size_t count = run != nullptr ? otto_run_result_count(run) : 0;
            for (size_t k = 0; k < count; ++k) {
                decisive = otto_run_result_get(run, k);
                if (!otto_status_is_ok(otto_cmd_result_status(decisive))) break;
            }
            if (decisive != nullptr) detail = command_detail(decisive, count > 1);
        }
        std::printf("%-*s %s%-7s%s %s\n", static_cast<int>(live.id_width()), otto_fanout_result_host(result, i),
                    live.status_color(status), otto_status_name(status), live.reset(), detail.c_str());
    }
}

}  // namespace

void check_operands(const FanoutArgs &args) {
    switch (args.mode) {
        case FanoutArgs::Mode::Run:
            if (args.command.empty()) throw CliError(kExitUsage, "run: no command given; give the commands to run");
            break;
        case FanoutArgs::Mode::Exec:
            if (args.command.empty()) throw CliError(kExitUsage, "exec: no command given; give the command line");
            break;
        case FanoutArgs::Mode::Put:
            if (args.command.size() < 2)
                throw CliError(kExitUsage, "put: give the local files, then the directory on the hosts");
            break;
        case FanoutArgs::Mode::Get:
            if (args.command.size() < 2)
                throw CliError(kExitUsage, "get: give the files on the hosts, then the local directory");
            break;
    }
    if (args.mode != FanoutArgs::Mode::Put && args.mode != FanoutArgs::Mode::Get) return;
    // What the transfers would refuse on every host (a missing or doubled
    // file, a directory) is said once, before any host is contacted.
    std::vector<const char *> files = transfer_files(args);
    const char *directory = args.command.back().c_str();
    int rc = args.mode == FanoutArgs::Mode::Put ? otto_put_check(files.data(), files.size(), directory)
                                                : otto_get_check(files.data(), files.size(), directory);
    if (rc != OTTO_OK) throw CliError(kExitUsage, otto_last_error_message());
}

int exit_code_for(int32_t status) { return otto_status_is_ok(status) ? 0 : static_cast<int>(status); }

int fanout_command(otto_context *ctx, const FanoutArgs &args, const OutputStyle &style) {
    otto_run_opts *raw_run_opts = nullptr;
    check(otto_run_opts_new(&raw_run_opts), "run options");
    RunOptsPtr run_opts(raw_run_opts);
    otto_commands *raw_commands = nullptr;
    check(otto_commands_new(&raw_commands), "commands");
    CommandsPtr commands(raw_commands);
    otto_fanout_opts *raw_fanout = nullptr;
    check(otto_fanout_opts_new(&raw_fanout), "fan-out options");
    FanoutOptsPtr fanout_opts(raw_fanout);

    otto_transfer_opts *raw_transfer_opts = nullptr;
    check(otto_transfer_opts_new(&raw_transfer_opts), "transfer options");
    TransferOptsPtr transfer_opts(raw_transfer_opts);

    FanoutState state;
    state.mode = args.mode;
    bool transfer = args.mode == FanoutArgs::Mode::Put || args.mode == FanoutArgs::Mode::Get;
    if (transfer) {
        state.directory = args.command.back();
        state.files = transfer_files(args);
        check(otto_transfer_opts_set_event_cb(transfer_opts.get(), on_event, &state), "events");
    } else if (args.mode == FanoutArgs::Mode::Run) {
        for (const auto &c : args.command) {
            size_t index = 0;
            check(otto_commands_add(&index, commands.get(), c.c_str()), "command");
            if (args.timeout > 0) check(otto_commands_set_timeout(commands.get(), index, args.timeout), "--timeout");
        }
    } else {
        state.command_line = join(args.command);
        if (args.timeout > 0) check(otto_run_opts_set_timeout(run_opts.get(), args.timeout), "--timeout");
    }
    if (!args.hosts.empty()) check(otto_fanout_opts_set_hosts(fanout_opts.get(), args.hosts.c_str()), "--hosts");
    check(otto_fanout_opts_set_serial(fanout_opts.get(), args.serial ? 1 : 0), "--serial");
    check(otto_fanout_opts_set_limit(fanout_opts.get(), args.limit), "--limit");
    // Without a lab the local host is all there is.
    bool no_lab = *otto_context_lab_name(ctx) == '\0';
    check(otto_fanout_opts_set_include_local(fanout_opts.get(), args.include_local || no_lab ? 1 : 0), "--local");
    check(otto_run_opts_set_event_cb(run_opts.get(), on_event, &state), "events");

    // The hosts the fan-out will select: the progress counts them and the
    // widest id sets the prefix column.
    std::vector<std::string> hosts;
    for (size_t i = 0; i < otto_context_host_count(ctx); ++i) {
        int selected = otto_context_host_selected(ctx, fanout_opts.get(), i);
        check(selected < 0 ? selected : OTTO_OK, "--hosts");
        if (selected == 1) hosts.emplace_back(otto_context_host_id(ctx, i));
    }
    LiveOutput live(hosts, style);
    state.commands = commands.get();
    state.run_opts = run_opts.get();
    state.transfer_opts = transfer_opts.get();
    state.live = &live;

    otto_op *raw_op = nullptr;
    check(otto_context_do_for_hosts(&raw_op, ctx, start_host, &state, fanout_opts.get(), nullptr, nullptr), "hosts");
    OpPtr op(raw_op);

    bool canceled = false;
    {
        InterruptHandler interrupt_handler;
        while (!otto_op_is_done(op.get())) {
            check(otto_context_dispatch(nullptr, ctx, live.wait_ms(100)), "dispatch");
            live.flush_when_due();
            if (interrupted && !canceled) {
                canceled = true;
                live.note("interrupted: canceling what still runs (Ctrl-C again quits at once)");
                otto_op_cancel(op.get());
            }
        }
        size_t ran = 0;
        do {
            check(otto_context_dispatch(&ran, ctx, 0), "dispatch");  // the last lines and callbacks
        } while (ran > 0);
    }
    live.close();

    const otto_fanout_result *result = otto_op_fanout_result(op.get());
    if (result == nullptr) throw CliError(kExitSoftware, std::string("fan-out: ") + otto_op_error_message(op.get()));
    if (args.json) {
        char *raw_json = nullptr;
        check(otto_fanout_result_to_json(&raw_json, result), "JSON");
        StringPtr json(raw_json);
        std::printf("%s\n", json.get());
    } else {
        print_summary(result, live);
    }
    return canceled ? kExitInterrupted : exit_code_for(otto_fanout_result_status(result));
}

}  // namespace otto_cli
