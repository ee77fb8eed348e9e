/* otto's driver under the peer protocol (bench/peers/README.md): one
 * metric per run against a lab written by `otto-lab up`, one JSON object on
 * stdout. It uses the public C header only, as every user does.
 *
 *   m1      connect + auth: from submitting a host's first one-shot to its
 *           "connected to" log entry (wall and CPU both end there)
 *   m2cold  a fresh host per sample: connect + auth + exec `true` + result
 *   m2warm  a one-shot `true` on a connected host whose first channel ran
 *   m3      `true` in the host's persistent session, call to result, the
 *           caller waiting on its own thread (otto_op_wait)
 *           (with --callbacks yes: each command submitted from the previous
 *           one's completion callback on the loop thread)
 *           m2warm and m3 with --output-file F --output-bytes N: `cat F`
 *           instead of `true`, its output checked to be N bytes (PLAN 3's
 *           output-volume variants; not on a PTY, which turns \n into \r\n)
 *   m4      --count commands submitted back to back; one sample: all done
 *   m5      --sessions named sessions of one host, each running `true` back
 *           to back for --seconds, all at once; a sample per command
 *   m6cold  a fresh context of --hosts logical hosts: `echo $HOSTNAME` on all
 *   m6warm  the same fan-out again on the open connections and sessions
 *   m7      M6 cold over --inventory's hosts, good and bad (--good-only yes:
 *           the good ones alone), each an SSH host of its own with the
 *           shared deadlines; T_good, error kinds, the slowest bad report
 *   m12     send/expect with `bc -q` in the host's session: send `i+1`,
 *           expect the answer line (PLAN M12)
 *   m12big  PLAN M12's 1 MiB variant, in the host's session on a PTY: each
 *           exchange sends a command printing 1 MiB that cannot match,
 *           then a marker with the exchange's number, and expects the marker
 *   m9      memory per connection (PLAN M9): VmRSS with --hosts hosts of one
 *           context, each with its persistent session opened by `true`,
 *           minus VmRSS with one, over --hosts - 1; a KiB sample
 *   m9conn  the same with each host's connection alone, after one one-shot
 *   m10put  otto_host_put of --file into the directory --dest
 *   m10get  otto_host_get of the remote --file into the directory --dest
 *   m10stat otto_host_file_stat of --files files of 4 KiB in --dir, every
 *           request in flight; a sample: all of them, first call to last
 *           result (each result checked: one entry of 4 KiB)
 *   m10read otto_host_file_read of the same, every request in flight (each
 *           result checked: 4 KiB of data)
 *   m11     --hosts logical hosts polled with `cat /proc/loadavg` every
 *           second for --seconds ticks (otto_context_poll_hosts); a sample
 *           per tick: its lateness
 *
 * Every host pins PLAN 1.1's algorithms; --cipher NAME pins another cipher
 * (M10's chacha20-poly1305 variant).
 *
 * Sessions run on the channel's pipes (PLAN 3's default, no PTY); with
 * --pty yes on a PTY. m12 and m12big always have one: bc answers line by
 * line only on a terminal, and M12 is about a terminal's output.
 *
 * --transport telnet (m3, m12) or local (m3); default ssh: the host is a telnet
 * host on the lab's telnet server that gives a shell without a login (its
 * console is always a terminal), or the local host running PLAN 1.4's
 * shell, `env -i PATH=... HOME=<empty dir> LANG=C bash --noprofile --norc`
 * (on pipes unless --pty yes). */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "instr_region.h"
#include "otto.h"
#include "peer_driver.h"

#define OP_TIMEOUT_MS 120000

static peer_options opt;
/* otto-peer's own options: M3 chained from callbacks, the transport of M3
 * and M12, M7's inventory and its good hosts alone, and the context's
 * handshake limit (-1: the library's default). */
static struct {
    int callbacks, good_only, handshake_limit;
    const char *transport, *inventory;
} own = {.transport = "ssh", .handshake_limit = -1};

static int take_own_option(const char *name, const char *value) {
    if (!strcmp(name, "--callbacks")) own.callbacks = !strcmp(value, "yes");
    else if (!strcmp(name, "--transport")) own.transport = value;
    else if (!strcmp(name, "--inventory")) own.inventory = value;
    else if (!strcmp(name, "--good-only")) own.good_only = !strcmp(value, "yes");
    else if (!strcmp(name, "--handshake-limit")) own.handshake_limit = int_arg(value, name);
    else return 0;
    return 1;
}
static peer_lab lab;
static char notes[512];
/* What m2warm and m3 measure: `true`, or `cat` of the output variant's file. */
static const char *measured = "true";

static void check(int rc, const char *what) {
    if (rc != OTTO_OK) die("%s: %s (%d)", what, otto_last_error_message(), rc);
}

/* --- otto objects --------------------------------------------------------- */

static otto_context *new_logging_context(const char *lab_json, otto_log_cb log, void *log_data) {
    otto_context_opts *opts = NULL;
    otto_context *ctx = NULL;
    check(otto_context_opts_new(&opts), "context options");
    check(otto_context_opts_set_dispatch(opts, OTTO_DISPATCH_LOOP), "dispatch");
    if (log) check(otto_context_opts_set_log_cb(opts, log, log_data), "log callback");
    if (own.handshake_limit >= 0)
        check(otto_context_opts_set_handshake_limit(opts, (size_t)own.handshake_limit), "handshake limit");
    if (lab_json) {
        check(otto_context_opts_set_lab_json(opts, lab_json), "lab JSON");
        check(otto_context_opts_set_lab(opts, "bench"), "lab");
    }
    check(otto_context_new(&ctx, opts), "context");
    otto_context_opts_free(opts);
    return ctx;
}

static otto_context *new_context(const char *lab_json) { return new_logging_context(lab_json, NULL, NULL); }

/* A host on the lab's server at `port`, its session on a PTY with --pty. */
/* The options every SSH host of this driver has: `key` alone (no agent),
 * the lab's known_hosts checked strictly, PLAN 1.1's algorithms (the
 * cipher --cipher names, by default the main one), and the session on a
 * PTY with --pty. */
