/*
 * otto.h - drive a lab of hosts (the local machine, SSH servers, telnet
 * consoles) through persistent shell sessions, one-shot commands and
 * send/expect, from one event-loop thread.
 *
 * This is the whole public interface of libotto. It is plain C99 and
 * depends on nothing but <stddef.h> and <stdint.h>, so C, C++, SWIG,
 * bindgen, ctypes/cffi, P/Invoke, cgo and JNI can all consume it.
 *
 * Conventions (see the project's API design notes):
 *   - Every fallible call returns int: OTTO_OK (0) or a negative OTTO_E* code.
 *     When a synchronous call fails, otto_last_error_message() explains why,
 *     on the calling thread.
 *   - Argument order: outputs first, then the handle, then inputs, then
 *     (callback, user_data).
 *   - Anything handed out through an `**out` argument is owned by the caller
 *     and has a matching _free. A pointer returned by a getter is borrowed;
 *     its comment says how long it lives. Never free() library memory.
 *   - Booleans are int (0 false, non-zero true). Durations are seconds as
 *     double; waits on the calling thread are milliseconds as int32_t,
 *     where -1 means "no limit" and 0 means "do not wait".
 *   - Every function may be called from any thread.
 *
 * Threading and completion
 *   An otto_context owns one internal libuv loop thread that performs all
 *   I/O. Asynchronous calls return an otto_op (a future) at once. Its
 *   completion can be observed in three ways:
 *     1. the completion callback passed when the op is submitted;
 *     2. the op itself: otto_op_is_done(), otto_op_wait();
 *     3. the context's completion queue, otto_context_next_completion(),
 *        which receives every op submitted *without* a callback.
 *   Callbacks (completion, streaming events, log entries) run on the loop
 *   thread (OTTO_DISPATCH_LOOP) or on the application's thread inside
 *   otto_context_dispatch() (OTTO_DISPATCH_APP, the default). The notify fd
 *   is readable while callbacks wait for dispatch or completions wait in the
 *   queue, so event loops (asyncio, Go, Tokio, poll()) can integrate without
 *   threads. A completion callback fires exactly once, never from inside the
 *   call that submitted the op; if submission fails no callback fires; after
 *   otto_op_free() none of the op's callbacks run again. Every call that
 *   submits an op takes `otto_op **out`; given NULL there, the op is
 *   detached: its completion callback still fires (exactly once) and the op
 *   is freed after it.
 *   Calls that would block (otto_op_wait, a waiting dispatch or completion
 *   poll, otto_context_free) return OTTO_EDEADLK when made on the loop thread
 *   itself, instead of hanging. Inside a callback run on the application's
 *   thread, otto_context_dispatch and otto_context_free return OTTO_EDEADLK
 *   (they would wait for the call running that callback), while waiting
 *   for an op, a completion or a log entry works (see otto_op_wait).
 *   Work the loop thread cannot carry out for want of memory fails its op
 *   with OTTO_ENOMEM (another internal failure: OTTO_EINTERNAL); it never
 *   ends the process.
 */
#ifndef OTTO_H
#define OTTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Export and version                                                       */
/* ------------------------------------------------------------------------ */

#if defined(_WIN32)
#define OTTO_API
#elif defined(__GNUC__) || defined(__clang__)
#define OTTO_API __attribute__((visibility("default")))
#else
#define OTTO_API
#endif

#define OTTO_VERSION_MAJOR 0
#define OTTO_VERSION_MINOR 1
#define OTTO_VERSION_PATCH 0
#define OTTO_VERSION_STRING "0.1.0"
/* One number for comparisons: 0x00MMmmpp. */
#define OTTO_VERSION_NUMBER ((OTTO_VERSION_MAJOR << 16) | (OTTO_VERSION_MINOR << 8) | OTTO_VERSION_PATCH)

/* The library's own version. Any output pointer may be NULL. Returns a
 * static string such as "0.1.0". */
OTTO_API const char *otto_version(int32_t *major, int32_t *minor, int32_t *patch);

/* Checks that the library can serve a program built against the header
 * whose OTTO_VERSION_NUMBER is `header_version`: same major version and a
 * library at least as new. Returns OTTO_OK or OTTO_EVERSION. Bindings call
 * it once at load time. */
OTTO_API int otto_version_check(uint32_t header_version);

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* Values never change; new codes are appended. */
typedef enum otto_error_code_e {
    OTTO_OK = 0,
    OTTO_EINVAL = -1,        /* invalid argument */
    OTTO_ENOTFOUND = -2,     /* no such host, session or file */
    OTTO_ETIMEDOUT = -3,     /* a wait or an expect ran out of time */
    OTTO_ECANCELED = -4,     /* the op was canceled (or its context freed) */
    OTTO_EAUTH = -5,         /* authentication failed */
    OTTO_EHOSTKEY = -6,      /* host key unknown or changed */
    OTTO_ECONNECT = -7,      /* could not connect or start the transport */
    OTTO_ECLOSED = -8,       /* the handle or its context is closed */
    OTTO_EBUSY = -9,         /* resource busy */
    OTTO_EDEADLK = -10,      /* a blocking call on the loop thread */
    OTTO_EABORT = -11,       /* a user callback asked to stop */
    OTTO_ENOMEM = -12,       /* out of memory */
    OTTO_EVERSION = -13,     /* header and library versions disagree */
    OTTO_EINTERNAL = -14,    /* a bug in otto; the message says where */
    OTTO_EPARSE = -15,       /* malformed lab or configuration */
    OTTO_ELABNOTFOUND = -16, /* no lab file or lab name matched */
    OTTO_EDEAD = -17,        /* the session is dead (not alive) */
    OTTO_EIO = -18,          /* the transport was lost during the op */
    OTTO_EHANDSHAKE = -19,   /* the shell never became ready */
    OTTO_ENOTRUN = -20,      /* dry run: nothing was done */
    OTTO_ENOTSUP = -21,      /* not supported by this host kind */
    OTTO_ERESERVATION = -22, /* a reservation is missing */
    OTTO_ERESBACKEND = -23,  /* the reservations file could not be used */
    OTTO_EPENDING = -24,     /* the op has not finished yet */
    OTTO_EPERM = -25,        /* permission denied (a file or directory) */
    OTTO_EFILE = -26         /* a file operation failed; the message quotes the host */
} otto_error_code_t;

/* A static, thread-safe description of an error code ("invalid argument").
 * Unknown codes give "unknown error". */
OTTO_API const char *otto_strerror(int code);

/* The code and message of the last synchronous call that failed on this
 * thread. The message names the host, file, JSON path or command involved.
 * The string is borrowed and lives until the next failing otto call on this
 * thread. Both report success/"" when nothing has failed. */
OTTO_API int otto_last_error(void);
OTTO_API const char *otto_last_error_message(void);
OTTO_API void otto_last_error_clear(void);

/* Frees strings that otto hands out through `char **out` (JSON renderings).
 * Accepts NULL. */
OTTO_API void otto_string_free(char *str);

/* ------------------------------------------------------------------------ */
/* Handles                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct otto_context otto_context; /* owns the loop thread */
typedef struct otto_host otto_host;       /* one host of the lab */
typedef struct otto_session otto_session; /* a named shell session */
typedef struct otto_op otto_op;           /* an operation (a future) */

typedef struct otto_context_opts otto_context_opts;
typedef struct otto_host_opts otto_host_opts;
typedef struct otto_run_opts otto_run_opts;
typedef struct otto_commands otto_commands;

typedef struct otto_run_result otto_run_result;
typedef struct otto_cmd_result otto_cmd_result;
typedef struct otto_event otto_event;
typedef struct otto_log_entry otto_log_entry;
typedef struct otto_fanout_opts otto_fanout_opts;
typedef struct otto_fanout_result otto_fanout_result;
typedef struct otto_repeat_opts otto_repeat_opts;
typedef struct otto_transfer_opts otto_transfer_opts;
typedef struct otto_transfer_result otto_transfer_result;
typedef struct otto_file_result otto_file_result;

/* Completion of an op. `op` is valid during the call; the callback may free
 * it. */
