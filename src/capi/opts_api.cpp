// Option objects and command lists: typed setters over plain data.
#include <cmath>
#include <mutex>
#include <new>

#include "capi/api_guard.hpp"
#include "capi/fleet_support.hpp"
#include "capi/handles.hpp"

using otto::fail;
using otto::guarded;
using otto::require;

namespace {

template <class T>
int create(T **out) {
    return guarded([&]() -> int {
        *require(out, "out") = nullptr;
        *out = new T();
        return OTTO_OK;
    });
}

template <class T, class Body>
int update(T *opts, Body body) {
    return guarded([&]() -> int {
        require(opts, "opts");
        std::lock_guard lock(opts->mutex);
        body();
        return OTTO_OK;
    });
}

void check_expect(const char *pattern, const char *response, uint32_t flags) {
    require(pattern, "pattern");
    require(response, "response");
    // Compile once now so a bad pattern is reported where it was given.
    otto::Pattern::compile(pattern, flags);
}

}  // namespace

extern "C" {

int otto_context_opts_new(otto_context_opts **out) { return create(out); }
void otto_context_opts_free(otto_context_opts *opts) { delete opts; }

int otto_context_opts_set_dispatch(otto_context_opts *opts, int32_t mode) {
    return update(opts, [&] {
        if (mode != OTTO_DISPATCH_APP && mode != OTTO_DISPATCH_LOOP)
            fail(OTTO_EINVAL,
                 "dispatch mode must be OTTO_DISPATCH_APP or OTTO_DISPATCH_LOOP, got " + std::to_string(mode));
        opts->options.dispatch = static_cast<otto::DispatchMode>(mode);
    });
}

int otto_context_opts_set_dry_run(otto_context_opts *opts, int dry_run) {
    return update(opts, [&] { opts->options.dry_run = dry_run != 0; });
}

int otto_context_opts_set_log_cb(otto_context_opts *opts, otto_log_cb cb, void *user_data) {
    return update(opts, [&] {
        opts->options.log_callback = cb;
        opts->options.log_user_data = user_data;
    });
}

int otto_context_opts_set_log_level(otto_context_opts *opts, int32_t min_level) {
    return update(opts, [&] {
        if (min_level < OTTO_LOG_DEBUG || min_level > OTTO_LOG_ERROR)
            fail(OTTO_EINVAL, "log level must be OTTO_LOG_DEBUG..OTTO_LOG_ERROR, got " + std::to_string(min_level));
        opts->options.log_level = min_level;
    });
}

int otto_context_opts_set_log_queue(otto_context_opts *opts, size_t capacity) {
    return update(opts, [&] { opts->options.log_queue_capacity = capacity; });
}

int otto_context_opts_set_handshake_limit(otto_context_opts *opts, size_t limit) {
    return update(opts, [&] { opts->options.handshake_limit = limit; });
}

int otto_context_opts_set_lab(otto_context_opts *opts, const char *selection) {
    return update(opts, [&] { opts->lab = require(selection, "selection"); });
}

int otto_context_opts_add_lab_path(otto_context_opts *opts, const char *path) {
    return update(opts, [&] {
        if (*require(path, "path") == '\0') fail(OTTO_EINVAL, "a lab search path must not be empty");
        opts->lab_paths.emplace_back(path);
    });
}

int otto_context_opts_set_lab_json(otto_context_opts *opts, const char *json) {
    return update(opts, [&] {
        if (json != nullptr) opts->lab_json = json;
        else opts->lab_json.reset();
    });
}

int otto_repeat_opts_new(otto_repeat_opts **out) { return create(out); }
void otto_repeat_opts_free(otto_repeat_opts *opts) { delete opts; }

int otto_repeat_opts_set_interval(otto_repeat_opts *opts, double seconds) {
    return update(opts, [&] {
        if (!(seconds > 0) || std::isinf(seconds))
            fail(OTTO_EINVAL, "the interval must be a finite number of seconds > 0, got " + std::to_string(seconds));
        opts->limits.interval = seconds;
    });
}

int otto_repeat_opts_set_count(otto_repeat_opts *opts, uint64_t count) {
    return update(opts, [&] { opts->limits.count = count; });
}

int otto_repeat_opts_set_duration(otto_repeat_opts *opts, double seconds) {
    return update(opts, [&] {
        if (!(seconds >= 0) || std::isinf(seconds))
            fail(OTTO_EINVAL, "the duration must be a finite number of seconds >= 0, got " + std::to_string(seconds));
        opts->limits.duration = seconds;
    });
}

int otto_fanout_opts_new(otto_fanout_opts **out) { return create(out); }
void otto_fanout_opts_free(otto_fanout_opts *opts) { delete opts; }

int otto_fanout_opts_set_hosts(otto_fanout_opts *opts, const char *regex) {
    return update(opts, [&] {
        if (regex == nullptr) {
            opts->hosts.reset();
            return;
        }
        otto::compile_hosts_regex(regex);  // a bad regex is reported here
        opts->hosts = regex;
    });
}

int otto_fanout_opts_set_serial(otto_fanout_opts *opts, int serial) {
    return update(opts, [&] { opts->serial = serial != 0; });
}

int otto_fanout_opts_set_limit(otto_fanout_opts *opts, size_t limit) {
    return update(opts, [&] { opts->limit = limit; });
}

int otto_fanout_opts_set_include_local(otto_fanout_opts *opts, int include) {
    return update(opts, [&] { opts->include_local = include != 0; });
}

int otto_host_opts_new(otto_host_opts **out) { return create(out); }
void otto_host_opts_free(otto_host_opts *opts) { delete opts; }

int otto_host_opts_set_id(otto_host_opts *opts, const char *id) {
    return update(opts, [&] {
        require(id, "id");
        if (*id == '\0') fail(OTTO_EINVAL, "a host id must not be empty");
        opts->config.id = id;
        opts->id_given = true;
    });
}

int otto_host_opts_set_pty(otto_host_opts *opts, int pty) {
    return update(opts, [&] { opts->config.pty = pty != 0; });
}

int otto_host_opts_set_shell(otto_host_opts *opts, const char *const *argv, size_t argc) {
    return update(opts, [&] {
        require(argv, "argv");
        if (argc == 0) fail(OTTO_EINVAL, "the shell needs at least a program name (argc == 0)");
        std::vector<std::string> args;
        for (size_t i = 0; i < argc; ++i) {
            if (argv[i] == nullptr) fail(OTTO_EINVAL, "argv[" + std::to_string(i) + "] is NULL");
            args.emplace_back(argv[i]);
        }
        if (args[0].empty()) fail(OTTO_EINVAL, "the shell's program name is empty");
        opts->config.shell_argv = std::move(args);
    });
}

int otto_host_opts_set_shell_history(otto_host_opts *opts, int keep) {
    return update(opts, [&] { opts->config.keep_history = keep != 0; });
}

int otto_host_opts_set_command_frame(otto_host_opts *opts, int32_t frame) {
    return update(opts, [&] {
        if (frame != OTTO_FRAME_BASH && frame != OTTO_FRAME_ASH)
            fail(OTTO_EINVAL, "command frame must be OTTO_FRAME_BASH or OTTO_FRAME_ASH, got " + std::to_string(frame));
        opts->config.frame = frame;
    });
}

int otto_host_opts_set_log_mode(otto_host_opts *opts, int32_t mode) {
    return update(opts, [&] {
        if (mode < OTTO_LOG_MODE_NORMAL || mode > OTTO_LOG_MODE_NEVER)
            fail(OTTO_EINVAL, "log mode must be OTTO_LOG_MODE_NORMAL, _QUIET or _NEVER, got " + std::to_string(mode));
        opts->config.log_mode = mode;
    });
}

int otto_host_opts_set_timing(otto_host_opts *opts, int32_t which, double seconds) {
    return update(opts, [&] {
        otto::require_timeout(seconds, "a timing");
        if (std::isinf(seconds) && which != OTTO_TIMING_COMMAND)
            fail(OTTO_EINVAL, "only OTTO_TIMING_COMMAND may be infinite");
        auto &c = opts->config;
        switch (which) {
            case OTTO_TIMING_COMMAND: c.command_timeout = seconds; break;
            case OTTO_TIMING_HANDSHAKE: c.timings.handshake = seconds; break;
            case OTTO_TIMING_HANDSHAKE_RESEND: c.timings.handshake_resend = seconds; break;
            case OTTO_TIMING_HANDSHAKE_RETRY: c.handshake_retry_delay = seconds; break;
            case OTTO_TIMING_INTERRUPT_WAIT: c.timings.interrupt_wait = seconds; break;
            case OTTO_TIMING_RECOVER_RESEND: c.timings.recover_resend = seconds; break;
            case OTTO_TIMING_RECOVER: c.timings.recover = seconds; break;
            case OTTO_TIMING_CLOSE_EXIT: c.close_exit_wait = seconds; break;
            case OTTO_TIMING_CLOSE_TERM: c.close_term_wait = seconds; break;
            case OTTO_TIMING_CONNECT: c.connect_timeout = seconds; break;
            case OTTO_TIMING_KEY_EXCHANGE: c.ssh.kex_timeout = seconds; break;
            case OTTO_TIMING_AUTH: c.ssh.auth_timeout = seconds; break;
            case OTTO_TIMING_CHANNEL_OPEN: c.ssh.channel_timeout = seconds; break;
            case OTTO_TIMING_LOGIN: c.telnet.login_timeout = seconds; break;
            case OTTO_TIMING_ECHO_NEGOTIATION: c.telnet.echo_negotiation_timeout = seconds; break;
            default: fail(OTTO_EINVAL, "unknown timing " + std::to_string(which));
        }
    });
}

int otto_host_opts_set_port(otto_host_opts *opts, int32_t port) {
    return update(opts, [&] {
        if (port < 1 || port > 65535) fail(OTTO_EINVAL, "a port must be 1-65535, got " + std::to_string(port));
        opts->config.port = port;
    });
}

int otto_host_opts_set_password(otto_host_opts *opts, const char *password) {
    return update(opts, [&] { opts->config.password = password != nullptr ? password : ""; });
}

int otto_host_opts_add_identity(otto_host_opts *opts, const char *path) {
    return update(opts, [&] {
        require(path, "path");
        if (*path == '\0') fail(OTTO_EINVAL, "an identity file path must not be empty");
        opts->config.ssh.identities.emplace_back(path);
    });
}

int otto_host_opts_set_agent(otto_host_opts *opts, int use_agent) {
    return update(opts, [&] { opts->config.ssh.use_agent = use_agent != 0; });
}

int otto_host_opts_set_known_hosts(otto_host_opts *opts, const char *path) {
    return update(opts, [&] {
        require(path, "path");
        opts->config.ssh.known_hosts = path;
    });
}

int otto_host_opts_set_host_key_policy(otto_host_opts *opts, int32_t policy) {
    return update(opts, [&] {
        if (policy < OTTO_HOST_KEY_ACCEPT_NEW || policy > OTTO_HOST_KEY_OFF)
            fail(OTTO_EINVAL,
                 "host key policy must be OTTO_HOST_KEY_ACCEPT_NEW, _STRICT or _OFF, got " + std::to_string(policy));
        opts->config.ssh.host_key_policy = policy;
    });
}

int otto_host_opts_set_keepalive(otto_host_opts *opts, double interval, int32_t count_max) {
    return update(opts, [&] {
        if (std::isnan(interval) || interval < 0 || std::isinf(interval))
            fail(OTTO_EINVAL, "the keepalive interval must be 0 (off) or a positive number of seconds");
        if (count_max < 1)
            fail(OTTO_EINVAL, "the keepalive count must be at least 1, got " + std::to_string(count_max));
        opts->config.ssh.keepalive_interval = interval;
        opts->config.ssh.keepalive_count = count_max;
    });
}

int otto_host_opts_set_channel_budget(otto_host_opts *opts, int32_t channels) {
    return update(opts, [&] {
        if (channels < 1) fail(OTTO_EINVAL, "the channel budget must be at least 1, got " + std::to_string(channels));
        opts->config.ssh.channel_budget = channels;
    });
}

int otto_host_opts_set_ssh_algorithms(otto_host_opts *opts, int32_t which, const char *list) {
    return update(opts, [&] {
        require(list, "list");
        if (which < OTTO_SSH_KEY_EXCHANGE || which > OTTO_SSH_MACS)
            fail(OTTO_EINVAL, "unknown algorithm kind " + std::to_string(which));
        if (*list == '\0') fail(OTTO_EINVAL, "an algorithm list must not be empty");
        opts->config.ssh.algorithms[which] = list;
    });
}

int otto_host_opts_set_telnet_login(otto_host_opts *opts, int login) {
    return update(opts, [&] { opts->config.telnet.login = login != 0; });
}

int otto_host_opts_set_telnet_prompts(otto_host_opts *opts, const char *login_prompt, const char *password_prompt) {
    return update(opts, [&] {
        // Compiled now, so that a bad pattern is reported where it was given.
        if (login_prompt != nullptr) {
            otto::Pattern::compile(login_prompt, 0, otto::Pattern::Engine::Interpreter);
            opts->config.telnet.login_prompt = login_prompt;
        }
        if (password_prompt != nullptr) {
            otto::Pattern::compile(password_prompt, 0, otto::Pattern::Engine::Interpreter);
            opts->config.telnet.password_prompt = password_prompt;
        }
    });
}

int otto_host_opts_set_terminal_size(otto_host_opts *opts, int32_t columns, int32_t rows) {
    return update(opts, [&] {
        if (columns < 1 || columns > 65535 || rows < 1 || rows > 65535)
            fail(OTTO_EINVAL, "a terminal size must be 1-65535 columns and rows, got " + std::to_string(columns) +
                                  " x " + std::to_string(rows));
        opts->config.telnet.columns = columns;
        opts->config.telnet.rows = rows;
    });
}

int otto_host_opts_set_write_chunking(otto_host_opts *opts, int32_t chunk, double delay) {
    return update(opts, [&] {
        if (chunk < 0) fail(OTTO_EINVAL, "a write chunk must be 0 (off) or more bytes, got " + std::to_string(chunk));
        if (std::isnan(delay) || delay < 0 || std::isinf(delay))
            fail(OTTO_EINVAL, "a write chunk delay must be 0 or more seconds");
        opts->config.telnet.write_chunk = chunk;
        opts->config.telnet.write_chunk_delay = delay;
    });
}

int otto_run_opts_new(otto_run_opts **out) { return create(out); }
void otto_run_opts_free(otto_run_opts *opts) { delete opts; }

int otto_run_opts_set_timeout(otto_run_opts *opts, double seconds) {
    return update(opts, [&] {
        otto::require_timeout(seconds, "the run timeout");
        opts->timeout = seconds;
    });
}

int otto_run_opts_add_expect(otto_run_opts *opts, const char *pattern, const char *response, uint32_t flags) {
    return update(opts, [&] {
        check_expect(pattern, response, flags);
        opts->expects.push_back({pattern, response, flags});
    });
}

int otto_run_opts_set_event_cb(otto_run_opts *opts, otto_event_cb cb, void *user_data) {
    return update(opts, [&] { opts->events = otto::EventSink{cb, user_data}; });
}

int otto_run_opts_set_output_limit(otto_run_opts *opts, uint64_t bytes) {
    return update(opts, [&] { opts->output_limit = bytes; });
}

int otto_commands_new(otto_commands **out) { return create(out); }
void otto_commands_free(otto_commands *commands) { delete commands; }

int otto_commands_add(size_t *index, otto_commands *commands, const char *command) {
    return guarded([&]() -> int {
        require(commands, "commands");
        require(command, "command");
        std::lock_guard lock(commands->mutex);
        commands->items.push_back({command, std::nullopt, std::nullopt});
        if (index) *index = commands->items.size() - 1;
        return OTTO_OK;
    });
}

static otto_commands::Item &item_at(otto_commands *commands, size_t index) {
    if (index >= commands->items.size())
        fail(OTTO_EINVAL, "command index " + std::to_string(index) + " is out of range (the list has " +
                              std::to_string(commands->items.size()) + ")");
    return commands->items[index];
}

int otto_commands_set_timeout(otto_commands *commands, size_t index, double seconds) {
    return guarded([&]() -> int {
        require(commands, "commands");
        otto::require_timeout(seconds, "a command timeout");
        std::lock_guard lock(commands->mutex);
        item_at(commands, index).timeout = seconds;
        return OTTO_OK;
    });
}

int otto_commands_add_expect(otto_commands *commands, size_t index, const char *pattern, const char *response,
                             uint32_t flags) {
    return guarded([&]() -> int {
        require(commands, "commands");
        check_expect(pattern, response, flags);
        std::lock_guard lock(commands->mutex);
        auto &item = item_at(commands, index);
        if (!item.expects) item.expects.emplace();
        item.expects->push_back({pattern, response, flags});
        return OTTO_OK;
    });
}

size_t otto_commands_count(const otto_commands *commands) {
    if (commands == nullptr) return 0;
    std::lock_guard lock(commands->mutex);
    return commands->items.size();
}

}  // extern "C"