static otto_host_opts *bench_host_opts(int port, const char *key) {
    otto_host_opts *opts = NULL;
    check(otto_host_opts_new(&opts), "host options");
    check(otto_host_opts_set_port(opts, port), "port");
    check(otto_host_opts_add_identity(opts, key), "identity");
    check(otto_host_opts_set_agent(opts, 0), "agent");
    check(otto_host_opts_set_known_hosts(opts, lab.known_hosts), "known hosts");
    check(otto_host_opts_set_host_key_policy(opts, OTTO_HOST_KEY_STRICT), "host key policy");
    check(otto_host_opts_set_ssh_algorithms(opts, OTTO_SSH_KEY_EXCHANGE, "curve25519-sha256"), "kex");
    check(otto_host_opts_set_ssh_algorithms(opts, OTTO_SSH_HOST_KEYS, "ssh-ed25519"), "host keys");
    check(otto_host_opts_set_ssh_algorithms(opts, OTTO_SSH_CIPHERS, opt.cipher), "ciphers");
    check(otto_host_opts_set_pty(opts, opt.pty), "pty");
    return opts;
}

static otto_host *new_host_on(otto_context *ctx, int port) {
    otto_host_opts *opts = bench_host_opts(port, lab.key);
    otto_host *host = NULL;
    check(otto_host_new_ssh(&host, ctx, "127.0.0.1", lab.user, opts), "host");
    otto_host_opts_free(opts);
    return host;
}

/* PLAN 1.4's local shell: no inherited environment, an empty home (made
 * at the first local host, removed at exit), no start-up files. */
#define LOCAL_PATH "/usr/local/bin:/usr/bin:/bin"
static char local_home[4096];

static void remove_local_home(void) {
    if (local_home[0]) rmdir(local_home);
}

static otto_host *new_local_host(otto_context *ctx) {
    if (!local_home[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(local_home, sizeof local_home, "%s/otto-peer-home.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(local_home)) die("cannot make an empty home %s: %s", local_home, strerror(errno));
        atexit(remove_local_home);
    }
    char home[sizeof local_home + 8];
    snprintf(home, sizeof home, "HOME=%s", local_home);
    const char *shell[] = {"env", "-i", "PATH=" LOCAL_PATH, home, "LANG=C", "bash", "--noprofile", "--norc"};
    otto_host_opts *opts = NULL;
    check(otto_host_opts_new(&opts), "host options");
    check(otto_host_opts_set_shell(opts, shell, sizeof shell / sizeof shell[0]), "shell");
    check(otto_host_opts_set_pty(opts, opt.pty), "pty");
    otto_host *host = NULL;
    check(otto_host_new_local(&host, ctx, opts), "local host");
    otto_host_opts_free(opts);
    return host;
}

/* A telnet host on the lab's shell console: no login step, the console's
 * own shell (/bin/sh) on the terminal telnetd always opens. */
static otto_host *new_telnet_host(otto_context *ctx) {
    if (lab.telnet_port <= 0)
        die("%s has no telnet server without a login (otto-lab up --telnet-shell 1)", opt.lab_path);
    otto_host_opts *opts = NULL;
    check(otto_host_opts_new(&opts), "host options");
    check(otto_host_opts_set_port(opts, lab.telnet_port), "port");
    check(otto_host_opts_set_telnet_login(opts, 0), "telnet login");
    otto_host *host = NULL;
    check(otto_host_new_telnet(&host, ctx, "127.0.0.1", NULL, opts), "telnet host");
    otto_host_opts_free(opts);
    return host;
}

/* The host of the single-host metrics, over --transport. */
static otto_host *new_host(otto_context *ctx) {
    if (!strcmp(own.transport, "telnet")) return new_telnet_host(ctx);
    if (!strcmp(own.transport, "local")) return new_local_host(ctx);
    return new_host_on(ctx, lab.ports[0]);
}

/* A finished op's command: a one-shot's, or the only one of a run. */
static const otto_cmd_result *only_command(const otto_op *op) {
    if (otto_op_cmd_result(op)) return otto_op_cmd_result(op);
    const otto_run_result *r = otto_op_run_result(op);
    const otto_cmd_result *c = NULL;
    if (!r || otto_run_result_only(&c, r) != OTTO_OK) return NULL;
    return c;
}

/* The output's length in bytes. */
static size_t output_bytes(const otto_cmd_result *c) {
    size_t len = 0;
    otto_cmd_result_output(c, &len);
    return len;
}

/* Waits for `op`; dies unless its only command succeeded (and, when
 * `expected` > 0, printed that many bytes). */
static void finish_command_of(otto_op *op, const char *what, long expected) {
    check(otto_op_wait(op, OP_TIMEOUT_MS), what);
    if (otto_op_error(op) != OTTO_OK) die("%s: %s", what, otto_op_error_message(op));
    const otto_cmd_result *c = only_command(op);
    if (!c || otto_cmd_result_retcode(c) != 0) die("%s: the command did not succeed", what);
    check_output_bytes(output_bytes(c), expected, what);
    otto_op_free(op);
}

static void finish_command(otto_op *op, const char *what) { finish_command_of(op, what, 0); }

static void run_true(otto_host *host, int oneshot) {
    otto_op *op = NULL;
    check(oneshot ? otto_host_oneshot(&op, host, "true", NULL, NULL, NULL)
                  : otto_host_run(&op, host, "true", NULL, NULL, NULL),
          "submit");
    finish_command(op, oneshot ? "oneshot true" : "run true");
}

/* m2warm's and m3's measured operation: `measured`, its output checked. */
static void run_measured(otto_host *host, int oneshot) {
    otto_op *op = NULL;
    check(oneshot ? otto_host_oneshot(&op, host, measured, NULL, NULL, NULL)
                  : otto_host_run(&op, host, measured, NULL, NULL, NULL),
          "submit");
    finish_command_of(op, measured, opt.output_bytes);
}

/* --- metrics -------------------------------------------------------------- */

/* When the host said it was connected (runs on the loop thread); the
 * instruction count of a measured connect stops there too. */
typedef struct {
    double wall, cpu; /* 0: not yet */
    int measured;
} connected_probe;

static void on_log(const otto_log_entry *entry, void *user_data) {
    connected_probe *p = user_data;
    size_t len = 0;
    const char *text = otto_log_entry_text(entry, &len);
    if (p->wall == 0 && len >= 12 && strncmp(text, "connected to", 12) == 0) {
        if (p->measured) INSTR_STOP();
        p->wall = now_us();
        p->cpu = cpu_us();
    }
}

static void m1(void) {
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        connected_probe probe = {0, 0, i >= opt.warmup};
        otto_context *ctx = new_logging_context(NULL, on_log, &probe);
        otto_host *host = new_host(ctx);
        double c0 = cpu_us(), t0 = now_us();
        if (probe.measured) INSTR_START();
        run_true(host, 1);
        if (probe.wall == 0) die("no \"connected to\" log entry came");
        if (i >= opt.warmup) cpu_total += probe.cpu - c0;
        add(i, probe.wall - t0);
        otto_host_free(host);
        otto_context_free(ctx);
    }
}

static void m2cold(void) {
    otto_context *ctx = new_context(NULL);
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        otto_host *host = new_host(ctx);
        run_true(host, 1);
        double t = now_us() - t0;
        otto_host_free(host);
        add(i, t);
    }
    pause_cpu();
    otto_context_free(ctx);
}