typedef void (*otto_op_cb)(otto_op *op, void *user_data);

/* A streaming event of an op (an output line, ...). `event` and the data it
 * points to are borrowed for the duration of the call only. */
typedef void (*otto_event_cb)(otto_op *op, const otto_event *event, void *user_data);

/* One log entry of a context; borrowed for the duration of the call. */
typedef void (*otto_log_cb)(const otto_log_entry *entry, void *user_data);

/* ------------------------------------------------------------------------ */
/* Context                                                                  */
/* ------------------------------------------------------------------------ */

/* Where callbacks run. */
typedef enum otto_dispatch_mode_e {
    /* On the application's thread, inside otto_context_dispatch(). No
     * callback ever runs on a thread the application does not own. */
    OTTO_DISPATCH_APP = 0,
    /* Directly on the loop thread: lowest latency. Callbacks must not block;
     * blocking otto calls made there return OTTO_EDEADLK. */
    OTTO_DISPATCH_LOOP = 1
} otto_dispatch_mode_t;

/* Log levels, lowest first. */
typedef enum otto_log_level_e {
    OTTO_LOG_DEBUG = 0,
    OTTO_LOG_INFO = 1,
    OTTO_LOG_WARNING = 2,
    OTTO_LOG_ERROR = 3
} otto_log_level_t;

/* What a log entry is about. */
typedef enum otto_log_kind_e {
    OTTO_LOG_KIND_INFO = 0,    /* a remark of otto's (connects, replacements) */
    OTTO_LOG_KIND_COMMAND = 1, /* a command or send about to be written */
    OTTO_LOG_KIND_OUTPUT = 2,  /* one line of a command's output */
    OTTO_LOG_KIND_WARNING = 3  /* something the user should know about */
} otto_log_kind_t;

OTTO_API int otto_context_opts_new(otto_context_opts **out);
/* Accepts NULL. */
OTTO_API void otto_context_opts_free(otto_context_opts *opts);
/* OTTO_DISPATCH_APP (default) or OTTO_DISPATCH_LOOP. */
OTTO_API int otto_context_opts_set_dispatch(otto_context_opts *opts, int32_t mode);
/* Dry run: nothing is written to any host. Runs give NotRun results, sends
 * are only logged, expects fail with OTTO_ENOTRUN. Default off. */
OTTO_API int otto_context_opts_set_dry_run(otto_context_opts *opts, int dry_run);
/* Receives the context's log entries at `min_level` and above (default
 * OTTO_LOG_INFO), dispatched like every other callback. */
OTTO_API int otto_context_opts_set_log_cb(otto_context_opts *opts, otto_log_cb cb, void *user_data);
OTTO_API int otto_context_opts_set_log_level(otto_context_opts *opts, int32_t min_level);
/* Also keeps the log entries (at `min_level` and above) in a queue of up to
 * `capacity` entries, taken with otto_context_next_log(), for callers that
 * poll instead of taking callbacks; with or without a log callback. When the
 * queue is full the oldest entry is dropped, and the next entry taken is an
 * OTTO_LOG_KIND_WARNING saying how many were. 0 (default): no queue. */
OTTO_API int otto_context_opts_set_log_queue(otto_context_opts *opts, size_t capacity);
/* At most `limit` of the context's SSH connections in their handshake (key
 * exchange and authentication, which cost the servers CPU) at once; the
 * others wait their turn once their TCP connect has completed, and the
 * deadlines of those phases start when it comes. TCP connects take no turn:
 * an unreachable host never delays another. A fan-out to hundreds of
 * hosts otherwise starts every key exchange at once, and where servers
 * share CPUs (virtual machines, containers, one sshd behind many names)
 * the last ones can run out of time inside the servers. Default 64, as
 * pdsh's and clush's fan-outs; 0: no limit. */
OTTO_API int otto_context_opts_set_handshake_limit(otto_context_opts *opts, size_t limit);
/* The lab the context opens (LAB-FORMAT.md): a selection such as "lab1" or
 * "lab1+lab2", found in the search paths added in order (each a .json file,
 * or a directory holding lab.json or hosts.json; "~" is expanded). Without
 * a search path the current directory is searched. Without a lab the
 * context holds only the local host. */
OTTO_API int otto_context_opts_set_lab(otto_context_opts *opts, const char *selection);
OTTO_API int otto_context_opts_add_lab_path(otto_context_opts *opts, const char *path);
/* The lab file as JSON text instead of search paths (messages name it
 * "<text>"); NULL forgets it. */
OTTO_API int otto_context_opts_set_lab_json(otto_context_opts *opts, const char *json);

/* Creates a context and starts its loop thread. `opts` may be NULL; it is
 * copied. With a lab, the lab loads first, all or nothing: OTTO_EPARSE
 * (every problem, with file, line:column and JSON path, in the last error
 * message), OTTO_ELABNOTFOUND or OTTO_EINVAL (a malformed selection), and
 * no context. Load warnings go to the log callback. */
OTTO_API int otto_context_new(otto_context **out, const otto_context_opts *opts);

/* Cancels all work (every op in flight completes once with OTTO_ECANCELED),
 * closes every host, stops and joins the loop thread, then, in
 * OTTO_DISPATCH_APP mode, runs the callbacks still waiting for dispatch on
 * the calling thread. Handles that outlive the context stay valid until
 * freed, and their calls fail with OTTO_ECLOSED. No other thread may be
 * inside a call on `ctx` itself (dispatch, completion poll) meanwhile: wake
 * it with otto_context_wakeup() and let it return first. Accepts NULL.
 * Returns OTTO_EDEADLK (and does nothing) on the loop thread, and inside a
 * callback the context runs on the application's thread (from
 * otto_context_dispatch or otto_op_wait): free it once that call returns. */
OTTO_API int otto_context_free(otto_context *ctx);

/* A file descriptor that is readable while callbacks wait for dispatch,
 * completions or log entries wait in their queues (and after
 * otto_context_wakeup()). Owned by
 * the context; never read or close it yourself. */
OTTO_API int otto_context_notify_fd(const otto_context *ctx);

/* Runs waiting callbacks on the calling thread (OTTO_DISPATCH_APP). Waits
 * up to `timeout_ms` for the first one when none is waiting, then runs all
 * that were waiting when it started (those queued meanwhile wait for the
 * next call). `count` (may be NULL) receives how many ran. Returns OTTO_OK
 * even when none ran in time; OTTO_EDEADLK (running nothing) when called
 * from inside a callback the context is running: return from the callback
 * and the outer call runs the rest. */
OTTO_API int otto_context_dispatch(size_t *count, otto_context *ctx, int32_t timeout_ms);

/* Takes the next finished op from the completion queue, waiting up to
 * `timeout_ms`. Only ops submitted without a completion callback are
 * queued. `*op` is the caller's own op (no new reference is created).
 * Returns OTTO_ETIMEDOUT when none finished in time. */
OTTO_API int otto_context_next_completion(otto_op **op, otto_context *ctx, int32_t timeout_ms);

/* Takes the next entry of the context's log queue (see
 * otto_context_opts_set_log_queue), waiting up to `timeout_ms`; the notify
 * fd is readable while entries wait. `*entry` is the caller's: free it with
 * otto_log_entry_free(). Returns OTTO_ETIMEDOUT when none came in time,
 * OTTO_EINVAL when the context keeps no log queue. */
OTTO_API int otto_context_next_log(otto_log_entry **entry, otto_context *ctx, int32_t timeout_ms);

/* Interrupts one waiting otto_context_dispatch/next_completion/next_log
 * (which then returns early) and makes the notify fd readable until the next
 * such call. */
OTTO_API int otto_context_wakeup(otto_context *ctx);

/* The lab's name ("lab1+lab2"), "" without a lab. Borrowed from the
 * context. */
OTTO_API const char *otto_context_lab_name(const otto_context *ctx);
/* The lab's hosts in file order, the local host ("local") included. */
OTTO_API size_t otto_context_host_count(const otto_context *ctx);
/* The id of the host at `index`, NULL past the end. Borrowed from the
 * context. */
OTTO_API const char *otto_context_host_id(const otto_context *ctx, size_t index);
/* The lab's host `id`, borrowed: the context owns it and closes it when it
 * is freed (otto_host_free on it does nothing). otto_host_close() may close
 * it early; the next get then gives a fresh host (the closed handle stays
 * valid, and closed, until the context is freed). OTTO_ENOTFOUND for an
 * unknown id (the message lists the known ids); OTTO_ENOTSUP for a host
 * otto cannot reach as the lab describes it (a hop, a login proxy). */
OTTO_API int otto_context_get_host(otto_host **out, otto_context *ctx, const char *id);
/* The lab's hosts as JSON, in order: [{"id", "name", "kind" ("local", "ssh",
 * "telnet"), "address", "port", "user", "labs", "resources"}]; never a
 * password. Free with otto_string_free(). */
OTTO_API int otto_context_hosts_to_json(char **out, const otto_context *ctx);
/* Checks the lab against a reservations file (LAB-FORMAT.md §14), read
 * anew at each call, for `user` (NULL: the process's account name).
 * OTTO_ERESERVATION names what is missing and who holds it;
 * OTTO_ERESBACKEND when the file cannot be used (the check fails closed). */
OTTO_API int otto_context_check_reservations(otto_context *ctx, const char *reservations_file, const char *user);

/* ------------------------------------------------------------------------ */
/* Hosts                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum otto_host_kind_e { OTTO_HOST_LOCAL = 0, OTTO_HOST_SSH = 1, OTTO_HOST_TELNET = 2 } otto_host_kind_t;

/* How commands are framed; sets the per-line limit (1022 for ash). */
typedef enum otto_command_frame_e { OTTO_FRAME_BASH = 0, OTTO_FRAME_ASH = 1 } otto_command_frame_t;

/* Which commands and output reach the context log. */
typedef enum otto_log_mode_e {
    OTTO_LOG_MODE_NORMAL = 0, /* commands and output lines */
    OTTO_LOG_MODE_QUIET = 1,  /* commands only */
    OTTO_LOG_MODE_NEVER = 2   /* neither */
} otto_log_mode_t;

/* The protocol's tunable waits, in seconds (defaults in brackets). */
typedef enum otto_timing_e {
    OTTO_TIMING_COMMAND = 0,          /* a command's timeout [30] */
    OTTO_TIMING_HANDSHAKE = 1,        /* READY deadline [3.0] */
    OTTO_TIMING_HANDSHAKE_RESEND = 2, /* READY probe resend [0.5] */
    OTTO_TIMING_HANDSHAKE_RETRY = 3,  /* default session retry delay [2.0] */
    OTTO_TIMING_INTERRUPT_WAIT = 4,   /* after the interrupt [0.1] */
    OTTO_TIMING_RECOVER_RESEND = 5,   /* RECOVER probe resend [0.5] */
    OTTO_TIMING_RECOVER = 6,          /* RECOVER deadline [5.0] */
    OTTO_TIMING_CLOSE_EXIT = 7,       /* wait after `exit` [1.0] */
    OTTO_TIMING_CLOSE_TERM = 8,       /* wait after SIGTERM [5.0] */
    OTTO_TIMING_CONNECT = 9,          /* SSH/telnet: name resolution and TCP connect [10] */
    OTTO_TIMING_KEY_EXCHANGE = 10,    /* SSH: banner and key exchange [10] */
    OTTO_TIMING_AUTH = 11,            /* SSH: authentication [10] */
    OTTO_TIMING_CHANNEL_OPEN = 12,    /* SSH: opening a channel with its PTY and shell or command [10] */
    OTTO_TIMING_LOGIN = 13,           /* telnet: each wait for a login or password prompt, and for the answer
                                       * to the password (at most 5 s of it, see otto_host_new_telnet) [10] */
    OTTO_TIMING_ECHO_NEGOTIATION = 14 /* telnet: wait for the server to confirm it will not echo [3] */
} otto_timing_t;

/* SSH host key checking against the known_hosts file (see
 * otto_host_opts_set_known_hosts) and the system-wide
 * /etc/ssh/ssh_known_hosts, read as OpenSSH reads them: plain, hashed
 * ("|1|...") and wildcard host names, negations ("!name"), "[host]:port"
 * entries off port 22. Under every policy but OFF the connection fails with
 * OTTO_EHOSTKEY, naming the file and line, when an entry for the host lists
 * a different key (the key "has changed"), when a "@revoked" entry lists the
 * server's key (even if a plain entry lists it too), or when an entry for
 * the host cannot be parsed or the file exists but cannot be read: such a
 * host is never taken for new. "@cert-authority" entries are not host keys
 * and count neither way. The files are read off the loop thread. */
typedef enum otto_host_key_policy_e {
    /* Unknown hosts are trusted on first use and their key appended to the
     * known_hosts file, once: a later connection finds it there. The append
     * takes the file's lock without blocking any other host, retrying until
     * the key exchange deadline (OTTO_TIMING_KEY_EXCHANGE), past which the
     * connection fails with OTTO_EHOSTKEY saying the file stayed locked. */
    OTTO_HOST_KEY_ACCEPT_NEW = 0,
    /* The key must already be in a known_hosts file. */
    OTTO_HOST_KEY_STRICT = 1,
    /* No check at all (one warning per host). */
    OTTO_HOST_KEY_OFF = 2
} otto_host_key_policy_t;

/* Algorithm lists an SSH host may pin (comma-separated, OpenSSH names). */
typedef enum otto_ssh_algorithms_e {
    OTTO_SSH_KEY_EXCHANGE = 0,
    OTTO_SSH_CIPHERS = 1,
    OTTO_SSH_HOST_KEYS = 2,
    OTTO_SSH_MACS = 3
} otto_ssh_algorithms_t;

OTTO_API int otto_host_opts_new(otto_host_opts **out);
/* Accepts NULL. */
OTTO_API void otto_host_opts_free(otto_host_opts *opts);
/* The host's id in logs and results. Default "local" for the local host. */
OTTO_API int otto_host_opts_set_id(otto_host_opts *opts, const char *id);
/* Local and SSH hosts: run the persistent shell on a PTY (default, 1) or on
 * pipes (0). Pipes cost less per command and have no line limit; the shell's
 * stderr is joined to its stdout; interactive programs that need a terminal
 * (prompts, line editors, most REPLs) do not work there. Over SSH the
 * shell's pid is learned at its start, and an interrupt (a timeout's
 * recovery) is a `kill` of its process group run over a second channel of
 * the connection. Telnet consoles always have a terminal. */
OTTO_API int otto_host_opts_set_pty(otto_host_opts *opts, int pty);
/* The shell program and its arguments, e.g. {"/bin/dash"}. Local host:
 * default {"bash", "--norc", "--noprofile"}. SSH: default the user's login
 * shell; a shell given here runs instead, as the channel's command.
 * Telnet: default the console's shell; a shell given here is exec'd by it
 * once logged in. Copied. */
OTTO_API int otto_host_opts_set_shell(otto_host_opts *opts, const char *const *argv, size_t argc);
/* Keep the shell's history (default 0: otto suppresses it). */
OTTO_API int otto_host_opts_set_shell_history(otto_host_opts *opts, int keep);
/* OTTO_FRAME_BASH (default) or OTTO_FRAME_ASH. */
OTTO_API int otto_host_opts_set_command_frame(otto_host_opts *opts, int32_t frame);
/* OTTO_LOG_MODE_NORMAL (default), _QUIET or _NEVER. */
OTTO_API int otto_host_opts_set_log_mode(otto_host_opts *opts, int32_t mode);
/* Sets one of the waits of otto_timing. `seconds` must be > 0 (INFINITY
 * allowed for OTTO_TIMING_COMMAND). */
OTTO_API int otto_host_opts_set_timing(otto_host_opts *opts, int32_t which, double seconds);

/* SSH and telnet: the server's TCP port (default 22 for SSH, 23 for
 * telnet). */
OTTO_API int otto_host_opts_set_port(otto_host_opts *opts, int32_t port);
/* SSH: the password for password and keyboard-interactive authentication;
 * telnet: the login password. Copied; never logged. NULL clears it. */