static void on_open_host(int oneshot) {
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    run_true(host, oneshot); /* connected; the first channel or the session is up */
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        run_measured(host, oneshot);
        add(i, now_us() - t0);
    }
    pause_cpu();
    otto_host_free(host);
    otto_context_free(ctx);
}

/* m3cb: the chain of commands, driven from completion callbacks. */
typedef struct {
    otto_host *host;
    int i, total;
    double t0;
    const char *failed;
    sem_t done;
} chain;

static void chain_next(chain *c);

static void chain_step(otto_op *op, void *user_data) {
    chain *c = user_data;
    double now = now_us();
    const otto_cmd_result *r = only_command(op);
    if (!r || otto_cmd_result_retcode(r) != 0 ||
        (opt.output_bytes > 0 && output_bytes(r) != (size_t)opt.output_bytes)) {
        c->failed = "a command did not succeed or printed other than --output-bytes bytes";
        otto_op_free(op);
        sem_post(&c->done);
        return;
    }
    otto_op_free(op);
    if (c->i == opt.warmup) resume();
    add(c->i, now - c->t0);
    if (++c->i == c->total) {
        pause_cpu();
        sem_post(&c->done);
        return;
    }
    chain_next(c);
}

static void chain_next(chain *c) {
    otto_op *op = NULL;
    c->t0 = now_us();
    if (otto_host_run(&op, c->host, measured, NULL, chain_step, c) != OTTO_OK) {
        c->failed = otto_last_error_message();
        sem_post(&c->done);
    }
}

static void m3_chained(void) {
    otto_context *ctx = new_context(NULL);
    chain c = {.host = new_host(ctx), .i = 0, .total = opt.warmup + opt.count, .failed = NULL};
    run_true(c.host, 0);
    sem_init(&c.done, 0, 0);
    chain_next(&c);
    while (sem_wait(&c.done) != 0 && errno == EINTR) {
    }
    if (c.failed) die("m3 with callbacks: %s", c.failed);
    sem_destroy(&c.done);
    otto_host_free(c.host);
    otto_context_free(ctx);
}

static void m4(void) {
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    run_true(host, 0);
    otto_op **ops = calloc((size_t)opt.count, sizeof *ops);
    resume();
    double t0 = now_us();
    for (int i = 0; i < opt.count; ++i) check(otto_host_run(&ops[i], host, "true", NULL, NULL, NULL), "submit");
    for (int i = 0; i < opt.count; ++i) finish_command(ops[i], "pipelined true");
    samples[n_samples++] = now_us() - t0;
    pause_cpu();
    free(ops);
    otto_host_free(host);
    otto_context_free(ctx);
}

/* A lab of --hosts logical hosts h0000... on the lab's servers. */
static char *fanout_lab(void) {
    cJSON *hosts = cJSON_CreateArray();
    for (int i = 0; i < opt.hosts; ++i) {
        cJSON *h = cJSON_CreateObject();
        char element[16];
        snprintf(element, sizeof element, "h%04d", i);
        cJSON_AddStringToObject(h, "ip", "127.0.0.1");
        cJSON_AddStringToObject(h, "element", element);
        cJSON *labs = cJSON_AddArrayToObject(h, "labs");
        cJSON_AddItemToArray(labs, cJSON_CreateString("bench"));
        cJSON *creds = cJSON_AddArrayToObject(h, "creds");
        cJSON *cred = cJSON_CreateObject();
        cJSON_AddStringToObject(cred, "login", lab.user);
        cJSON_AddItemToArray(creds, cred);
        cJSON_AddStringToObject(h, "valid_terms", "ssh");
        cJSON *ssh = cJSON_AddObjectToObject(h, "ssh_options");
        cJSON_AddNumberToObject(ssh, "port", lab.ports[i % lab.n_ports]);
        cJSON *keys = cJSON_AddArrayToObject(ssh, "client_keys");
        cJSON_AddItemToArray(keys, cJSON_CreateString(lab.key));
        cJSON_AddStringToObject(ssh, "known_hosts", lab.known_hosts);
        cJSON_AddStringToObject(ssh, "host_key_policy", "strict");
        cJSON_AddNumberToObject(ssh, "connect_timeout", 5);
        cJSON *ciphers = cJSON_AddArrayToObject(ssh, "encryption_algs");
        cJSON_AddItemToArray(ciphers, cJSON_CreateString(opt.cipher));
        cJSON *host_keys = cJSON_AddArrayToObject(ssh, "server_host_key_algs");
        cJSON_AddItemToArray(host_keys, cJSON_CreateString("ssh-ed25519"));
        cJSON_AddItemToArray(hosts, h);
    }
    char *text = cJSON_PrintUnformatted(hosts);
    cJSON_Delete(hosts);
    return text;
}

/* `echo $HOSTNAME` on every host; returns how many did not answer exit 0
 * with this machine's name. */
static int fan_out(otto_context *ctx) {
    char expected[256] = "";
    gethostname(expected, sizeof expected - 1);
    otto_op *op = NULL;
    check(otto_context_run_on_hosts(&op, ctx, "echo $HOSTNAME", NULL, NULL, NULL, NULL), "fan-out");
    check(otto_op_wait(op, OP_TIMEOUT_MS), "fan-out wait");
    const otto_fanout_result *r = otto_op_fanout_result(op);
    size_t n = r ? otto_fanout_result_count(r) : 0;
    int wrong = opt.hosts - (int)n;
    for (size_t k = 0; k < n; ++k) {
        otto_op *host_op = otto_fanout_result_op(r, k);
        const otto_cmd_result *c = only_command(host_op);
        size_t len = 0;
        const char *out = c ? otto_cmd_result_output(c, &len) : "";
        if (!c || otto_cmd_result_retcode(c) != 0 || len != strlen(expected) || memcmp(out, expected, len) != 0) {
            ++wrong;
            if (!failure_example[0])
                snprintf(failure_example, sizeof failure_example, "%s: %s", otto_fanout_result_host(r, k),
                         otto_op_error_message(host_op));
        }
    }
    otto_op_free(op);
    return wrong;
}