OTTO_API int otto_host_opts_set_password(otto_host_opts *opts, const char *password);
/* SSH: a private key file (ed25519, ecdsa or rsa, unencrypted; encrypted keys
 * belong in ssh-agent). Keys are tried in the order added. When none is
 * added, ~/.ssh/id_ed25519, id_ecdsa and id_rsa are tried if they exist. */
OTTO_API int otto_host_opts_add_identity(otto_host_opts *opts, const char *path);
/* SSH: whether to ask ssh-agent (SSH_AUTH_SOCK). Default: only when no
 * identity was added. */
OTTO_API int otto_host_opts_set_agent(otto_host_opts *opts, int use_agent);
/* SSH: the known_hosts file (default ~/.ssh/known_hosts). */
OTTO_API int otto_host_opts_set_known_hosts(otto_host_opts *opts, const char *path);
/* SSH: OTTO_HOST_KEY_ACCEPT_NEW (default), _STRICT or _OFF. */
OTTO_API int otto_host_opts_set_host_key_policy(otto_host_opts *opts, int32_t policy);
/* SSH: sends a keepalive every `interval` seconds and declares the
 * connection lost after `count_max` unanswered ones. Default 15 s x 3;
 * `interval` 0 turns it off. */
OTTO_API int otto_host_opts_set_keepalive(otto_host_opts *opts, double interval, int32_t count_max);
/* SSH: channels one connection carries at once (default 10, sshd's default
 * MaxSessions). Further one-shots queue; further shells open another
 * connection. */
OTTO_API int otto_host_opts_set_channel_budget(otto_host_opts *opts, int32_t channels);
/* SSH: pins an algorithm list (see otto_ssh_algorithms_t). An unsupported
 * name fails the connection with an error naming it. */
OTTO_API int otto_host_opts_set_ssh_algorithms(otto_host_opts *opts, int32_t which, const char *list);

/* Telnet: whether the console asks for a login (default 1); 0 for consoles
 * that give a shell at once. */
OTTO_API int otto_host_opts_set_telnet_login(otto_host_opts *opts, int login);
/* Telnet: PCRE2 patterns that recognise the login and the password prompts
 * at the end of the text received so far. Default ":\s*$" for both
 * ("login:", "Username:", "Password:"). NULL keeps a pattern. */
OTTO_API int otto_host_opts_set_telnet_prompts(otto_host_opts *opts, const char *login_prompt,
                                               const char *password_prompt);
/* Telnet: the window size announced with NAWS (default 400 x 24). */
OTTO_API int otto_host_opts_set_terminal_size(otto_host_opts *opts, int32_t columns, int32_t rows);
/* Telnet: for slow serial consoles, writes go out `chunk` bytes at a time
 * with `delay` seconds between chunks. Default 0: no chunking. */
OTTO_API int otto_host_opts_set_write_chunking(otto_host_opts *opts, int32_t chunk, double delay);

/* Creates the local host: the machine otto runs on, through a local shell.
 * `opts` may be NULL; it is copied. Nothing starts until the first op. */
OTTO_API int otto_host_new_local(otto_host **out, otto_context *ctx, const otto_host_opts *opts);

/* Creates an SSH host: `address` is a DNS name or an IP address (IPv6
 * without brackets; the port is an option), `user` the login (NULL: the
 * user running the program). Nothing connects until the first op; then one
 * connection serves the default session, named sessions (further channels)
 * and one-shots (exec channels). Authentication tries, in this order: the
 * identity files, ssh-agent, the password, keyboard-interactive answered
 * with the password. A lost connection turns the ops in flight into Error
 * results and the next op reconnects. */
OTTO_API int otto_host_new_ssh(otto_host **out, otto_context *ctx, const char *address, const char *user,
                               const otto_host_opts *opts);

/* Creates a telnet host: `address` a DNS name or IP address, `user` the
 * login (NULL when the console has no login step). Every session (default,
 * named, and those serving one-shots) is a connection of its own, logged in
 * and brought to the READY handshake. Newlines go out as a lone CR. A
 * refused login is OTTO_EAUTH, a prompt that never comes OTTO_ETIMEDOUT;
 * both within their deadlines.
 * After the password (or the login, when no password is set) otto types
 * nothing until the console's answer is known, so that a refused login
 * never reads otto's shell setup as the next login name:
 *   - a line saying the login failed ("Login incorrect", "Authentication
 *     failed", "Access denied", "Permission denied"), a prompt otto
 *     answered shown again, or a last line ending in "login:", "Username:"
 *     or "Password:" once the console is quiet: OTTO_EAUTH, with the
 *     message "<telnet user@address:port>: the login was refused (the
 *     server said "...")", quoting at most 100 printable characters;
 *   - a last line ending like a shell prompt ('$', '#', '>' or '%'), or any
 *     other text followed by 0.5 s of quiet: logged in, the handshake
 *     starts;
 *   - anything else (nothing but line ends, or text that never pauses):
 *     the handshake starts after 5 s (the login timeout if shorter), when
 *     login programs would have refused; a refusal that shows during the
 *     handshake still ends it with OTTO_EAUTH. */
OTTO_API int otto_host_new_telnet(otto_host **out, otto_context *ctx, const char *address, const char *user,
                                  const otto_host_opts *opts);

/* Closes the host (as otto_host_close without an op) and releases the
 * caller's handle. Accepts NULL. */
OTTO_API void otto_host_free(otto_host *host);

/* Closes the host: its queued and running ops complete with OTTO_ECANCELED,
 * its sessions (default and named) close concurrently, its processes and
 * connections end. Idempotent. The op completes when everything is closed;
 * `out` may be NULL (see "Ops"). */
OTTO_API int otto_host_close(otto_op **out, otto_host *host, otto_op_cb cb, void *user_data);

/* The host's id; borrowed, lives as long as the host handle. */
OTTO_API const char *otto_host_id(const otto_host *host);
OTTO_API int32_t otto_host_kind(const otto_host *host);
/* How many times the default session was replaced by a fresh shell because
 * the previous one died (its cwd and environment were lost). */
OTTO_API uint64_t otto_host_shell_replacements(const otto_host *host);

/* ------------------------------------------------------------------------ */
/* Commands and run options                                                 */
/* ------------------------------------------------------------------------ */

/* Flags of an expect. */
#define OTTO_EXPECT_SECRET 1u   /* the response never reaches the log (it never does verbatim) */
#define OTTO_EXPECT_CASELESS 2u /* match ignoring ASCII case */

/* Run options: a command list's shared settings. Copied at submission. */
OTTO_API int otto_run_opts_new(otto_run_opts **out);
/* Accepts NULL. */
OTTO_API void otto_run_opts_free(otto_run_opts *opts);
/* The run-level timeout: a cumulative budget for the whole list, counted
 * from the start of its first command. Each command gets the smaller of its
 * own timeout (or the remainder) and the remainder; once nothing remains the
 * rest are NotRun. Unset: no budget, and each command gets its own timeout or
 * the host's OTTO_TIMING_COMMAND (30 s). Must be > 0 (INFINITY allowed). */
OTTO_API int otto_run_opts_set_timeout(otto_run_opts *opts, double seconds);
/* Adds a (pattern, response) pair, answered while a command runs: when the
 * PCRE2 `pattern` matches the current output line, `response` is written
 * verbatim (add the newline yourself). The current line is what has arrived
 * of it so far, except last bytes that could begin otto's own end marker
 * ("_", "__OT"...): a match that needs them waits for the line's next byte,
 * so otto's markers never fire an expect, however reads are cut. Used by
 * commands without expects of their own. */
OTTO_API int otto_run_opts_add_expect(otto_run_opts *opts, const char *pattern, const char *response, uint32_t flags);
/* Streaming: `cb` receives each output line as an event. In
 * OTTO_DISPATCH_APP mode the events wait for dispatch; while those of one op
 * hold more than a few MiB (counting each event's bytes and its queue
 * entry), the op stops reading the command's output (sessions and one-shots
 * alike; the command then blocks on its full pipe or window) until they are
 * dispatched. otto_op_wait on the op dispatches them itself, so a caller
 * that only waits never stalls the op. */