static void m6(int warm) {
    char *lab_json = fanout_lab();
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        otto_context *ctx = new_context(lab_json);
        if (warm && fan_out(ctx) != 0) die("the warm-up fan-out failed: %s", failure_example);
        if (i >= opt.warmup) resume();
        double t0 = now_us();
        int wrong = fan_out(ctx);
        double t = now_us() - t0;
        pause_cpu();
        otto_context_free(ctx);
        add(i, t);
        if (i >= opt.warmup) {
            host_runs += opt.hosts;
            host_failures += wrong;
        }
    }
    free(lab_json);
}

/* --- M7: fan-out isolation ------------------------------------------------ */

/* Each host is its own SSH host with the deadlines every peer gets (connect,
 * banner + key exchange and authentication 5 s each, the command 30 s, no
 * retries): a lab file can set only the TCP connect's. Its op's completion
 * callback notes when its result came. */

#define M7_DEADLINE_S 5.0
#define M7_COMMAND_S 30.0

enum { KIND_GOOD, KIND_DEAD, KIND_HANG, KIND_AUTH, KINDS };
static const char *const kind_names[KINDS] = {"good", "dead", "hang", "auth"};
static const char *const expected_kind[KINDS] = {"", "refused", "timeout", "auth"};

typedef struct {
    char name[32], address[64], user[256], key[4096];
    int port, kind;
} inventory_host;

typedef struct {
    otto_op *op;
    double done_at;
    sem_t *all;
} m7_slot;

typedef struct {
    long hosts, right_kind, seen[5]; /* refused, timeout, auth, other, answered */
    double slowest_us;
    char example[200];
} bad_tally;

static const char *const seen_names[5] = {"refused", "timeout", "auth", "other", "answered"};
static bad_tally tallies[KINDS];
static double *t_good;

static int load_inventory(inventory_host **out) {
    char *text = read_whole(own.inventory);
    if (!text) die("cannot read %s: %s", own.inventory, strerror(errno));
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *list = cJSON_GetObjectItem(root, "hosts");
    inventory_host *hosts = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *hosts);
    int n = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, list) {
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(h, "kind"));
        int k = 0;
        while (k < KINDS && (!kind || strcmp(kind, kind_names[k]) != 0)) ++k;
        if (k == KINDS) die("%s: a host of unknown kind", own.inventory);
        if (own.good_only && k != KIND_GOOD) continue;
        inventory_host *x = &hosts[n++];
        x->kind = k;
        x->port = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(h, "port"));
        snprintf(x->name, sizeof x->name, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(h, "name")));
        snprintf(x->address, sizeof x->address, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(h, "address")));
        snprintf(x->user, sizeof x->user, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(h, "user")));
        snprintf(x->key, sizeof x->key, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(h, "key")));
    }
    cJSON_Delete(root);
    *out = hosts;
    return n;
}

static otto_host *inventory_ssh_host(otto_context *ctx, const inventory_host *x) {
    otto_host_opts *opts = bench_host_opts(x->port, x->key);
    otto_host *host = NULL;
    check(otto_host_opts_set_id(opts, x->name), "id");
    check(otto_host_opts_set_timing(opts, OTTO_TIMING_CONNECT, M7_DEADLINE_S), "connect deadline");
    check(otto_host_opts_set_timing(opts, OTTO_TIMING_KEY_EXCHANGE, M7_DEADLINE_S), "key exchange deadline");
    check(otto_host_opts_set_timing(opts, OTTO_TIMING_AUTH, M7_DEADLINE_S), "auth deadline");
    check(otto_host_opts_set_timing(opts, OTTO_TIMING_COMMAND, M7_COMMAND_S), "command deadline");
    check(otto_host_new_ssh(&host, ctx, x->address, x->user, opts), "host");
    otto_host_opts_free(opts);
    return host;
}

static void m7_done(otto_op *op, void *user_data) {
    (void)op;
    m7_slot *slot = user_data;
    slot->done_at = now_us();
    sem_post(slot->all);
}

/* What a failed host's op says: otto reports a refused TCP connect and a
 * phase that ran out of time both as OTTO_ECONNECT, told apart by the
 * message. */
static int seen_kind(const otto_op *op) {
    int rc = otto_op_error(op);
    const char *message = otto_op_error_message(op);
    if (rc == OTTO_EAUTH) return 2;
    if (rc == OTTO_ETIMEDOUT || (rc == OTTO_ECONNECT && strstr(message, "timed out"))) return 1;
    if (rc == OTTO_ECONNECT && strstr(message, "refused")) return 0;
    return 3;
}

/* One host's answer: 1 if it ran `echo $HOSTNAME` and said this machine's
 * name. */
static int answered(const otto_op *op, const char *expected) {
    if (otto_op_error(op) != OTTO_OK) return 0;
    const otto_cmd_result *c = only_command(op);
    size_t len = 0;
    const char *out = c ? otto_cmd_result_output(c, &len) : "";
    return c && otto_cmd_result_retcode(c) == 0 && len == strlen(expected) && memcmp(out, expected, len) == 0;
}

static double m7_round(const inventory_host *hosts, int n) {
    char expected[256] = "";
    gethostname(expected, sizeof expected - 1);
    otto_context *ctx = new_context(NULL);
    otto_host **handles = calloc((size_t)n, sizeof *handles);
    m7_slot *slots = calloc((size_t)n, sizeof *slots);
    sem_t all;
    sem_init(&all, 0, 0);
    for (int k = 0; k < n; ++k) {
        handles[k] = inventory_ssh_host(ctx, &hosts[k]);
        slots[k].all = &all;
    }
    resume();
    double t0 = now_us();
    for (int k = 0; k < n; ++k)
        check(otto_host_run(&slots[k].op, handles[k], "echo $HOSTNAME", NULL, m7_done, &slots[k]), "submit");
    for (int k = 0; k < n; ++k) {
        while (sem_wait(&all) != 0 && errno == EINTR) {
        }
    }
    pause_cpu();
    double last_good = 0;
    for (int k = 0; k < n; ++k) {
        const otto_op *op = slots[k].op;
        double t = slots[k].done_at - t0;
        int ok = answered(op, expected);
        if (hosts[k].kind == KIND_GOOD) {
            if (t > last_good) last_good = t;
            host_runs++;
            if (!ok) {
                host_failures++;
                if (!failure_example[0])
                    snprintf(failure_example, sizeof failure_example, "%s: %s", hosts[k].name,
                             otto_op_error_message(op));
            }
            continue;
        }
        bad_tally *tally = &tallies[hosts[k].kind];
        int seen = ok ? 4 : seen_kind(op);
        tally->hosts++;
        tally->seen[seen]++;
        if (strcmp(seen_names[seen], expected_kind[hosts[k].kind]) == 0) tally->right_kind++;
        else if (!tally->example[0])
            snprintf(tally->example, sizeof tally->example, "%s: %s", hosts[k].name, otto_op_error_message(op));
        if (t > tally->slowest_us) tally->slowest_us = t;
    }
    for (int k = 0; k < n; ++k) otto_op_free(slots[k].op);
    for (int k = 0; k < n; ++k) otto_host_free(handles[k]);
    otto_context_free(ctx);
    sem_destroy(&all);
    free(slots);
    free(handles);
    return last_good;
}