OTTO_API int otto_run_opts_set_event_cb(otto_run_opts *opts, otto_event_cb cb, void *user_data);
/* Bytes of output kept in each result (default 64 MiB); past it the result
 * keeps the head plus a notice while events still carry every line. 0 keeps
 * nothing: for callers that only stream. The limit also bounds a line in
 * progress: a line longer than the limit (at least 64 KiB), such as output
 * without a newline or a progress bar redrawn with '\r', is not held whole
 * but passed on in pieces of that many bytes (before '\r' removal): each
 * piece is an event of its own, the events of one line following each
 * other, and the result keeps the pieces joined as one line (within the
 * limit). So a 100 MB line under a 1 MiB limit costs about 1 MiB. */
OTTO_API int otto_run_opts_set_output_limit(otto_run_opts *opts, uint64_t bytes);

/* An ordered list of commands, each with optional own timeout and expects. */
OTTO_API int otto_commands_new(otto_commands **out);
/* Accepts NULL. */
OTTO_API void otto_commands_free(otto_commands *commands);
/* Appends a command; `index` (may be NULL) receives its position. */
OTTO_API int otto_commands_add(size_t *index, otto_commands *commands, const char *command);
OTTO_API int otto_commands_set_timeout(otto_commands *commands, size_t index, double seconds);
OTTO_API int otto_commands_add_expect(otto_commands *commands, size_t index, const char *pattern, const char *response,
                                      uint32_t flags);
OTTO_API size_t otto_commands_count(const otto_commands *commands);

/* ------------------------------------------------------------------------ */
/* Running things on a host (its default session) or a named session       */
/* ------------------------------------------------------------------------ */
/*
 * Every call below submits an op and returns at once. `out` receives the op;
 * if `out` is NULL the op is detached: its callback (if any) still fires and
 * the op is freed after it. `opts` may be NULL. Each session runs its ops one
 * at a time, in submission order (run lists whole); time spent queued counts
 * against no timeout.
 */

/* Runs one command in the persistent shell. Result: otto_op_run_result(). A
 * command that ran and failed is a result (Failed), not an op error; a
 * timeout or a lost shell is a result with status Error.
 * Each command's output and exit code are its own: its begin and end
 * markers carry nonces drawn for it alone, and whatever arrives before its
 * begin marker is passed over, so nothing an earlier command left behind
 * (late output of its jobs, end lines forged from what it could see of its
 * own frame, such as $BASH_COMMAND in a DEBUG trap) lands on a later one.
 * A command may still misreport its own result that way. After a timeout
 * the shell counts as recovered only when it answers a probe carrying a
 * nonce of its own; otherwise the session is lost. */
OTTO_API int otto_host_run(otto_op **out, otto_host *host, const char *command, const otto_run_opts *opts,
                           otto_op_cb cb, void *user_data);
/* Runs a list in order; a failure does not stop it. */
OTTO_API int otto_host_run_commands(otto_op **out, otto_host *host, const otto_commands *commands,
                                    const otto_run_opts *opts, otto_op_cb cb, void *user_data);
/* Runs one command in a fresh process with no shared state; stdout and
 * stderr are kept apart. Concurrent one-shots run concurrently. On the local
 * host the command line goes to `/bin/sh -c`; over SSH it is the exec
 * channel's command. On a telnet console it runs in a fresh `sh -c` typed
 * into one of a pool of logged-in shells, its output lines tagged so the
 * streams come back apart: NUL and CR bytes do not survive the terminal, the
 * console's line limit applies to the line as typed, a line of output longer
 * than the output limit (at least 64 KiB) is cut there (the rest of that line
 * is neither streamed nor kept), and a timeout hangs up that shell's
 * connection. Result: otto_op_cmd_result(). Of `opts`, the timeout, event
 * callback and output limit apply. */
OTTO_API int otto_host_oneshot(otto_op **out, otto_host *host, const char *command, const otto_run_opts *opts,
                               otto_op_cb cb, void *user_data);
/* Writes `len` raw bytes to the default session (no newline added). */
OTTO_API int otto_host_send(otto_op **out, otto_host *host, const char *data, size_t len, otto_op_cb cb,
                            void *user_data);
/* Waits up to `timeout` seconds for the PCRE2 `pattern` in the default
 * session's output. Result: otto_op_expect_match(): the bytes up to and
 * including the match. On timeout the op fails with OTTO_ETIMEDOUT and
 * nothing is consumed. */
OTTO_API int otto_host_expect(otto_op **out, otto_host *host, const char *pattern, double timeout, otto_op_cb cb,
                              void *user_data);
/* Opens (or returns the live) named session `name`. Concurrent opens of one
 * name share one shell and complete with the same session handle. Take it
 * with otto_op_take_session(). */
OTTO_API int otto_host_open_session(otto_op **out, otto_host *host, const char *name, otto_op_cb cb, void *user_data);

OTTO_API int otto_session_run(otto_op **out, otto_session *session, const char *command, const otto_run_opts *opts,
                              otto_op_cb cb, void *user_data);
OTTO_API int otto_session_run_commands(otto_op **out, otto_session *session, const otto_commands *commands,
                                       const otto_run_opts *opts, otto_op_cb cb, void *user_data);
OTTO_API int otto_session_send(otto_op **out, otto_session *session, const char *data, size_t len, otto_op_cb cb,
                               void *user_data);
OTTO_API int otto_session_expect(otto_op **out, otto_session *session, const char *pattern, double timeout,
                                 otto_op_cb cb, void *user_data);
/* Closes the session's shell and removes it from its host's registry if it
 * is still the registered session of that name. Idempotent. A dead session
 * stays dead: open the name again for a replacement. */
OTTO_API int otto_session_close(otto_op **out, otto_session *session, otto_op_cb cb, void *user_data);
/* Releases the caller's reference; the last reference also closes the
 * session. Accepts NULL. */
OTTO_API void otto_session_free(otto_session *session);
/* The session's name; borrowed, lives as long as the handle. */
OTTO_API const char *otto_session_name(const otto_session *session);
/* 1 while the session's shell is alive (ready or busy), else 0. */
OTTO_API int otto_session_is_alive(const otto_session *session);

/* ------------------------------------------------------------------------ */
/* Files: transfers and remote file operations                              */
/* ------------------------------------------------------------------------ */
/*
 * Every host kind serves the same calls with the same results: SSH hosts
 * over SFTP (one channel per connection, opened on first use, many requests
 * in flight), SSH servers without SFTP and telnet consoles through shell
 * commands run as one-shots (base64 and md5sum; slower), the local host
 * through its file system. Writes are atomic everywhere: the bytes go to a
 * temporary file in the destination's directory (".NAME.otto-XXXXXXXX.tmp"),
 * which replaces the destination only when complete; a canceled or failed
 * write removes it. Under dry run nothing is contacted: transfers give NotRun
 * per file and file operations fail with OTTO_ENOTRUN. Every operation is
 * bounded, keepalive or not: over SFTP, once the server has sent nothing
 * for the host's OTTO_TIMING_COMMAND (30 s) while requests wait for it,
 * they fail with OTTO_ETIMEDOUT (progress is bounded, not size: a long
 * transfer that keeps moving goes on); shell commands have timeouts of
 * their own.
 */

/* Transfer options; copied at submission. */
OTTO_API int otto_transfer_opts_new(otto_transfer_opts **out);
/* Accepts NULL. */
OTTO_API void otto_transfer_opts_free(otto_transfer_opts *opts);
/* The permissions of every file written, e.g. 0644 (at most 07777).
 * Default: the source file's permission bits (0644 for
 * otto_host_file_write). */
OTTO_API int otto_transfer_opts_set_mode(otto_transfer_opts *opts, uint32_t mode);
/* Progress events (OTTO_EVENT_PROGRESS): per file as bytes move, and at
 * least once with done == total when it is complete. */
OTTO_API int otto_transfer_opts_set_event_cb(otto_transfer_opts *opts, otto_event_cb cb, void *user_data);

/* Copies local files into the host's directory `remote_dir` (created if
 * missing), each under its own base name. Validated before any byte moves:
 * an empty list, an empty or over-long name (NAME_MAX, PATH_MAX), or two
 * sources with the same base name are OTTO_EINVAL at submission. A source
 * that cannot be read, or a destination that cannot be written, fails that
 * file alone. The op succeeds with a transfer result (one entry per file, in
 * order); it fails only if canceled. */
OTTO_API int otto_host_put(otto_op **out, otto_host *host, const char *const *local_paths, size_t count,
                           const char *remote_dir, const otto_transfer_opts *opts, otto_op_cb cb, void *user_data);
/* Copies the host's files into the local directory `local_dir` (created if
 * missing), each under its own base name; the same rules as otto_host_put. */
OTTO_API int otto_host_get(otto_op **out, otto_host *host, const char *const *remote_paths, size_t count,
                           const char *local_dir, const otto_transfer_opts *opts, otto_op_cb cb, void *user_data);

/* Checks a put's arguments without a host: the rules otto_host_put applies
 * at submission, then the local files, each of which must open as a regular
 * file (a directory is refused: files are copied, not directories). OTTO_OK,
 * or the first problem as the put would report it, the message naming the
 * path: OTTO_EINVAL (the rules), OTTO_ENOTFOUND (no such file), OTTO_EPERM
 * (not readable), OTTO_EFILE (a directory, or not a regular file). Called
 * before a fan-out, it reports a bad argument once instead of as every
 * host's failure. */
OTTO_API int otto_put_check(const char *const *local_paths, size_t count, const char *remote_dir);
/* The same for a get: the rules otto_host_get applies at submission, then
 * `local_dir`, which must be a directory or not exist yet (OTTO_EFILE when a
 * file is in the way). */
OTTO_API int otto_get_check(const char *const *remote_paths, size_t count, const char *local_dir);

/* The result of a put or get; borrowed, lives as long as the op. */
OTTO_API const otto_transfer_result *otto_op_transfer_result(const otto_op *op);
/* Success when every file arrived; Error when any failed; NotRun (dry run). */
OTTO_API int32_t otto_transfer_result_status(const otto_transfer_result *result);
OTTO_API size_t otto_transfer_result_count(const otto_transfer_result *result);
/* The file's source and destination paths as used; NULL past the end. */
OTTO_API const char *otto_transfer_result_source(const otto_transfer_result *result, size_t index);
OTTO_API const char *otto_transfer_result_destination(const otto_transfer_result *result, size_t index);
/* Success, Error or NotRun. */
OTTO_API int32_t otto_transfer_result_file_status(const otto_transfer_result *result, size_t index);
/* OTTO_OK, or why the file failed (OTTO_ENOTFOUND, OTTO_EPERM, ...). */
OTTO_API int otto_transfer_result_file_error(const otto_transfer_result *result, size_t index);
/* "" or the reason, naming the path. */
OTTO_API const char *otto_transfer_result_file_message(const otto_transfer_result *result, size_t index);
/* Bytes written to the destination. */
OTTO_API uint64_t otto_transfer_result_file_bytes(const otto_transfer_result *result, size_t index);
/* {"status": ..., "files": [{"source", "destination", "status", "bytes",
 * "error", "code"}]}. Free with otto_string_free(). */
OTTO_API int otto_transfer_result_to_json(char **out, const otto_transfer_result *result);

/* Remote file operations. Each completes with a file result, or fails with
 * the reason: OTTO_ENOTFOUND (no such file), OTTO_EPERM (permission
 * denied), OTTO_EFILE (any other refusal, the message quoting the host),
 * OTTO_ECONNECT / OTTO_EIO (the transport could not be opened / was lost).
 * Calls on one host overlap: over SFTP they are in flight together. */

/* The whole file. Result: otto_file_result_data(). */
OTTO_API int otto_host_file_read(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data);
/* Replaces the file with `len` bytes of `data`, atomically. `opts` may be
 * NULL (its mode applies; default 0644). */
OTTO_API int otto_host_file_write(otto_op **out, otto_host *host, const char *path, const char *data, size_t len,
                                  const otto_transfer_opts *opts, otto_op_cb cb, void *user_data);
/* One entry: the file (stat follows a symbolic link, lstat does not). */
OTTO_API int otto_host_file_stat(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data);
OTTO_API int otto_host_file_lstat(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data);
/* The directory's entries (without "." and ".."), sorted by name. */
OTTO_API int otto_host_file_list(otto_op **out, otto_host *host, const char *dir, otto_op_cb cb, void *user_data);
/* The entries of `dir` whose name matches the shell `pattern` ("*.log";
 * a leading dot is only matched explicitly), matched here over the
 * listing, sorted; each name is "dir/name". */
OTTO_API int otto_host_file_glob(otto_op **out, otto_host *host, const char *dir, const char *pattern, otto_op_cb cb,
                                 void *user_data);
/* Creates the directory and its missing parents (an existing directory is
 * fine) with permissions `mode` (e.g. 0755). */
OTTO_API int otto_host_file_mkdir(otto_op **out, otto_host *host, const char *path, uint32_t mode, otto_op_cb cb,
                                  void *user_data);
/* Removes a file, a symbolic link or an empty directory. */
OTTO_API int otto_host_file_remove(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data);
/* Renames, replacing an existing destination file. */
OTTO_API int otto_host_file_rename(otto_op **out, otto_host *host, const char *from, const char *to, otto_op_cb cb,
                                   void *user_data);
/* The canonical absolute path. Result: otto_file_result_data(). */
OTTO_API int otto_host_file_realpath(otto_op **out, otto_host *host, const char *path, otto_op_cb cb, void *user_data);

/* The result of a file operation; borrowed, lives as long as the op. */
OTTO_API const otto_file_result *otto_op_file_result(const otto_op *op);
/* A read's bytes or a realpath's path; `len` may be NULL. A NUL follows the
 * last byte, but the bytes may contain NULs: trust `len`. "" otherwise. */
OTTO_API const char *otto_file_result_data(const otto_file_result *result, size_t *len);
/* Entries: 1 for stat and lstat, the matches of a list or glob, else 0. */
OTTO_API size_t otto_file_result_count(const otto_file_result *result);
/* Entry `index`: its name (stat: the path asked), NULL past the end. */
OTTO_API const char *otto_file_result_name(const otto_file_result *result, size_t index);
OTTO_API uint64_t otto_file_result_size(const otto_file_result *result, size_t index);
/* st_mode: the file type bits (S_IFDIR, S_IFREG, S_IFLNK, ...) and the
 * permissions. */
OTTO_API uint32_t otto_file_result_mode(const otto_file_result *result, size_t index);
/* Seconds since the epoch. */
OTTO_API int64_t otto_file_result_mtime(const otto_file_result *result, size_t index);
OTTO_API uint32_t otto_file_result_uid(const otto_file_result *result, size_t index);
OTTO_API uint32_t otto_file_result_gid(const otto_file_result *result, size_t index);
/* {"data": ... (or "data_base64"), "entries": [{"name", "size", "mode",
 * "mtime", "uid", "gid"}]}. Free with otto_string_free(). */
OTTO_API int otto_file_result_to_json(char **out, const otto_file_result *result);

/* ------------------------------------------------------------------------ */
/* Fan-out: one operation on many hosts of the lab                          */
/* ------------------------------------------------------------------------ */

/* Which hosts, and how many at once. */
OTTO_API int otto_fanout_opts_new(otto_fanout_opts **out);
/* Accepts NULL. */
OTTO_API void otto_fanout_opts_free(otto_fanout_opts *opts);
/* Hosts whose id this regex (PCRE2) finds a match in, anywhere: "router"
 * selects "core-router-1". Any match counts, an empty one too: ".*" selects
 * every host. NULL or unset: every host. A regex that does not compile is
 * OTTO_EINVAL, the message quoting it as the hosts regex and saying why. */
OTTO_API int otto_fanout_opts_set_hosts(otto_fanout_opts *opts, const char *regex);
/* One host after the other, in lab order (default: all at once). */
OTTO_API int otto_fanout_opts_set_serial(otto_fanout_opts *opts, int serial);
/* At most `limit` hosts at once; 0 (default) means no limit. */
OTTO_API int otto_fanout_opts_set_limit(otto_fanout_opts *opts, size_t limit);
/* Include the local host, which fan-outs skip by default (LAB-FORMAT §12). */
OTTO_API int otto_fanout_opts_set_include_local(otto_fanout_opts *opts, int include);