static void m7(void) {
    inventory_host *hosts = NULL;
    int n = load_inventory(&hosts);
    t_good = calloc((size_t)opt.count + 1, sizeof *t_good);
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        double t = m7_round(hosts, n);
        if (i < opt.warmup) {
            memset(tallies, 0, sizeof tallies);
            host_runs = host_failures = 0;
            failure_example[0] = 0;
            cpu_total = 0;
            continue;
        }
        t_good[n_samples] = t;
        add(i, t);
    }
    int good = 0;
    for (int k = 0; k < n; ++k) good += hosts[k].kind == KIND_GOOD;
    snprintf(notes, sizeof notes, "hosts=%d, good=%d", n, good);
    free(hosts);
}

/* The M7 fields of the result: T_good per run, good-host failures, and per
 * bad kind how many were reported with the expected kind, and when. */
static void emit_m7(cJSON *o) {
    cJSON *list = cJSON_AddArrayToObject(o, "t_good_us");
    for (int i = 0; i < n_samples; ++i) cJSON_AddItemToArray(list, cJSON_CreateNumber(t_good[i]));
    cJSON_AddNumberToObject(o, "good_failures", (double)host_failures);
    cJSON *bad = cJSON_AddObjectToObject(o, "bad");
    for (int k = KIND_DEAD; k < KINDS; ++k) {
        const bad_tally *t = &tallies[k];
        if (t->hosts == 0) continue;
        cJSON *x = cJSON_AddObjectToObject(bad, kind_names[k]);
        cJSON_AddStringToObject(x, "expected", expected_kind[k]);
        cJSON_AddNumberToObject(x, "hosts", (double)t->hosts);
        cJSON_AddNumberToObject(x, "right_kind", (double)t->right_kind);
        cJSON_AddNumberToObject(x, "slowest_us", t->slowest_us);
        cJSON *seen = cJSON_AddObjectToObject(x, "seen");
        for (int s = 0; s < 5; ++s)
            if (t->seen[s]) cJSON_AddNumberToObject(seen, seen_names[s], (double)t->seen[s]);
        if (t->example[0]) cJSON_AddStringToObject(x, "example", t->example);
    }
}

/* M9: hosts are opened this many at a time, as otto-bench opens them. */
#define M9_BATCH 20

/* Opens hosts[first .. first+count) M9_BATCH at a time: each with its
 * persistent session bootstrapped by `true` (`shell`), or its connection
 * alone, used by one one-shot `true`. Dies unless every command succeeded:
 * each shell has answered. */
static void open_hosts(otto_host **hosts, int first, int count, int shell) {
    otto_op *ops[M9_BATCH];
    for (int start = first; start < first + count; start += M9_BATCH) {
        int end = start + M9_BATCH < first + count ? start + M9_BATCH : first + count;
        for (int i = start; i < end; ++i)
            check(shell ? otto_host_run(&ops[i - start], hosts[i], "true", NULL, NULL, NULL)
                        : otto_host_oneshot(&ops[i - start], hosts[i], "true", NULL, NULL, NULL),
                  "submit");
        for (int i = start; i < end; ++i) finish_command(ops[i - start], shell ? "run true" : "oneshot true");
    }
}

typedef struct {
    otto_host **hosts;
    int shell;
} m9_hosts;

static void open_m9_hosts(int first, int count, void *data) {
    m9_hosts *m = data;
    open_hosts(m->hosts, first, count, m->shell);
}

/* PLAN M9 (memory_per_connection): the hosts are spread over the lab's
 * servers as M6's are; built as every other metric's host (not from a lab
 * file) so that --pty applies to their sessions. */
static void m9(int shell) {
    int n = opt.hosts;
    otto_context *ctx = new_context(NULL);
    otto_host **hosts = calloc((size_t)n, sizeof *hosts);
    for (int i = 0; i < n; ++i) hosts[i] = new_host_on(ctx, lab.ports[i % lab.n_ports]);
    m9_hosts m = {hosts, shell};
    memory_per_connection(n, open_m9_hosts, &m,
                          !shell    ? "connection only, after one one-shot"
                          : opt.pty ? "the sessions on a PTY"
                                    : "",
                          notes, sizeof notes);
    for (int i = 0; i < n; ++i) otto_host_free(hosts[i]);
    free(hosts);
    otto_context_free(ctx);
}

static void send_text(otto_host *host, const char *text) {
    otto_op *op = NULL;
    check(otto_host_send(&op, host, text, strlen(text), NULL, NULL), "send");
    check(otto_op_wait(op, OP_TIMEOUT_MS), "send wait");
    if (otto_op_error(op) != OTTO_OK) die("send: %s", otto_op_error_message(op));
    otto_op_free(op);
}

static void expect_text(otto_host *host, const char *pattern) {
    otto_op *op = NULL;
    check(otto_host_expect(&op, host, pattern, 30.0, NULL, NULL), "expect");
    check(otto_op_wait(op, OP_TIMEOUT_MS), "expect wait");
    if (otto_op_error(op) != OTTO_OK) die("expect %s: %s", pattern, otto_op_error_message(op));
    otto_op_free(op);
}

static void m12(void) {
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    run_true(host, 0);
    send_text(host, "bc -q\n");
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        char line[32], pattern[48];
        snprintf(line, sizeof line, "%d+1\n", i);
        snprintf(pattern, sizeof pattern, "(?<![0-9])%d\\r?\\n", i + 1);
        double t0 = now_us();
        send_text(host, line);
        expect_text(host, pattern);
        add(i, now_us() - t0);
    }
    pause_cpu();
    otto_host_free(host);
    otto_context_free(ctx);
}

/* The mean of samples [from, from + n). */
static double mean_of(int from, int n) {
    double sum = 0;
    for (int i = from; i < from + n; ++i) sum += samples[i];
    return n > 0 ? sum / n : 0;
}

/* m12big: the marker's format and number are apart in the command, so a
 * terminal's echo of the command never matches it. The notes compare the
 * first and last exchanges: matching must not slow as output piles up. */
static void m12big(void) {
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    run_true(host, 0);
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        char line[96], pattern[48];
        snprintf(line, sizeof line, "yes x | head -c 1048576; printf '__M_%%s__\\n' %d\n", i);
        snprintf(pattern, sizeof pattern, "__M_%d__\\r?\\n", i);
        double t0 = now_us();
        send_text(host, line);
        expect_text(host, pattern);
        add(i, now_us() - t0);
    }
    pause_cpu();
    int n = n_samples < 10 ? n_samples : 10;
    double first = mean_of(0, n), last = mean_of(n_samples - n, n);
    snprintf(notes, sizeof notes, "first %d: %.2f ms, last %d: %.2f ms per exchange (last/first %.2f)", n, first / 1e3,
             n, last / 1e3, first > 0 ? last / first : 0);
    otto_host_free(host);
    otto_context_free(ctx);
}

/* m11: PLAN M11, periodic polling. --hosts logical hosts on open
 * connections, polled with `cat /proc/loadavg` every second for --seconds
 * ticks by otto_context_poll_hosts. The API reports a tick once all its runs
 * are in and gives each run's duration (sending to result), not the instant
 * the tick started; so a tick's dispatch is taken as its report time minus
 * its longest run: no earlier than the truth, lateness is never understated. */
typedef struct {
    double interval_us;
    int ticks;
    double *dispatch, *done; /* per tick index; 0: never reported */
    int probes, skipped, failed;
    sem_t reported;
} poll_record;

/* 1 if `out` is /proc/loadavg's line: three load numbers first. */
static int is_loadavg(const char *out, size_t len) {
    char line[128];
    double l1, l5, l15;
    int used = 0;
    if (len == 0 || len >= sizeof line) return 0;
    memcpy(line, out, len);
    line[len] = 0;
    return sscanf(line, "%lf %lf %lf %n", &l1, &l5, &l15, &used) == 3 && used > 0 && l1 >= 0 && l5 >= 0 && l15 >= 0;
}