/* 1 if a fan-out with `opts` (may be NULL) would select the context's host
 * at `index`, 0 if not; OTTO_EINVAL past the end. */
OTTO_API int otto_context_host_selected(const otto_context *ctx, const otto_fanout_opts *opts, size_t index);

/* Starts one host's part of a do-for-hosts fan-out: submit any op on `host`
 * (otto_host_run, a session's commands, ...) and give it back through `out`;
 * the fan-out then owns it: read it through the result, never free it.
 * Return an OTTO_E* code instead to fail this host alone. Runs where
 * callbacks run (see otto_context_opts_set_dispatch). */
typedef int (*otto_host_start_cb)(otto_op **out, otto_host *host, void *user_data);

/* Fan-outs run one operation on every selected host (`opts` may be NULL)
 * and complete when every host has finished; one host's failure (refused,
 * unreachable, timed out) never cancels or delays another. The op succeeds
 * with a fan-out result holding every host's own op; it fails only if it is
 * canceled (the result then holds what finished). A selection of no host is
 * OTTO_ENOTFOUND at submission. Commands run on each host's default session,
 * with `run_opts` (may be NULL); its event callback receives each host's op
 * (otto_op_host_id() tells the host). */
OTTO_API int otto_context_run_on_hosts(otto_op **out, otto_context *ctx, const char *command,
                                       const otto_run_opts *run_opts, const otto_fanout_opts *opts, otto_op_cb cb,
                                       void *user_data);
OTTO_API int otto_context_run_commands_on_hosts(otto_op **out, otto_context *ctx, const otto_commands *commands,
                                                const otto_run_opts *run_opts, const otto_fanout_opts *opts,
                                                otto_op_cb cb, void *user_data);
OTTO_API int otto_context_oneshot_on_hosts(otto_op **out, otto_context *ctx, const char *command,
                                           const otto_run_opts *run_opts, const otto_fanout_opts *opts, otto_op_cb cb,
                                           void *user_data);
/* Calls `start` for each selected host as its turn comes. In
 * OTTO_DISPATCH_APP mode `start` runs inside otto_context_dispatch(): keep
 * dispatching until the fan-out is done. */
OTTO_API int otto_context_do_for_hosts(otto_op **out, otto_context *ctx, otto_host_start_cb start, void *start_data,
                                       const otto_fanout_opts *opts, otto_op_cb cb, void *user_data);
/* otto_host_put on every selected host. */
OTTO_API int otto_context_put_on_hosts(otto_op **out, otto_context *ctx, const char *const *local_paths, size_t count,
                                       const char *remote_dir, const otto_transfer_opts *transfer_opts,
                                       const otto_fanout_opts *opts, otto_op_cb cb, void *user_data);
/* otto_host_get from every selected host, each host's files going to
 * `local_dir`/<host id>/ so they never collide. */
OTTO_API int otto_context_get_on_hosts(otto_op **out, otto_context *ctx, const char *const *remote_paths, size_t count,
                                       const char *local_dir, const otto_transfer_opts *transfer_opts,
                                       const otto_fanout_opts *opts, otto_op_cb cb, void *user_data);

/* The result of a fan-out op; borrowed, lives as long as the op. */
OTTO_API const otto_fanout_result *otto_op_fanout_result(const otto_op *op);
/* The worst status over the hosts, from best to worst: Success, Skipped,
 * NotRun, Failed, Error (a host whose op failed counts as Error). */
OTTO_API int32_t otto_fanout_result_status(const otto_fanout_result *result);
/* The selected hosts, in lab order. */
OTTO_API size_t otto_fanout_result_count(const otto_fanout_result *result);
/* The id of the host at `index`, NULL past the end. */
OTTO_API const char *otto_fanout_result_host(const otto_fanout_result *result, size_t index);
/* That host's op, done: its error (it could not run: refused, unreachable,
 * canceled) or its result. Borrowed from the result; never free it. */
OTTO_API otto_op *otto_fanout_result_op(const otto_fanout_result *result, size_t index);
/* That host's status: its op's run or command status, Error if it failed. */
OTTO_API int32_t otto_fanout_result_host_status(const otto_fanout_result *result, size_t index);
/* {"lab": ..., "status": ..., "hosts": {"<id>": {run result JSON} or
 * {"error": "...", "code": -7}}}, hosts in order. Free with
 * otto_string_free(). */
OTTO_API int otto_fanout_result_to_json(char **out, const otto_fanout_result *result);

/* ------------------------------------------------------------------------ */
/* Periodic tasks                                                           */
/* ------------------------------------------------------------------------ */

/* The schedule: tick k is due at start + k * interval, so waiting never
 * adds up to drift. A run that outlasts the interval is followed at once by
 * the next (the period is then the run's time) and the schedule continues
 * from there; missed ticks are not made up in a burst. */
OTTO_API int otto_repeat_opts_new(otto_repeat_opts **out);
/* Accepts NULL. */
OTTO_API void otto_repeat_opts_free(otto_repeat_opts *opts);
/* Seconds between ticks, > 0 (default 1). */
OTTO_API int otto_repeat_opts_set_interval(otto_repeat_opts *opts, double seconds);
/* At most `count` ticks; 0 (default): no limit. */
OTTO_API int otto_repeat_opts_set_count(otto_repeat_opts *opts, uint64_t count);
/* No tick due `seconds` or more after the first; 0 (default): no limit. */
OTTO_API int otto_repeat_opts_set_duration(otto_repeat_opts *opts, double seconds);

/* Receives each finished run (borrowed: valid during the call) and its
 * tick's index, where callbacks run. */
typedef void (*otto_repeat_cb)(otto_op *run, uint64_t index, void *user_data);
/* Runs `commands` again and again on the host's default session (or the
 * session), never two at once; `run_opts` and `each` may be NULL. The op
 * completes when the count or the duration is reached (OTTO_OK), or with
 * OTTO_ECANCELED when canceled (a run in flight is canceled too); each run
 * keeps going when an earlier one failed. Without a count or a duration it
 * runs until canceled or freed. */
OTTO_API int otto_host_repeat(otto_op **out, otto_host *host, const otto_commands *commands,
                              const otto_run_opts *run_opts, const otto_repeat_opts *opts, otto_repeat_cb each,
                              void *each_data, otto_op_cb cb, void *user_data);
OTTO_API int otto_session_repeat(otto_op **out, otto_session *session, const otto_commands *commands,
                                 const otto_run_opts *run_opts, const otto_repeat_opts *opts, otto_repeat_cb each,
                                 void *each_data, otto_op_cb cb, void *user_data);

/* Receives one tick of a poll: every selected host's op (borrowed: valid
 * during the call), as a fan-out result; where callbacks run. */
typedef void (*otto_poll_cb)(const otto_fanout_result *tick, uint64_t index, void *user_data);
/* Polls the selected hosts of the lab (`hosts` may be NULL, as for fan-outs)
 * with `commands` on their default sessions: at every tick all idle hosts
 * start at the same instant. A host still busy with an earlier tick is
 * skipped for this one (its entry: a Skipped result saying which tick it is
 * busy with); it delays neither the other hosts nor later ticks. A tick is
 * reported once its runs have finished. Ends as otto_host_repeat does. */
OTTO_API int otto_context_poll_hosts(otto_op **out, otto_context *ctx, const otto_commands *commands,
                                     const otto_run_opts *run_opts, const otto_fanout_opts *hosts,
                                     const otto_repeat_opts *opts, otto_poll_cb each, void *each_data, otto_op_cb cb,
                                     void *user_data);

/* ------------------------------------------------------------------------ */
/* Ops                                                                      */
/* ------------------------------------------------------------------------ */