static void on_poll_tick(const otto_fanout_result *tick, uint64_t index, void *user_data) {
    poll_record *p = user_data;
    double now = now_us(), longest = 0;
    size_t n = otto_fanout_result_count(tick);
    for (size_t k = 0; k < n; ++k) {
        if (otto_fanout_result_host_status(tick, k) == OTTO_STATUS_SKIPPED) {
            ++p->skipped;
            continue;
        }
        ++p->probes;
        const otto_cmd_result *c = only_command(otto_fanout_result_op(tick, k));
        size_t len = 0;
        const char *out = c ? otto_cmd_result_output(c, &len) : "";
        if (!c || otto_cmd_result_retcode(c) != 0 || !is_loadavg(out, len)) ++p->failed;
        if (c && otto_cmd_result_duration(c) * 1e6 > longest) longest = otto_cmd_result_duration(c) * 1e6;
    }
    if (index < (uint64_t)p->ticks) {
        p->dispatch[index] = now - longest;
        p->done[index] = now;
    }
    sem_post(&p->reported);
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double sorted_at(const double *sorted, int n, double q) {
    if (n == 0) return 0;
    int k = (int)(q * (n - 1) + 0.5);
    return sorted[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static void m11(void) {
    char *lab_json = fanout_lab();
    otto_context *ctx = new_context(lab_json);
    /* Every connection open and its session bootstrapped before the clock. */
    if (fan_out(ctx) != 0) die("the warm-up fan-out failed: %s", failure_example);
    poll_record p = {.interval_us = 1e6, .ticks = (int)opt.seconds};
    p.dispatch = calloc((size_t)p.ticks, sizeof *p.dispatch);
    p.done = calloc((size_t)p.ticks, sizeof *p.done);
    sem_init(&p.reported, 0, 0);
    otto_commands *probe = NULL;
    otto_repeat_opts *every = NULL;
    check(otto_commands_new(&probe), "commands");
    check(otto_commands_add(NULL, probe, "cat /proc/loadavg"), "command");
    check(otto_repeat_opts_new(&every), "repeat options");
    check(otto_repeat_opts_set_interval(every, p.interval_us / 1e6), "interval");
    check(otto_repeat_opts_set_count(every, (uint64_t)p.ticks), "count");
    otto_op *op = NULL;
    resume();
    double t0 = now_us();
    check(otto_context_poll_hosts(&op, ctx, probe, NULL, NULL, every, on_poll_tick, &p, NULL, NULL), "poll");
    check(otto_op_wait(op, (int)(opt.seconds * 1000) + OP_TIMEOUT_MS), "poll wait");
    if (otto_op_error(op) != OTTO_OK) die("poll: %s", otto_op_error_message(op));
    /* The last tick's callback may still be on its way. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    int reported = 0;
    while (reported < p.ticks && (sem_timedwait(&p.reported, &deadline) == 0 || errno == EINTR)) ++reported;
    pause_cpu();
    otto_op_free(op);

    free(samples);
    samples = calloc((size_t)p.ticks + 1, sizeof *samples);
    double *late_done = calloc((size_t)p.ticks + 1, sizeof *late_done);
    int missed = 0, merged = 0, n_done = 0;
    double last = 0, previous = -1;
    for (int k = 0; k < p.ticks; ++k) {
        if (p.done[k] == 0) {
            ++missed;
            continue;
        }
        double due = t0 + k * p.interval_us;
        samples[n_samples++] = last = p.dispatch[k] - due;
        late_done[n_done++] = p.done[k] - due;
        /* A tick that fired within half an interval of the one before. */
        if (previous >= 0 && p.dispatch[k] - previous < p.interval_us / 2) ++merged;
        previous = p.dispatch[k];
    }
    double *late = calloc((size_t)n_samples + 1, sizeof *late);
    memcpy(late, samples, (size_t)n_samples * sizeof *late);
    qsort(late, (size_t)n_samples, sizeof *late, compare_doubles);
    qsort(late_done, (size_t)n_done, sizeof *late_done, compare_doubles);
    snprintf(notes, sizeof notes,
             "hosts=%d; CPU %.2f%% of a core over %d s; lateness p99 %.0f us, max %.0f us; drift at the last tick "
             "%.0f us; all results in: p50 %.0f us, p99 %.0f us late; missed %d, merged %d ticks; %d skipped, "
             "%d failed of %d probes; dispatch = tick report - its longest run (an upper bound)",
             opt.hosts, cpu_total / (opt.seconds * 1e6) * 100, p.ticks, sorted_at(late, n_samples, 0.99),
             n_samples ? late[n_samples - 1] : 0, last, sorted_at(late_done, n_done, 0.5),
             sorted_at(late_done, n_done, 0.99), missed, merged, p.skipped, p.failed, p.probes + p.skipped);
    host_runs += p.probes + p.skipped;
    host_failures += p.failed;
    free(late);
    free(late_done);
    free(p.dispatch);
    free(p.done);
    sem_destroy(&p.reported);
    otto_repeat_opts_free(every);
    otto_commands_free(probe);
    otto_context_free(ctx);
    free(lab_json);
}

/* The completion queue drives every session: whichever command finishes,
 * its session gets the next one, until the time is up. */
static void m5(void) {
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    run_true(host, 0);
    int n = opt.sessions;
    otto_session **sessions = calloc((size_t)n, sizeof *sessions);
    otto_op **running = calloc((size_t)n, sizeof *running);
    double *started = calloc((size_t)n, sizeof *started);
    for (int k = 0; k < n; ++k) {
        char name[16];
        snprintf(name, sizeof name, "s%d", k);
        otto_op *op = NULL;
        check(otto_host_open_session(&op, host, name, NULL, NULL), "open session");
        check(otto_op_wait(op, OP_TIMEOUT_MS), "open session wait");
        check(otto_op_take_session(&sessions[k], op), name);
        otto_op_free(op);
        check(otto_session_run(&running[k], sessions[k], "true", NULL, NULL, NULL), "warm-up");
        finish_command(running[k], "warm-up");
    }
    free(samples);
    size_t capacity = 1 << 16, commands = 0;
    samples = malloc(capacity * sizeof *samples);
    resume();
    double t0 = now_us(), end = t0 + opt.seconds * 1e6;
    for (int k = 0; k < n; ++k) {
        started[k] = now_us();
        check(otto_session_run(&running[k], sessions[k], "true", NULL, NULL, NULL), "submit");
    }
    int active = n;
    while (active > 0) {
        otto_op *op = NULL;
        check(otto_context_next_completion(&op, ctx, OP_TIMEOUT_MS), "next completion");
        int k = 0;
        while (k < n && running[k] != op) ++k;
        if (k == n) die("a completion of no session");
        double now = now_us();
        const otto_cmd_result *c = only_command(op);
        if (!c || otto_cmd_result_retcode(c) != 0) die("session %d: the command did not succeed", k);
        otto_op_free(op);
        running[k] = NULL;
        if (commands == capacity) samples = realloc(samples, (capacity *= 2) * sizeof *samples);
        samples[commands++] = now - started[k];
        if (now < end) {
            started[k] = now_us();
            check(otto_session_run(&running[k], sessions[k], "true", NULL, NULL, NULL), "submit");
        } else {
            --active;
        }
    }
    double took = now_us() - t0;
    pause_cpu();
    n_samples = (int)commands;
    snprintf(notes, sizeof notes, "sessions=%d; %.0f commands/s together", n, (double)commands / (took / 1e6));
    for (int k = 0; k < n; ++k) otto_session_free(sessions[k]);
    free(sessions);
    free(running);
    free(started);
    otto_host_free(host);
    otto_context_free(ctx);
}

static void m10(int put) {
    if (!opt.file || !opt.dest) die("M10 needs --file and --dest (a directory)");
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    /* Connected, and the SFTP channel open, as the peers' clients are. */
    otto_op *warm = NULL;
    check(otto_host_file_stat(&warm, host, "/", NULL, NULL), "stat /");
    check(otto_op_wait(warm, OP_TIMEOUT_MS), "stat / wait");
    if (otto_op_error(warm) != OTTO_OK) die("stat /: %s", otto_op_error_message(warm));
    otto_op_free(warm);
    const char *paths[] = {opt.file};
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        otto_op *op = NULL;
        double t0 = now_us();
        check(put ? otto_host_put(&op, host, paths, 1, opt.dest, NULL, NULL, NULL)
                  : otto_host_get(&op, host, paths, 1, opt.dest, NULL, NULL, NULL),
              "transfer");
        check(otto_op_wait(op, OP_TIMEOUT_MS), "transfer wait");
        double t = now_us() - t0;
        const otto_transfer_result *r = otto_op_transfer_result(op);
        if (!r || otto_transfer_result_status(r) != OTTO_STATUS_SUCCESS)
            die("transfer: %s", r ? otto_transfer_result_file_message(r, 0) : otto_op_error_message(op));
        otto_op_free(op);
        add(i, t);
    }
    pause_cpu();
    otto_host_free(host);
    otto_context_free(ctx);
}

/* Dies unless a small file's stat or read succeeded with its 4 KiB. */
static void check_small_file(const otto_op *op, int read, const char *path) {
    if (otto_op_error(op) != OTTO_OK) die("%s %s: %s", read ? "read" : "stat", path, otto_op_error_message(op));
    const otto_file_result *r = otto_op_file_result(op);
    size_t len = 0;
    if (read) {
        if (!r || !otto_file_result_data(r, &len) || len != SMALL_FILE_BYTES)
            die("read %s: %zu bytes, not %d", path, len, SMALL_FILE_BYTES);
    } else if (!r || otto_file_result_count(r) != 1 || otto_file_result_size(r, 0) != SMALL_FILE_BYTES) {
        die("stat %s: not one entry of %d bytes", path, SMALL_FILE_BYTES);
    }
}

/* PLAN M10's small files, as bench/files_bench.c runs them: every stat (or
 * read) submitted at once on the open SFTP channel, then every result
 * waited for. A sample is the whole pass; the ops are the files. */
static void m10small(int read) {
    if (!opt.dir || opt.files < 1) die("m10stat and m10read need --dir and --files");
    char **paths = small_file_paths(opt.dir, opt.files);
    otto_op **ops = calloc((size_t)opt.files, sizeof *ops);
    if (!ops) die("no memory for %d ops", opt.files);
    otto_context *ctx = new_context(NULL);
    otto_host *host = new_host(ctx);
    /* Connected, and the SFTP channel open, as the peers' clients are. */
    otto_op *warm = NULL;
    check(otto_host_file_stat(&warm, host, opt.dir, NULL, NULL), "stat --dir");
    check(otto_op_wait(warm, OP_TIMEOUT_MS), "stat --dir wait");
    if (otto_op_error(warm) != OTTO_OK) die("stat %s: %s", opt.dir, otto_op_error_message(warm));
    otto_op_free(warm);
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        for (int k = 0; k < opt.files; ++k)
            check(read ? otto_host_file_read(&ops[k], host, paths[k], NULL, NULL)
                       : otto_host_file_stat(&ops[k], host, paths[k], NULL, NULL),
                  read ? "read" : "stat");
        for (int k = 0; k < opt.files; ++k) {
            check(otto_op_wait(ops[k], OP_TIMEOUT_MS), "file op wait");
            check_small_file(ops[k], read, paths[k]);
            otto_op_free(ops[k]);
        }
        add(i, now_us() - t0);
    }
    pause_cpu();
    snprintf(notes, sizeof notes, "%d files of %d KiB, %s, every request in flight; cipher %s", opt.files,
             SMALL_FILE_BYTES / 1024, read ? "read all" : "stat all", opt.cipher);
    free(ops);
    free_small_file_paths(paths, opt.files);
    otto_host_free(host);
    otto_context_free(ctx);
}

/* --- main ------------------------------------------------------------------ */

static void emit(void) {
    int m9 = strncmp(opt.metric, "m9", 2) == 0;
    int m4 = strcmp(opt.metric, "m4") == 0;
    int small = !strcmp(opt.metric, "m10stat") || !strcmp(opt.metric, "m10read");
    double ops = m4 ? opt.count : m9 ? opt.hosts : small ? (double)n_samples * opt.files : n_samples;
    cJSON *o = result_object("otto", otto_version(NULL, NULL, NULL), opt.metric, m9 ? "KiB" : "us", ops);
    if (!strncmp(opt.metric, "m6", 2)) snprintf(notes, sizeof notes, "hosts=%d", opt.hosts);
    if (m4) snprintf(notes, sizeof notes, "one sample: %d commands back to back", opt.count);
    if (own.callbacks) snprintf(notes, sizeof notes, "each command submitted from the last one's callback");
    if (opt.pty && strncmp(opt.metric, "m12", 3) != 0 && !m9) snprintf(notes, sizeof notes, "the session on a PTY");
    if (opt.output_file) {
        size_t used = strlen(notes);
        snprintf(notes + used, sizeof notes - used, "%s%d bytes of output checked per command", used ? "; " : "",
                 opt.output_bytes);
    }
    /* The only cipher offered: the connection has it or does not exist. */
    if (!strncmp(opt.metric, "m10", 3) && !small) snprintf(notes, sizeof notes, "cipher %s", opt.cipher);
    if (!strcmp(own.transport, "telnet"))
        snprintf(notes, sizeof notes, "telnet: BusyBox telnetd's /bin/sh, no login, on its terminal");
    if (!strcmp(own.transport, "local"))
        snprintf(notes, sizeof notes, "local: env -i PATH=%s HOME=<empty dir> LANG=C bash --noprofile --norc%s",
                 LOCAL_PATH, opt.pty ? ", on a PTY" : "");
    cJSON_AddStringToObject(o, "notes", notes);
    if (!strcmp(opt.metric, "m7")) emit_m7(o);
    print_result(o);
}

int main(int argc, char **argv) {
    peer_set_name("otto-peer");
    parse_options(argc, argv, &opt, take_own_option,
                  "otto-peer --lab LAB.json --metric M [--count N] [--warmup N] ...");
    load_lab(&lab, opt.lab_path, opt.user_override);
    if (strcmp(own.transport, "ssh") && strcmp(own.transport, "telnet") && strcmp(own.transport, "local"))
        die("--transport: ssh, telnet or local, not %s", own.transport);
    /* The variants PLAN 3 names: M3 over telnet and local, M12 over telnet. */
    int telnet_metric = !strcmp(opt.metric, "m3") || !strcmp(opt.metric, "m12");
    if ((!strcmp(own.transport, "telnet") && !telnet_metric) ||
        (!strcmp(own.transport, "local") && strcmp(opt.metric, "m3")))
        die("--transport %s: not for %s (telnet: m3, m12; local: m3)", own.transport, opt.metric);
    region_init(opt.count, opt.warmup);
    const char *m = opt.metric;
    measured = variant_command(opt.output_file, opt.output_bytes);
    if (opt.output_file && strcmp(m, "m2warm") != 0 && strcmp(m, "m3") != 0)
        die("--output-file applies to m2warm and m3 only");
    if (opt.output_file && opt.pty) die("--output-file runs without a PTY (a PTY turns \\n into \\r\\n)");
    if (!strcmp(m, "m1")) m1();
    else if (!strcmp(m, "m2cold")) m2cold();
    else if (!strcmp(m, "m2warm")) on_open_host(1);
    else if (!strcmp(m, "m3") && own.callbacks) m3_chained();
    else if (!strcmp(m, "m3")) on_open_host(0);
    else if (!strcmp(m, "m4")) m4();
    else if (!strcmp(m, "m5")) m5();
    else if (!strcmp(m, "m6cold")) m6(0);
    else if (!strcmp(m, "m6warm")) m6(1);
    else if (!strcmp(m, "m7") && !own.inventory) die("m7 needs --inventory");
    else if (!strcmp(m, "m7")) m7();
    else if (!strcmp(m, "m12")) {
        opt.pty = 1; /* bc answers line by line on a terminal only */
        m12();
    } else if (!strcmp(m, "m12big")) {
        opt.pty = 1;
        m12big();
    } else if (!strcmp(m, "m9")) m9(1);
    else if (!strcmp(m, "m9conn")) m9(0);
    else if (!strcmp(m, "m10put")) m10(1);
    else if (!strcmp(m, "m10get")) m10(0);
    else if (!strcmp(m, "m10stat")) m10small(0);
    else if (!strcmp(m, "m10read")) m10small(1);
    else if (!strcmp(m, "m11")) m11();
    else
        die("unknown metric %s (m1 m2cold m2warm m3 m4 m5 m6cold m6warm m7 m9 m9conn m10put m10get m10stat m10read "
            "m11 m12 m12big)",
            m);
    emit();
    free(samples);
    return 0;
}