typedef enum otto_op_kind_e {
    OTTO_OP_RUN = 0,
    OTTO_OP_ONESHOT = 1,
    OTTO_OP_SEND = 2,
    OTTO_OP_EXPECT = 3,
    OTTO_OP_OPEN_SESSION = 4,
    OTTO_OP_CLOSE = 5,
    OTTO_OP_FANOUT = 6,
    OTTO_OP_REPEAT = 7,
    OTTO_OP_POLL = 8,
    OTTO_OP_TRANSFER = 9,
    OTTO_OP_FILE = 10
} otto_op_kind_t;

/* Waits until the op is done: OTTO_OK when it is (whatever its outcome),
 * OTTO_ETIMEDOUT when `timeout_ms` ran out first, OTTO_EDEADLK on the loop
 * thread. The outcome is otto_op_error(). In OTTO_DISPATCH_APP mode, for an
 * op with an event callback, the wait runs the op's own queued event
 * callbacks on the calling thread while it waits, in order, one at a time
 * with any dispatch (never another op's callbacks, nor this op's completion
 * callback, which still waits for otto_context_dispatch); when it returns
 * OTTO_OK every event of the op has been delivered, also when the op was
 * done before the call. From inside a callback the context runs on the
 * application's thread it may wait for another op (whose events then run
 * inside that callback); waiting there for the op whose callback is running
 * returns at once: OTTO_OK once it is done (its later events follow this
 * callback), else OTTO_EDEADLK (OTTO_ETIMEDOUT for a 0 ms wait). */
OTTO_API int otto_op_wait(otto_op *op, int32_t timeout_ms);
OTTO_API int otto_op_is_done(const otto_op *op);
/* OTTO_OK, the op's error code, or OTTO_EPENDING while it runs. */
OTTO_API int otto_op_error(const otto_op *op);
/* Why the op failed; "" when it did not. Borrowed, lives with the op. */
OTTO_API const char *otto_op_error_message(const otto_op *op);
OTTO_API int32_t otto_op_kind(const otto_op *op);
/* A finished op's status: its run or command status, Error if it failed,
 * Success for ops without one (a close, a send); Error while it runs. */
OTTO_API int32_t otto_op_status(const otto_op *op);
/* The id of the host the op works on, "" for a fan-out. Borrowed, lives
 * with the op. */
OTTO_API const char *otto_op_host_id(const otto_op *op);
/* Asks the op to stop. If it has not finished it completes with
 * OTTO_ECANCELED; a session it was running on is recovered (or declared
 * dead) before that session's next op. */
OTTO_API int otto_op_cancel(otto_op *op);
/* Releases the op. A pending op is canceled first; none of its callbacks run
 * afterwards. Accepts NULL. */
OTTO_API void otto_op_free(otto_op *op);

/* Results; all borrowed, living as long as the op, NULL when the op is not
 * of that kind or has not succeeded. */
OTTO_API const otto_run_result *otto_op_run_result(const otto_op *op);
/* A one-shot's result, or the single result of a one-command run. */
OTTO_API const otto_cmd_result *otto_op_cmd_result(const otto_op *op);
/* An expect's bytes up to and including the match; `len` may be NULL. */
OTTO_API const char *otto_op_expect_match(const otto_op *op, size_t *len);
/* The session an open-session op produced. Each call hands out a new
 * reference to the same handle; free each with otto_session_free(). */
OTTO_API int otto_op_take_session(otto_session **out, otto_op *op);

/* ------------------------------------------------------------------------ */
/* Streaming events                                                         */
/* ------------------------------------------------------------------------ */

typedef enum otto_event_kind_e {
    OTTO_EVENT_OUTPUT_LINE = 0, /* a line of a session command or one-shot stdout */
    OTTO_EVENT_STDERR_LINE = 1, /* a line of a one-shot's stderr */
    OTTO_EVENT_PROGRESS = 2     /* a transfer's progress: data is the file's source path */
} otto_event_kind_t;

OTTO_API int32_t otto_event_kind(const otto_event *event);
/* The line without its newline and without '\r'; not NUL-terminated
 * reliably: use `len`. */
OTTO_API const char *otto_event_data(const otto_event *event, size_t *len);
/* The position of the command in its run list (of the file in its
 * transfer). */
OTTO_API size_t otto_event_command_index(const otto_event *event);
/* A progress event's bytes moved and file size (both 0 for other events);
 * either pointer may be NULL. */
OTTO_API void otto_event_progress(const otto_event *event, uint64_t *done, uint64_t *total);

/* ------------------------------------------------------------------------ */
/* Results                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum otto_status_e {
    OTTO_STATUS_SUCCESS = 0, /* ran, exit code 0 */
    OTTO_STATUS_FAILED = 1,  /* ran, non-zero exit code */
    OTTO_STATUS_ERROR = 2,   /* timed out, shell lost, refused */
    OTTO_STATUS_SKIPPED = 4, /* deliberately skipped (counts as ok) */
    OTTO_STATUS_NOTRUN = 5   /* never sent: dry run or exhausted budget */
} otto_status_t;

/* 1 for Success and Skipped. */
OTTO_API int otto_status_is_ok(int32_t status);
/* "Success", "Failed", "Error", "Skipped", "NotRun"; static. */
OTTO_API const char *otto_status_name(int32_t status);

/* The first non-ok status of the list, or Success. */
OTTO_API int32_t otto_run_result_status(const otto_run_result *result);
OTTO_API size_t otto_run_result_count(const otto_run_result *result);
/* NULL when `index` is out of range. Borrowed like the run result. */
OTTO_API const otto_cmd_result *otto_run_result_get(const otto_run_result *result, size_t index);
/* The result when exactly one command ran; OTTO_EINVAL otherwise. */
OTTO_API int otto_run_result_only(const otto_cmd_result **out, const otto_run_result *result);

/* The command as given (never the frame). NUL-terminated. */
OTTO_API const char *otto_cmd_result_command(const otto_cmd_result *result);
/* Output bytes; `len` (may be NULL) receives the length. A NUL follows the
 * last byte, but the bytes may contain NULs: trust `len`. */
OTTO_API const char *otto_cmd_result_output(const otto_cmd_result *result, size_t *len);
/* A one-shot's stderr; empty for session commands (a PTY merges it). */
OTTO_API const char *otto_cmd_result_stderr(const otto_cmd_result *result, size_t *len);
OTTO_API int32_t otto_cmd_result_status(const otto_cmd_result *result);
/* The exit code; -1 when the command never ran, timed out or its shell
 * died. */
OTTO_API int32_t otto_cmd_result_retcode(const otto_cmd_result *result);
OTTO_API int otto_cmd_result_timed_out(const otto_cmd_result *result);
/* Seconds from sending to the result (recovery included); 0 if unsent. */
OTTO_API double otto_cmd_result_duration(const otto_cmd_result *result);
/* The signal that ended a one-shot ("KILL"), or NULL. On a telnet console
 * it is read from the shell's status 128 + n, which `exit 130` also gives. */
OTTO_API const char *otto_cmd_result_signal(const otto_cmd_result *result);

/* JSON renderings (UTF-8 output as a string; other bytes as base64 under
 * "output_base64"). Free with otto_string_free(). */
OTTO_API int otto_run_result_to_json(char **out, const otto_run_result *result);
OTTO_API int otto_cmd_result_to_json(char **out, const otto_cmd_result *result);

/* ------------------------------------------------------------------------ */
/* Log entries                                                              */
/* ------------------------------------------------------------------------ */

OTTO_API int32_t otto_log_entry_level(const otto_log_entry *entry);
OTTO_API int32_t otto_log_entry_kind(const otto_log_entry *entry);
/* The host's id, or "" for context-wide entries. */
OTTO_API const char *otto_log_entry_host(const otto_log_entry *entry);
/* The session's name: "" for the default session. */
OTTO_API const char *otto_log_entry_session(const otto_log_entry *entry);
/* The text; `len` may be NULL. */
OTTO_API const char *otto_log_entry_text(const otto_log_entry *entry, size_t *len);
/* Frees an entry taken with otto_context_next_log() (never one borrowed by
 * a log callback). Accepts NULL. */
OTTO_API void otto_log_entry_free(otto_log_entry *entry);

#ifdef __cplusplus
}
#endif

#endif /* OTTO_H */
