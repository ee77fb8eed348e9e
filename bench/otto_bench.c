/*
 * otto-bench: measures otto over SSH against the loopback lab's sshd (and
 * the local host as a reference), following the benchmark plan's metrics:
 *
 *   M1  connect+auth               M2  one-shot, cold and warm
 *   M3  persistent-session round trip (SSH clean bash, SSH login shell,
 *       local PTY, local pipes)
 *   M4  pipelined commands on one shell
 *   M8  controller CPU per command / per connection
 *   M9  RSS per open connection (with one idle shell; connection only)
 *
 * It uses nothing of otto but the public C header. Every definition is
 * spelled out in bench/README.md and in the "definitions" of the JSON it
 * writes. Run it through bench/run.sh, which starts and stops the lab.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <otto.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_proc.h"
#include "bench_shared.h"

#ifndef OTTO_BENCH_SOURCE_DIR
#define OTTO_BENCH_SOURCE_DIR ""
#endif
#ifndef OTTO_BENCH_BUILD_TYPE
#define OTTO_BENCH_BUILD_TYPE ""
#endif

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

config cfg;

int phase_enabled(const char *name) {
    if (cfg.only == NULL) return 1;
    size_t len = strlen(name);
    const char *p = cfg.only;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, n) == 0) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Clocks, CPU, memory                                                      */
/* ------------------------------------------------------------------------ */

double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double timeval_us(struct timeval tv) { return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec; }

/* User+sys CPU of the whole process (every thread, the loop thread
 * included), in microseconds; `sys` (may be NULL) receives the sys part. */
static double cpu_split_us(double *sys) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (sys) *sys = timeval_us(ru.ru_stime);
    return timeval_us(ru.ru_utime) + timeval_us(ru.ru_stime);
}

double cpu_us(void) { return cpu_split_us(NULL); }

/* Busy and steal time from /proc/stat, in seconds: `cpu` < 0 reads the
 * machine-wide line. Returns 0 on success. */
static int proc_stat(int cpu, double *busy_s, double *steal_s, double *total_s) {
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    char want[32];
    if (cpu < 0) snprintf(want, sizeof want, "cpu ");
    else snprintf(want, sizeof want, "cpu%d ", cpu);
    char line[512];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)) != 0) continue;
        unsigned long long v[10] = {0};
        int n = sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                       &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
        if (n < 8) break;
        double tick = (double)sysconf(_SC_CLK_TCK);
        /* user nice system idle iowait irq softirq steal */
        double busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]);
        double total = busy + (double)(v[3] + v[4] + v[7]);
        if (busy_s) *busy_s = busy / tick;
        if (steal_s) *steal_s = (double)v[7] / tick;
        if (total_s) *total_s = total / tick;
        found = 0;
        break;
    }
    fclose(f);
    return found;
}

static int open_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') ++n;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* CPU seconds used by the process tree rooted at `root` (the lab's sshd
 * listener: session processes and their shells). Each live process counts
 * its own time plus that of the children it has reaped, so every tick is
 * counted once. -1 when `root` is not running. */
static double tree_cpu_s(int root) {
    if (root <= 0) return -1;
    DIR *d = opendir("/proc");
    if (!d) return -1;
    enum { kMax = 32768 };
    static int pids[kMax], ppids[kMax];
    static double cpu[kMax];
    int n = 0;
    struct dirent *e;
    double tick = (double)sysconf(_SC_CLK_TCK);
    while ((e = readdir(d)) != NULL && n < kMax) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        char *paren = strrchr(buf, ')');
        if (!paren) continue;
        char state;
        int ppid;
        unsigned long long ut, st;
        long long cut, cst;
        /* After "(comm)": state ppid pgrp session tty tpgid flags minflt
         * cminflt majflt cmajflt utime stime cutime cstime */
        if (sscanf(paren + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &state, &ppid, &ut, &st,
                   &cut, &cst) != 6)
            continue;
        pids[n] = atoi(e->d_name);
        ppids[n] = ppid;
        cpu[n] = (double)(ut + st) / tick + (double)(cut + cst) / tick;
        ++n;
    }
    closedir(d);
    double total = -1;
    for (int i = 0; i < n; ++i) {
        int p = pids[i], depth = 0;
        while (p > 1 && p != root && depth++ < 64) {
            int j;
            for (j = 0; j < n && pids[j] != p; ++j) {
            }
            p = j < n ? ppids[j] : 0;
        }
        if (p == root) total = (total < 0 ? 0 : total) + cpu[i];
    }
    return total;
}

/* The only CPU in a process's affinity list ("1"), or -1. */
static int single_cpu_of(int pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int cpu = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
            char *end = NULL;
            long v = strtol(line + 18, &end, 10);
            while (end && (*end == ' ' || *end == '\t')) ++end;
            if (end && (*end == '\n' || *end == '\0')) cpu = (int)v;
            break;
        }
    }
    fclose(f);
    return cpu;
}

static int controller_cpu = -1; /* pinned core of this process, or -1 */
static int server_cpu = -1;     /* pinned core of the lab's sshd, or -1 */

/* A phase's start or end: wall, controller CPU, the server's CPU, the two
 * cores' busy time and steal. */
typedef struct {
    double wall_us, cpu_us, cpu_sys_us;
    double server_tree_s;                    /* sshd tree CPU; -1 unknown */
    double ctl_core_busy_s, srv_core_busy_s; /* when pinned */
    double steal_s, total_s;
} snapshot;

static snapshot snap(void) {
    snapshot s;
    memset(&s, 0, sizeof s);
    s.server_tree_s = tree_cpu_s(cfg.sshd_pid);
    if (controller_cpu >= 0) proc_stat(controller_cpu, &s.ctl_core_busy_s, NULL, NULL);
    if (server_cpu >= 0) proc_stat(server_cpu, &s.srv_core_busy_s, NULL, NULL);
    proc_stat(-1, NULL, &s.steal_s, &s.total_s);
    s.cpu_us = cpu_split_us(&s.cpu_sys_us);
    s.wall_us = now_us();
    return s;
}

/* Server CPU (sshd and its shells) per op between two snapshots, in µs;
 * NAN when unknown. */
static double server_us_per(const snapshot *a, const snapshot *b, double ops) {
    if (a->server_tree_s < 0 || b->server_tree_s < 0 || ops <= 0) return NAN;
    return (b->server_tree_s - a->server_tree_s) * 1e6 / ops;
}

/* Adds the span a..b to `acc` (which starts zeroed): phases measured in
 * several rounds report their summed spans. */
static void snap_accumulate(snapshot *acc, const snapshot *a, const snapshot *b) {
    acc->wall_us += b->wall_us - a->wall_us;
    acc->cpu_us += b->cpu_us - a->cpu_us;
    acc->cpu_sys_us += b->cpu_sys_us - a->cpu_sys_us;
    if (acc->server_tree_s >= 0 && a->server_tree_s >= 0 && b->server_tree_s >= 0)
        acc->server_tree_s += b->server_tree_s - a->server_tree_s;
    else acc->server_tree_s = -1;
    acc->ctl_core_busy_s += b->ctl_core_busy_s - a->ctl_core_busy_s;
    acc->srv_core_busy_s += b->srv_core_busy_s - a->srv_core_busy_s;
    acc->steal_s += b->steal_s - a->steal_s;
    acc->total_s += b->total_s - a->total_s;
}

/* What else ran meanwhile: the figures that tell a quiet run from a noisy
 * one on a shared machine. */
static void phase_diag(cJSON *o, const snapshot *a, const snapshot *b, double ops) {
    double wall_s = (b->wall_us - a->wall_us) / 1e6;
    cJSON_AddNumberToObject(o, "wall_s", wall_s);
    cJSON_AddNumberToObject(o, "controller_cpu_us_per_op", (b->cpu_us - a->cpu_us) / ops);
    cJSON_AddNumberToObject(o, "controller_sys_us_per_op", (b->cpu_sys_us - a->cpu_sys_us) / ops);
    double server = server_us_per(a, b, ops);
    if (!isnan(server)) cJSON_AddNumberToObject(o, "server_cpu_us_per_op", server);
    if (wall_s > 0 && controller_cpu >= 0) {
        double other = (b->ctl_core_busy_s - a->ctl_core_busy_s) - (b->cpu_us - a->cpu_us) / 1e6;
        cJSON_AddNumberToObject(o, "controller_core_other_load_pct", 100.0 * other / wall_s);
    }
    if (wall_s > 0 && server_cpu >= 0 && a->server_tree_s >= 0 && b->server_tree_s >= 0) {
        double busy = b->srv_core_busy_s - a->srv_core_busy_s;
        cJSON_AddNumberToObject(o, "server_core_busy_pct", 100.0 * busy / wall_s);
        cJSON_AddNumberToObject(o, "server_core_other_load_pct",
                                100.0 * (busy - (b->server_tree_s - a->server_tree_s)) / wall_s);
    }
    double total = b->total_s - a->total_s;
    if (total > 0) cJSON_AddNumberToObject(o, "steal_pct", 100.0 * (b->steal_s - a->steal_s) / total);
}

/* ------------------------------------------------------------------------ */
/* Statistics and results                                                   */
/* ------------------------------------------------------------------------ */

typedef struct {
    size_t n;
    double p50, p90, p99, mean, min, max;
} stats;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* Nearest-rank percentile of sorted values. */
static double pct(const double *sorted, size_t n, double q) {
    if (n == 0) return NAN;
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

static stats compute(const double *values, size_t n) {
    stats s;
    memset(&s, 0, sizeof s);
    s.n = n;
    if (n == 0) {
        s.p50 = s.p90 = s.p99 = s.mean = s.min = s.max = NAN;
        return s;
    }
    double *v = malloc(n * sizeof *v);
    memcpy(v, values, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += v[i];
    s.p50 = pct(v, n, 0.50);
    s.p90 = pct(v, n, 0.90);
    s.p99 = pct(v, n, 0.99);
    s.mean = sum / (double)n;
    s.min = v[0];
    s.max = v[n - 1];
    free(v);
    return s;
}

/* A latency series: raw samples (µs) and their statistics. */
typedef struct {
    char metric[8];
    char variant[96];
    stats st;
    double *values;
} series;

/* A PLAN target judged on this run. */
typedef struct {
    char name[96];
    double value, limit;
    char unit[16];
    target_bound bound;
    int pass;
    char note[120];
} target;

#define MAX_SERIES 64
#define MAX_ROWS 128
#define MAX_TARGETS 16
#define MAX_ERRORS 32

static series all_series[MAX_SERIES];
static size_t n_series;
static row rows[MAX_ROWS];
static size_t n_rows;
static target targets[MAX_TARGETS];
static size_t n_targets;
static char errors[MAX_ERRORS][512];
static size_t n_errors;
static cJSON *phase_info; /* per-phase extras for the JSON */

void error_note(const char *fmt, ...) {
    if (n_errors >= MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errors[n_errors], sizeof errors[n_errors], fmt, ap);
    va_end(ap);
    fprintf(stderr, "otto-bench: %s\n", errors[n_errors]);
    ++n_errors;
}

static series *add_series(const char *metric, const char *variant, const double *values, size_t n) {
    if (n_series >= MAX_SERIES) return NULL;
    series *s = &all_series[n_series++];
    snprintf(s->metric, sizeof s->metric, "%s", metric);
    snprintf(s->variant, sizeof s->variant, "%s", variant);
    s->st = compute(values, n);
    s->values = malloc((n ? n : 1) * sizeof *values);
    if (n) memcpy(s->values, values, n * sizeof *values);
    return s;
}

row *add_row(const char *metric, const char *variant, const char *stat, double value, const char *unit, int decimals,
             long n) {
    if (n_rows >= MAX_ROWS) {
        static row spare;
        return &spare;
    }
    row *r = &rows[n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->variant, sizeof r->variant, "%s", variant);
    snprintf(r->stat, sizeof r->stat, "%s", stat);
    r->value = value;
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->decimals = decimals;
    r->n = n;
    return r;
}

void row_target(row *r, const char *text) { snprintf(r->target, sizeof r->target, "%s", text); }
static void row_ref(row *r, const char *text) { snprintf(r->reference, sizeof r->reference, "%s", text); }
void row_note(row *r, const char *text) { snprintf(r->note, sizeof r->note, "%s", text); }

static const char *bound_sign(target_bound bound) { return bound == BELOW ? "<" : bound == AT_LEAST ? ">=" : "<="; }

void add_target(const char *name, double value, double limit, target_bound bound, const char *unit, const char *note) {
    if (n_targets >= MAX_TARGETS) return;
    target *t = &targets[n_targets++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->value = value;
    t->limit = limit;
    snprintf(t->unit, sizeof t->unit, "%s", unit);
    t->bound = bound;
    t->pass = !isnan(value) && (bound == BELOW ? value < limit : bound == AT_LEAST ? value >= limit : value <= limit);
    snprintf(t->note, sizeof t->note, "%s", note ? note : "");
}

void failed_row(const char *metric, const char *variant, const char *why) {
    row *r = add_row(metric, variant, "-", NAN, "", 0, 0);
    row_note(r, why);
}

static void write_samples_csv(const series *s) {
    if (!cfg.samples_dir || !s) return;
    char path[4096];
    char name[128];
    size_t j = 0;
    for (const char *p = s->variant; *p && j + 1 < sizeof name; ++p) {
        char c = *p;
        name[j++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_';
    }
    name[j] = '\0';
    snprintf(path, sizeof path, "%s/%s-otto-%s.csv", cfg.samples_dir, s->metric, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        error_note("cannot write %s: %s", path, strerror(errno));
        return;
    }
    fprintf(f, "us\n");
    for (size_t i = 0; i < s->st.n; ++i) fprintf(f, "%.3f\n", s->values[i]);
    fclose(f);
}

/* ------------------------------------------------------------------------ */
/* otto helpers                                                             */
/* ------------------------------------------------------------------------ */

#define CHECK(call)                                                                                                    \
    do {                                                                                                               \
        int rc_ = (call);                                                                                              \
        if (rc_ != OTTO_OK) {                                                                                          \
            fprintf(stderr, "otto-bench: %s failed: %s (%s)\n", #call, otto_strerror(rc_), otto_last_error_message()); \
            exit(1);                                                                                                   \
        }                                                                                                              \
    } while (0)

otto_context *new_context(otto_log_cb log_cb, void *user_data) {
    otto_context_opts *opts = NULL;
    otto_context *ctx = NULL;
    CHECK(otto_context_opts_new(&opts));
    CHECK(otto_context_opts_set_dispatch(opts, OTTO_DISPATCH_LOOP));
    if (log_cb) {
        CHECK(otto_context_opts_set_log_cb(opts, log_cb, user_data));
        CHECK(otto_context_opts_set_log_level(opts, OTTO_LOG_INFO));
    }
    CHECK(otto_context_new(&ctx, opts));
    otto_context_opts_free(opts);
    return ctx;
}

static const char *const kCleanShell[] = {"bash", "--norc", "--noprofile"};
/* The same shell with empty prompts: bash keeps PS1/PS2 from its
 * environment, so it writes no prompt to the PTY around each line. */
static const char *const kQuietShell[] = {"env", "PS1=", "PS2=", "bash", "--norc", "--noprofile"};

enum { SHELL_LOGIN = 0, SHELL_CLEAN = 1, SHELL_CLEAN_NO_PROMPT = 2 };

/* An SSH host on the lab's server: publickey with the lab's key, strict
 * known_hosts, the PLAN's pinned algorithms. `shell`: SHELL_CLEAN runs
 * `bash --norc --noprofile` instead of the login shell. */
otto_host *new_ssh_host(otto_context *ctx, int shell, const char *id) {
    otto_host_opts *opts = NULL;
    otto_host *host = NULL;
    CHECK(otto_host_opts_new(&opts));
    if (id) CHECK(otto_host_opts_set_id(opts, id));
    CHECK(otto_host_opts_set_port(opts, cfg.port));
    CHECK(otto_host_opts_add_identity(opts, cfg.key));
    CHECK(otto_host_opts_set_agent(opts, 0));
    CHECK(otto_host_opts_set_known_hosts(opts, cfg.known_hosts));
    CHECK(otto_host_opts_set_host_key_policy(opts, OTTO_HOST_KEY_STRICT));
    CHECK(otto_host_opts_set_ssh_algorithms(opts, OTTO_SSH_KEY_EXCHANGE, "curve25519-sha256"));
    CHECK(otto_host_opts_set_ssh_algorithms(opts, OTTO_SSH_HOST_KEYS, "ssh-ed25519"));
    CHECK(otto_host_opts_set_ssh_algorithms(opts, OTTO_SSH_CIPHERS, "aes128-gcm@openssh.com"));
    if (shell == SHELL_CLEAN) CHECK(otto_host_opts_set_shell(opts, kCleanShell, 3));
    if (shell == SHELL_CLEAN_NO_PROMPT) CHECK(otto_host_opts_set_shell(opts, kQuietShell, 6));
    CHECK(otto_host_new_ssh(&host, ctx, cfg.address, cfg.user, opts));
    otto_host_opts_free(opts);
    return host;
}

static otto_host *new_local_host(otto_context *ctx, int pty) {
    otto_host_opts *opts = NULL;
    otto_host *host = NULL;
    CHECK(otto_host_opts_new(&opts));
    CHECK(otto_host_opts_set_pty(opts, pty));
    CHECK(otto_host_opts_set_shell(opts, kCleanShell, 3));
    CHECK(otto_host_new_local(&host, ctx, opts));
    otto_host_opts_free(opts);
    return host;
}

/* Waits for `op` and checks it gave a command result with exit code 0.
 * Returns 0, or -1 with `why` filled. */
static int wait_ok(otto_op *op, char *why, size_t why_len) {
    int rc = otto_op_wait(op, cfg.op_timeout_ms);
    if (rc == OTTO_ETIMEDOUT) {
        snprintf(why, why_len, "the op did not complete within %d ms (hang?)", cfg.op_timeout_ms);
        return -1;
    }
    if (rc != OTTO_OK) {
        snprintf(why, why_len, "otto_op_wait: %s", otto_strerror(rc));
        return -1;
    }
    int err = otto_op_error(op);
    if (err != OTTO_OK) {
        snprintf(why, why_len, "op failed: %s: %s", otto_strerror(err), otto_op_error_message(op));
        return -1;
    }
    const otto_cmd_result *r = otto_op_cmd_result(op);
    if (!r) {
        snprintf(why, why_len, "op has no command result");
        return -1;
    }
    if (otto_cmd_result_status(r) != OTTO_STATUS_SUCCESS || otto_cmd_result_retcode(r) != 0) {
        size_t len = 0;
        const char *out = otto_cmd_result_output(r, &len);
        snprintf(why, why_len, "command status %s, exit code %d, output \"%.*s\"",
                 otto_status_name(otto_cmd_result_status(r)), otto_cmd_result_retcode(r), (int)(len > 200 ? 200 : len),
                 out);
        return -1;
    }
    return 0;
}

/* Runs `command` in the host's default session and waits; 0 on success. */
static int run_once(otto_host *host, const char *command, char *why, size_t why_len) {
    otto_op *op = NULL;
    int rc = otto_host_run(&op, host, command, NULL, NULL, NULL);
    if (rc != OTTO_OK) {
        snprintf(why, why_len, "otto_host_run: %s (%s)", otto_strerror(rc), otto_last_error_message());
        return -1;
    }
    rc = wait_ok(op, why, why_len);
    otto_op_free(op);
    return rc;
}

static int close_host(otto_host *host, double *elapsed_us) {
    otto_op *op = NULL;
    double t0 = now_us();
    if (otto_host_close(&op, host, NULL, NULL) != OTTO_OK) return -1;
    int rc = otto_op_wait(op, cfg.op_timeout_ms);
    if (elapsed_us) *elapsed_us = now_us() - t0;
    otto_op_free(op);
    return rc == OTTO_OK ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* M9: RSS per open connection                                              */
/* ------------------------------------------------------------------------ */

/* Opens `count` connections on `hosts[first..]` concurrently, `batch` at a
 * time: each with its default shell bootstrapped (`shell`) or only one
 * one-shot run (connection only). */
static int open_connections(otto_host **hosts, int first, int count, int shell, char *why, size_t why_len) {
    int batch = cfg.rss_batch > 0 ? cfg.rss_batch : 1;
    otto_op **ops = calloc((size_t)batch, sizeof *ops);
    int rc = 0;
    for (int start = first; start < first + count && rc == 0; start += batch) {
        int end = start + batch < first + count ? start + batch : first + count;
        for (int i = start; i < end; ++i) {
            int s = shell ? otto_host_run(&ops[i - start], hosts[i], "true", NULL, NULL, NULL)
                          : otto_host_oneshot(&ops[i - start], hosts[i], "true", NULL, NULL, NULL);
            if (s != OTTO_OK) {
                snprintf(why, why_len, "submit on host %d: %s", i, otto_last_error_message());
                rc = -1;
                end = i;
                break;
            }
        }
        for (int i = start; i < end; ++i) {
            if (rc == 0 && wait_ok(ops[i - start], why, why_len) != 0) {
                char tmp[512];
                snprintf(tmp, sizeof tmp, "host %d: %s", i, why);
                snprintf(why, why_len, "%s", tmp);
                rc = -1;
            }
            otto_op_free(ops[i - start]);
        }
    }
    free(ops);
    return rc;
}

typedef struct {
    int ok;
    long rss1, rssn, anon1, anonn;
    int fds1, fdsn;
    double open_s;
    char why[600];
} rss_result;

/* Runs in a child process of its own, so that no earlier phase (nor the
 * other variant) has left freed heap for these connections to reuse. */
static void measure_rss(int shell, rss_result *res) {
    int n = cfg.rss_hosts;
    otto_context *ctx = new_context(NULL, NULL);
    otto_host **hosts = calloc((size_t)n, sizeof *hosts);
    char id[32];
    for (int i = 0; i < n; ++i) {
        snprintf(id, sizeof id, "h%04d", i);
        hosts[i] = new_ssh_host(ctx, SHELL_CLEAN, id);
    }
    res->ok = open_connections(hosts, 0, 1, shell, res->why, sizeof res->why) == 0;
    if (res->ok) {
        sleep_s(cfg.rss_settle);
        res->rss1 = status_kib("VmRSS");
        res->anon1 = status_kib("RssAnon");
        res->fds1 = open_fds();
        double t0 = now_us();
        res->ok = open_connections(hosts, 1, n - 1, shell, res->why, sizeof res->why) == 0;
        res->open_s = (now_us() - t0) / 1e6;
    }
    if (res->ok) {
        sleep_s(cfg.rss_settle);
        res->rssn = status_kib("VmRSS");
        res->anonn = status_kib("RssAnon");
        res->fdsn = open_fds();
    }
    for (int i = 0; i < n; ++i) otto_host_free(hosts[i]);
    free(hosts);
    otto_context_free(ctx);
}

static void bench_rss_variant(int shell) {
    const char *variant =
        shell ? "SSH, one idle bootstrapped shell per connection" : "SSH, connection only (after one one-shot)";
    int n = cfg.rss_hosts;
    if (n < 2) return;
    rss_result res;
    memset(&res, 0, sizeof res);
    int fds[2];
    pid_t child = -1;
    if (pipe(fds) == 0) child = fork();
    if (child == 0) {
        close(fds[0]);
        measure_rss(shell, &res);
        ssize_t w = write(fds[1], &res, sizeof res);
        _exit(w == (ssize_t)sizeof res ? 0 : 1);
    }
    if (child < 0) {
        snprintf(res.why, sizeof res.why, "cannot fork the measuring process: %s", strerror(errno));
    } else {
        close(fds[1]);
        size_t got = 0;
        while (got < sizeof res) {
            ssize_t r = read(fds[0], (char *)&res + got, sizeof res - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        close(fds[0]);
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        if (got != sizeof res) {
            memset(&res, 0, sizeof res);
            snprintf(res.why, sizeof res.why, "the measuring process ended without a result (status 0x%x)", status);
        }
    }
    if (!res.ok) {
        error_note("M9 (%s): %s", variant, res.why);
        failed_row("M9", variant, res.why);
        return;
    }
    double per = (double)(res.rssn - res.rss1) / (double)(n - 1);
    double per_anon = (double)(res.anonn - res.anon1) / (double)(n - 1);
    row *r = add_row("M9", variant, "VmRSS delta/conn", per, "KiB", 1, n);
    if (shell) {
        row_target(r, "<= 64 KiB");
        row_ref(r, "libssh session+shell ~24 KiB; asyncssh ~115");
        add_target("M9 RSS per idle connection with one shell", per, 64, AT_MOST, "KiB", NULL);
    }
    char note[200];
    snprintf(note, sizeof note, "VmRSS %ld -> %ld KiB (1 -> %d hosts), RssAnon %.1f KiB/conn, fds %d -> %d", res.rss1,
             res.rssn, n, per_anon, res.fds1, res.fdsn);
    row_note(r, note);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "variant", variant);
    cJSON_AddNumberToObject(o, "hosts", n);
    cJSON_AddNumberToObject(o, "vmrss_1_kib", (double)res.rss1);
    cJSON_AddNumberToObject(o, "vmrss_n_kib", (double)res.rssn);
    cJSON_AddNumberToObject(o, "rssanon_1_kib", (double)res.anon1);
    cJSON_AddNumberToObject(o, "rssanon_n_kib", (double)res.anonn);
    cJSON_AddNumberToObject(o, "fds_1", res.fds1);
    cJSON_AddNumberToObject(o, "fds_n", res.fdsn);
    cJSON_AddNumberToObject(o, "open_wall_s", res.open_s);
    cJSON_AddNumberToObject(o, "settle_s", cfg.rss_settle);
    cJSON_AddNumberToObject(o, "kib_per_connection", per);
    cJSON_AddNumberToObject(o, "rssanon_kib_per_connection", per_anon);
    cJSON_AddItemToObject(phase_info, shell ? "m9_shell" : "m9_connection", o);
}

/* ------------------------------------------------------------------------ */
/* M1 and M2 cold: a fresh context and host per sample                      */
/* ------------------------------------------------------------------------ */

typedef struct {
    double connected_us; /* when the "connected to" log entry arrived; 0 if not */
} cold_probe;

static void cold_log(const otto_log_entry *entry, void *user_data) {
    cold_probe *p = user_data;
    size_t len = 0;
    const char *text = otto_log_entry_text(entry, &len);
    if (p->connected_us == 0 && otto_log_entry_kind(entry) == OTTO_LOG_KIND_INFO && len >= 12 &&
        strncmp(text, "connected to", 12) == 0)
        p->connected_us = now_us();
}

static void bench_cold(void) {
    int total = cfg.connect_warmup + cfg.connect_n;
    double *m1 = calloc((size_t)cfg.connect_n + 1, sizeof(double));
    double *m2 = calloc((size_t)cfg.connect_n + 1, sizeof(double));
    double *first = calloc((size_t)cfg.connect_n + 1, sizeof(double));
    double *with_close = calloc((size_t)cfg.connect_n + 1, sizeof(double));
    size_t n = 0, n_m1 = 0;
    double cpu_total = 0;
    char why[600];
    int failed = 0;
    snapshot a = snap();
    for (int i = 0; i < total && !failed; ++i) {
        cold_probe probe = {0};
        otto_context *ctx = new_context(cold_log, &probe);
        otto_host *host = new_ssh_host(ctx, SHELL_CLEAN, "cold");
        otto_op *op = NULL;
        double c0 = cpu_us();
        double t0 = now_us();
        int rc = otto_host_oneshot(&op, host, "true", NULL, NULL, NULL);
        if (rc != OTTO_OK) {
            snprintf(why, sizeof why, "otto_host_oneshot: %s", otto_last_error_message());
            failed = 1;
        } else if (wait_ok(op, why, sizeof why) != 0) {
            failed = 1;
        }
        double t2 = now_us();
        double close_us = 0;
        if (!failed && close_host(host, &close_us) != 0) {
            snprintf(why, sizeof why, "otto_host_close did not complete");
            failed = 1;
        }
        double c1 = cpu_us();
        if (!failed && i >= cfg.connect_warmup) {
            m2[n] = t2 - t0;
            with_close[n] = t2 - t0 + close_us;
            cpu_total += c1 - c0;
            if (probe.connected_us > 0) {
                m1[n_m1] = probe.connected_us - t0;
                first[n_m1] = t2 - probe.connected_us;
                ++n_m1;
            }
            ++n;
        }
        otto_op_free(op);
        otto_host_free(host);
        otto_context_free(ctx);
    }
    sleep_s(0.3); /* lets sshd reap the last session's processes */
    snapshot b = snap();
    if (failed) {
        error_note("M1/M2 cold: %s", why);
        failed_row("M2", "cold", why);
    }
    if (n > 0) {
        series *s;
        row *r;
        if (n_m1 > 0) {
            s = add_series("M1", "connect+auth", m1, n_m1);
            write_samples_csv(s);
            r = add_row("M1", "connect+auth (submit -> 'connected' log entry)", "p50", s->st.p50 / 1e3, "ms", 2,
                        (long)n_m1);
            row_ref(r, "libssh connect+auth 27 ms");
            row_note(r, "approx: starts at op submission, not at TCP connect (adds the hand-off to the loop thread)");
            r = add_row("M1", "connect+auth (submit -> 'connected' log entry)", "p99", s->st.p99 / 1e3, "ms", 2,
                        (long)n_m1);
        } else {
            failed_row("M1", "connect+auth", "no 'connected to' log entry was seen: M1 unavailable");
        }
        s = add_series("M2", "cold", m2, n);
        write_samples_csv(s);
        r = add_row("M2", "cold: connect+auth+exec true+result", "p50", s->st.p50 / 1e3, "ms", 2, (long)n);
        row_ref(r, "libssh conn+auth+exec 75 ms; ssh 147 ms");
        add_row("M2", "cold: connect+auth+exec true+result", "p99", s->st.p99 / 1e3, "ms", 2, (long)n);
        s = add_series("M2", "cold_with_close", with_close, n);
        write_samples_csv(s);
        r = add_row("M2", "cold incl. otto_host_close", "p50", s->st.p50 / 1e3, "ms", 2, (long)n);
        if (n_m1 > 0) {
            s = add_series("M2", "first_channel", first, n_m1);
            write_samples_csv(s);
            r = add_row("M2", "first exec channel of a fresh connection", "p50", s->st.p50 / 1e3, "ms", 2, (long)n_m1);
            row_ref(r, "libssh first exec 48 ms (OpenSSH 9.2 stall)");
            row_note(r, "M2 cold minus M1, per sample");
            add_row("M2", "first exec channel of a fresh connection", "p99", s->st.p99 / 1e3, "ms", 2, (long)n_m1);
        }
        double per_conn_ms = cpu_total / (double)n / 1e3;
        r = add_row("M8", "CPU per cold one-shot (connect+auth+exec+close)", "mean", per_conn_ms, "ms", 2, (long)n);
        row_target(r, "<= 2 ms (M6 cold, approx)");
        row_ref(r, "libssh 1.5 ms/host; asyncssh ~5");
        row_note(r, "getrusage self, submit -> host closed; sequential, not fan-out");
        add_target("M8 CPU per connection (cold one-shot, sequential; PLAN's M6 target, approx)", per_conn_ms, 2.0,
                   AT_MOST, "ms", "sequential cold one-shots, not the M6 fan-out");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "samples", (double)n);
        cJSON_AddNumberToObject(o, "warmup", cfg.connect_warmup);
        cJSON_AddNumberToObject(o, "controller_cpu_ms_per_connection", per_conn_ms);
        phase_diag(o, &a, &b, (double)total);
        cJSON_AddItemToObject(phase_info, "m1_m2_cold", o);
        double server = server_us_per(&a, &b, (double)total);
        if (!isnan(server)) {
            r = add_row("M2", "server CPU per cold sample (sshd tree incl. shell)", "mean", server / 1e3, "ms", 1,
                        total);
            row_ref(r, "sshd 16-21 ms/connection");
            row_note(r, "utime+stime of the sshd process tree (10 ms ticks), warm-up samples included");
        }
    }
    free(m1);
    free(m2);
    free(first);
    free(with_close);
}

/* ------------------------------------------------------------------------ */
/* M2 warm and the rc-noise gate                                            */
/* ------------------------------------------------------------------------ */

/* Last number printed on a line of `out`, or NAN. */
static double last_number(const char *out, size_t len) {
    double value = NAN;
    const char *p = out, *end = out + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        char line[64];
        size_t l = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) : sizeof line - 1;
        memcpy(line, p, l);
        line[l] = '\0';
        char *stop = NULL;
        double v = strtod(line, &stop);
        if (stop != line && (*stop == '\0' || *stop == '\r')) value = v;
        p = eol + 1;
    }
    return value;
}

static void rc_gate(otto_host *host) {
    static const char *const kind[] = {"bash -lc true", "bash -ic true"};
    static const char *const cmd[] = {"TIMEFORMAT=%R; { time bash -lc true >/dev/null 2>&1; } 2>&1",
                                      "TIMEFORMAT=%R; { time bash -ic true >/dev/null 2>&1; } 2>&1"};
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < 2; ++k) {
        double best = NAN;
        for (int rep = 0; rep < 3; ++rep) {
            otto_op *op = NULL;
            if (otto_host_oneshot(&op, host, cmd[k], NULL, NULL, NULL) != OTTO_OK) break;
            otto_op_wait(op, cfg.op_timeout_ms);
            const otto_cmd_result *r = otto_op_cmd_result(op);
            if (r) {
                size_t len = 0;
                const char *out = otto_cmd_result_output(r, &len);
                double v = last_number(out, len);
                if (!isnan(v) && (isnan(best) || v < best)) best = v;
            }
            otto_op_free(op);
        }
        row *r = add_row("gate", kind[k], "min of 3", best * 1e3, "ms", 1, 3);
        row_target(r, "< 5 ms (rc-noise gate)");
        row_note(r, "timed on the target with bash's `time` via a one-shot; shows rc-file noise of the login user");
        add_target(k == 0 ? "rc-noise gate: bash -lc true" : "rc-noise gate: bash -ic true", best * 1e3, 5.0, BELOW,
                   "ms", "PLAN 1.2");
        cJSON_AddNumberToObject(o, kind[k], best * 1e3);
    }
    cJSON_AddItemToObject(phase_info, "rc_gate_ms", o);
}

static void bench_warm_oneshot(void) {
    otto_context *ctx = new_context(NULL, NULL);
    otto_host *host = new_ssh_host(ctx, SHELL_CLEAN, "warm");
    char why[600];
    double *v = calloc((size_t)cfg.oneshot_n + 1, sizeof(double));
    size_t n = 0;
    int failed = 0;
    otto_op *op = NULL;
    /* The connection's first channel (M2 cold's) is used here, outside the samples. */
    for (int i = 0; i < 1 + cfg.oneshot_warmup && !failed; ++i) {
        if (otto_host_oneshot(&op, host, "true", NULL, NULL, NULL) != OTTO_OK || wait_ok(op, why, sizeof why) != 0)
            failed = 1;
        otto_op_free(op);
    }
    snapshot a = snap();
    for (int i = 0; i < cfg.oneshot_n && !failed; ++i) {
        double t0 = now_us();
        if (otto_host_oneshot(&op, host, "true", NULL, NULL, NULL) != OTTO_OK) {
            snprintf(why, sizeof why, "otto_host_oneshot: %s", otto_last_error_message());
            failed = 1;
            break;
        }
        if (wait_ok(op, why, sizeof why) != 0) failed = 1;
        double t1 = now_us();
        otto_op_free(op);
        if (!failed) v[n++] = t1 - t0;
    }
    snapshot b = snap();
    if (failed) {
        error_note("M2 warm: %s", why);
        failed_row("M2", "warm", why);
    }
    if (n > 0) {
        series *s = add_series("M2", "warm", v, n);
        write_samples_csv(s);
        row *r = add_row("M2", "warm: new exec channel, true, on an open connection", "p50", s->st.p50 / 1e3, "ms", 2,
                         (long)n);
        row_ref(r, "libssh exec channel 2.40 ms");
        r = add_row("M2", "warm: new exec channel, true, on an open connection", "p99", s->st.p99 / 1e3, "ms", 2,
                    (long)n);
        row_ref(r, "libssh exec channel 3.6 ms");
        double cpu = (b.cpu_us - a.cpu_us) / (double)n;
        r = add_row("M8", "CPU per warm one-shot", "mean", cpu, "us", 0, (long)n);
        row_note(r, "getrusage self over the warm loop");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "samples", (double)n);
        phase_diag(o, &a, &b, (double)n);
        cJSON_AddItemToObject(phase_info, "m2_warm", o);
        double server = server_us_per(&a, &b, (double)n);
        if (!isnan(server)) {
            r = add_row("M2", "server CPU per warm one-shot (sshd tree)", "mean", server, "us", 0, (long)n);
            row_note(r, "utime+stime of the sshd process tree (10 ms ticks)");
        }
    }
    free(v);
    if (phase_enabled("gate")) rc_gate(host);
    otto_host_free(host);
    otto_context_free(ctx);
}

/* ------------------------------------------------------------------------ */
/* M3: persistent-session round trip, and M4: pipelined commands            */
/* ------------------------------------------------------------------------ */

/* One M3 variant: its host, its samples so far and its summed spans. */
typedef struct {
    const char *label, *key;
    int with_targets;
    otto_context *ctx;
    otto_host *host;
    double *v, *lib, *round_p50;
    size_t n;
    int rounds;
    snapshot acc;
    int failed;
    char why[600];
} rt_variant;

static void rt_setup(rt_variant *rv, const char *label, const char *key, int with_targets, otto_context *ctx,
                     otto_host *host) {
    memset(rv, 0, sizeof *rv);
    rv->label = label;
    rv->key = key;
    rv->with_targets = with_targets;
    rv->ctx = ctx;
    rv->host = host;
    rv->v = calloc((size_t)cfg.rtt_n + 1, sizeof(double));
    rv->lib = calloc((size_t)cfg.rtt_n + 1, sizeof(double));
    rv->round_p50 = calloc((size_t)cfg.rtt_rounds + 1, sizeof(double));
    for (int i = 0; i < cfg.rtt_warmup && !rv->failed; ++i)
        if (run_once(host, "true", rv->why, sizeof rv->why) != 0) rv->failed = 1;
}

/* `count` sequential round trips, appended to the variant's samples. */
static void rt_round(rt_variant *rv, int count) {
    if (rv->failed || count <= 0) return;
    size_t first = rv->n;
    snapshot a = snap();
    for (int i = 0; i < count; ++i) {
        otto_op *op = NULL;
        double t0 = now_us();
        if (otto_host_run(&op, rv->host, "true", NULL, NULL, NULL) != OTTO_OK) {
            snprintf(rv->why, sizeof rv->why, "otto_host_run: %s", otto_last_error_message());
            rv->failed = 1;
            break;
        }
        int rc = wait_ok(op, rv->why, sizeof rv->why);
        double t1 = now_us();
        if (rc != 0) {
            rv->failed = 1;
        } else {
            rv->lib[rv->n] = otto_cmd_result_duration(otto_op_cmd_result(op)) * 1e6;
            rv->v[rv->n++] = t1 - t0;
        }
        otto_op_free(op);
        if (rv->failed) break;
    }
    snapshot b = snap();
    snap_accumulate(&rv->acc, &a, &b);
    if (rv->n > first) rv->round_p50[rv->rounds++] = compute(rv->v + first, rv->n - first).p50;
}

static void rt_report(rt_variant *rv) {
    if (rv->failed) {
        error_note("M3 %s: %s", rv->label, rv->why);
        failed_row("M3", rv->label, rv->why);
    }
    size_t n = rv->n;
    if (n == 0) return;
    series *s = add_series("M3", rv->key, rv->v, n);
    write_samples_csv(s);
    stats ls = compute(rv->lib, n);
    stats rounds = compute(rv->round_p50, (size_t)rv->rounds);
    row *r = add_row("M3", rv->label, "p50", s->st.p50, "us", 1, (long)n);
    char note[200];
    snprintf(note, sizeof note, "p50 per round: median %.1f, min %.1f, max %.1f us (%d rounds)", rounds.p50, rounds.min,
             rounds.max, rv->rounds);
    row_note(r, note);
    if (rv->with_targets) {
        row_target(r, "<= 100 us (1.3 x floor)");
        row_ref(r, "libssh sentinel 78 us; asyncssh 625");
    }
    r = add_row("M3", rv->label, "p99", s->st.p99, "us", 1, (long)n);
    if (rv->with_targets) {
        row_target(r, "<= 100 us (1.3 x floor)");
        row_ref(r, "libssh sentinel 180 us; asyncssh 1.7 ms");
    }
    add_row("M3", rv->label, "mean", s->st.mean, "us", 1, (long)n);
    double cpu = rv->acc.cpu_us / (double)n;
    r = add_row("M8", rv->label, "CPU/cmd (M3 loop)", cpu, "us", 1, (long)n);
    if (rv->with_targets) {
        row_target(r, "<= 50 us");
        row_ref(r, "asyncssh 563 us; paramiko 246");
        add_target("M3 p50 (absolute; no floor measured here)", s->st.p50, 100, AT_MOST, "us",
                   "PLAN: <= 1.3 x raw-libssh floor, about 100 us");
        add_target("M3 p99 (absolute; no floor measured here)", s->st.p99, 100, AT_MOST, "us",
                   "PLAN: <= 1.3 x raw-libssh floor");
        add_target("M8 controller CPU per command (M3 loop)", cpu, 50, AT_MOST, "us", NULL);
    }
    if (strncmp(rv->key, "local", 5) == 0) row_note(r, "excludes the local shell (a child process, not reaped)");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "variant", rv->label);
    cJSON_AddNumberToObject(o, "samples", (double)n);
    cJSON_AddNumberToObject(o, "warmup", cfg.rtt_warmup);
    cJSON_AddNumberToObject(o, "rounds", rv->rounds);
    cJSON *per_round = cJSON_AddArrayToObject(o, "p50_per_round_us");
    for (int i = 0; i < rv->rounds; ++i) cJSON_AddItemToArray(per_round, cJSON_CreateNumber(rv->round_p50[i]));
    cJSON_AddNumberToObject(o, "p50_median_of_rounds_us", rounds.p50);
    cJSON_AddNumberToObject(o, "library_duration_p50_us", ls.p50);
    cJSON_AddNumberToObject(o, "library_duration_p99_us", ls.p99);
    snapshot zero;
    memset(&zero, 0, sizeof zero);
    phase_diag(o, &zero, &rv->acc, (double)n);
    cJSON_AddItemToObject(phase_info, rv->key, o);
    double server = server_us_per(&zero, &rv->acc, (double)n);
    if (strncmp(rv->key, "ssh", 3) == 0 && !isnan(server)) {
        r = add_row("M3", rv->label, "server CPU/cmd", server, "us", 1, (long)n);
        row_note(r, "utime+stime of the sshd process tree incl. the shell (10 ms ticks)");
    }
}

static void rt_free(rt_variant *rv) {
    free(rv->v);
    free(rv->lib);
    free(rv->round_p50);
}

typedef struct {
    double done_us;
} pipe_slot;

static void pipeline_done(otto_op *op, void *user_data) {
    (void)op;
    ((pipe_slot *)user_data)->done_us = now_us();
}

static void bench_pipeline(otto_host *host, const char *variant, const char *key) {
    int n = cfg.pipeline_n;
    char why[600];
    if (run_once(host, "true", why, sizeof why) != 0) {
        error_note("M4 %s: %s", variant, why);
        failed_row("M4", variant, why);
        return;
    }
    otto_op **ops = calloc((size_t)n, sizeof *ops);
    pipe_slot *slots = calloc((size_t)n, sizeof *slots);
    int submitted = 0, failed = 0, bad = 0;
    snapshot a = snap();
    for (int i = 0; i < n; ++i) {
        if (otto_host_run(&ops[i], host, "true", NULL, pipeline_done, &slots[i]) != OTTO_OK) {
            snprintf(why, sizeof why, "otto_host_run #%d: %s", i, otto_last_error_message());
            failed = 1;
            break;
        }
        ++submitted;
    }
    double submitted_us = now_us();
    if (submitted > 0 && otto_op_wait(ops[submitted - 1], cfg.op_timeout_ms * 10) != OTTO_OK) {
        snprintf(why, sizeof why, "the last of %d pipelined runs did not complete in %d ms", submitted,
                 cfg.op_timeout_ms * 10);
        failed = 1;
    }
    snapshot b = snap();
    double last = 0;
    for (int i = 0; i < submitted; ++i) {
        if (!failed && wait_ok(ops[i], why, sizeof why) != 0) ++bad;
        if (slots[i].done_us > last) last = slots[i].done_us;
    }
    for (int i = 0; i < submitted; ++i) otto_op_free(ops[i]);
    free(ops);
    free(slots);
    if (failed || bad) {
        if (bad) snprintf(why + strlen(why), sizeof why - strlen(why), " (%d of %d runs failed)", bad, submitted);
        error_note("M4 %s: %s", variant, why);
        failed_row("M4", variant, why);
        return;
    }
    double wall = last - a.wall_us;
    double per = wall / (double)n;
    row *r = add_row("M4", variant, "throughput", (double)n / (wall / 1e6), "cmd/s", 0, n);
    row_note(r, "first submit -> last completion callback");
    r = add_row("M4", variant, "wall/cmd", per, "us", 2, n);
    row_ref(r, "libssh 1,000 pipelined 15 us/cmd");
    double cpu = (b.cpu_us - a.cpu_us) / (double)n;
    r = add_row("M8", variant, "CPU/cmd (M4 run)", cpu, "us", 2, n);
    row_note(r, "getrusage self, first submit -> last op waited");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "variant", variant);
    cJSON_AddNumberToObject(o, "commands", n);
    cJSON_AddNumberToObject(o, "wall_s", wall / 1e6);
    cJSON_AddNumberToObject(o, "submit_all_s", (submitted_us - a.wall_us) / 1e6);
    cJSON_AddNumberToObject(o, "commands_per_s", (double)n / (wall / 1e6));
    cJSON_AddNumberToObject(o, "wall_us_per_cmd", per);
    phase_diag(o, &a, &b, (double)n);
    cJSON_AddItemToObject(phase_info, key, o);
    double server = server_us_per(&a, &b, (double)n);
    if (!isnan(server)) {
        r = add_row("M4", variant, "server CPU/cmd", server, "us", 1, n);
        row_note(r, "utime+stime of the sshd process tree incl. the shell (10 ms ticks)");
    }
}

/* M3 for every enabled variant, interleaved: in each of the rounds every
 * variant runs its share of the samples, in an order that rotates, so that
 * a burst of load elsewhere on the machine hits them alike. Then M4 on the
 * clean SSH shell. */
static void bench_sessions(void) {
    enum { kMaxVariants = 5 };
    rt_variant vars[kMaxVariants];
    int nv = 0, clean = -1;
    int want_clean = phase_enabled("m3") || phase_enabled("m4");
    if (want_clean) {
        otto_context *ctx = new_context(NULL, NULL);
        clean = nv;
        rt_setup(&vars[nv++], "SSH PTY, bash --norc --noprofile", "ssh_clean", 1, ctx,
                 new_ssh_host(ctx, SHELL_CLEAN, "m3-clean"));
        if (!phase_enabled("m3")) vars[clean].failed = -1; /* only M4: no rounds */
    }
    if (phase_enabled("login")) {
        otto_context *ctx = new_context(NULL, NULL);
        rt_setup(&vars[nv++], "SSH PTY, login shell", "ssh_login", 0, ctx, new_ssh_host(ctx, SHELL_LOGIN, "m3-login"));
    }
    if (phase_enabled("noprompt")) {
        otto_context *ctx = new_context(NULL, NULL);
        rt_setup(&vars[nv++], "SSH PTY, PS1= PS2= bash --norc --noprofile (diag.)", "ssh_no_prompt", 0, ctx,
                 new_ssh_host(ctx, SHELL_CLEAN_NO_PROMPT, "m3-noprompt"));
    }
    if (phase_enabled("local")) {
        otto_context *ctx = new_context(NULL, NULL);
        rt_setup(&vars[nv++], "local PTY, bash --norc --noprofile (reference)", "local_pty", 0, ctx,
                 new_local_host(ctx, 1));
        ctx = new_context(NULL, NULL);
        rt_setup(&vars[nv++], "local pipes, bash --norc --noprofile (reference)", "local_pipes", 0, ctx,
                 new_local_host(ctx, 0));
    }
    int rounds = cfg.rtt_rounds > 0 ? cfg.rtt_rounds : 1;
    for (int r = 0; r < rounds; ++r) {
        int share = cfg.rtt_n / rounds + (r == rounds - 1 ? cfg.rtt_n % rounds : 0);
        for (int j = 0; j < nv; ++j) rt_round(&vars[(r + j) % nv], share);
    }
    for (int i = 0; i < nv; ++i) {
        if (i == clean && vars[i].failed == -1) vars[i].failed = 0;
        else rt_report(&vars[i]);
    }
    if (clean >= 0 && phase_enabled("m4") && !vars[clean].failed)
        bench_pipeline(vars[clean].host, "SSH PTY, bash --norc --noprofile", "m4_ssh_clean");
    for (int i = 0; i < nv; ++i) {
        otto_host_free(vars[i].host);
        otto_context_free(vars[i].ctx);
        rt_free(&vars[i]);
    }
}

/* ------------------------------------------------------------------------ */
/* Machine and versions                                                     */
/* ------------------------------------------------------------------------ */

static void trim(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
}

/* First line of a shell command's output (stderr included), or "". */
static void command_line_output(const char *command, char *out, size_t out_len) {
    out[0] = '\0';
    FILE *p = popen(command, "r");
    if (!p) return;
    if (!fgets(out, (int)out_len, p)) out[0] = '\0';
    pclose(p);
    trim(out);
}

static void read_first_line(const char *path, char *out, size_t len) {
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (!fgets(out, (int)len, f)) out[0] = '\0';
    fclose(f);
    trim(out);
}

static void cpu_model(char *out, size_t len) {
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                snprintf(out, len, "%s", colon + 2);
                trim(out);
            }
            break;
        }
    }
    fclose(f);
}

static void affinity_of(int pid, char *out, size_t len) {
    char path[64], line[256];
    snprintf(out, len, "unknown");
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
            char *v = line + 18;
            while (*v == ' ' || *v == '\t') ++v;
            snprintf(out, len, "%s", v);
            trim(out);
            break;
        }
    }
    fclose(f);
}

static cJSON *machine_json(void) {
    cJSON *m = cJSON_CreateObject();
    char buf[512], cmd[1024];
    cpu_model(buf, sizeof buf);
    cJSON_AddStringToObject(m, "cpu_model", buf);
    cJSON_AddNumberToObject(m, "cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        long kib = 0;
        if (fscanf(f, "MemTotal: %ld kB", &kib) == 1) cJSON_AddNumberToObject(m, "memory_mib", (double)kib / 1024.0);
        fclose(f);
    }
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
        cJSON_AddStringToObject(m, "kernel", buf);
    }
    command_line_output(". /etc/os-release 2>/dev/null && echo \"$PRETTY_NAME\"", buf, sizeof buf);
    cJSON_AddStringToObject(m, "os", buf);
    cJSON *v = cJSON_AddObjectToObject(m, "versions");
    cJSON_AddStringToObject(v, "otto", otto_version(NULL, NULL, NULL));
    if (OTTO_BENCH_SOURCE_DIR[0]) {
        snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse HEAD 2>/dev/null", OTTO_BENCH_SOURCE_DIR);
        command_line_output(cmd, buf, sizeof buf);
        cJSON_AddStringToObject(v, "otto_commit", buf);
        snprintf(cmd, sizeof cmd,
                 "git -C '%s' status --porcelain --untracked-files=no -- src include CMakeLists.txt cmake 2>/dev/null "
                 "| wc -l",
                 OTTO_BENCH_SOURCE_DIR);
        command_line_output(cmd, buf, sizeof buf);
        cJSON_AddBoolToObject(v, "otto_library_tree_dirty", atoi(buf) > 0);
    }
    command_line_output("pkg-config --modversion libssh 2>/dev/null", buf, sizeof buf);
    cJSON_AddStringToObject(v, "libssh_pkgconfig", buf);
    command_line_output("dpkg-query -W -f='${Version}' libssh-4 2>/dev/null", buf, sizeof buf);
    cJSON_AddStringToObject(v, "libssh_package", buf);
    command_line_output("ssh -V 2>&1", buf, sizeof buf);
    cJSON_AddStringToObject(v, "openssh_client", buf);
    command_line_output("dpkg-query -W -f='${Version}' openssh-server 2>/dev/null", buf, sizeof buf);
    cJSON_AddStringToObject(v, "openssh_server_package", buf);
    command_line_output("openssl version 2>/dev/null", buf, sizeof buf);
    cJSON_AddStringToObject(v, "openssl", buf);
    command_line_output("bash --version 2>/dev/null | head -1", buf, sizeof buf);
    cJSON_AddStringToObject(v, "bash", buf);
    cJSON_AddStringToObject(v, "build_type", OTTO_BENCH_BUILD_TYPE);
    read_first_line("/proc/loadavg", buf, sizeof buf);
    cJSON_AddStringToObject(m, "loadavg_at_start", buf);
    cJSON *p = cJSON_AddObjectToObject(m, "pinning");
    affinity_of((int)getpid(), buf, sizeof buf);
    cJSON_AddStringToObject(p, "controller_cpus", buf);
    if (cfg.sshd_pid > 0) {
        affinity_of(cfg.sshd_pid, buf, sizeof buf);
        cJSON_AddStringToObject(p, "sshd_cpus", buf);
    }
    cJSON_AddNumberToObject(p, "controller_core", controller_cpu);
    cJSON_AddNumberToObject(p, "server_core", server_cpu);
    return m;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

static void format_value(const row *r, char *out, size_t len) {
    if (isnan(r->value)) snprintf(out, len, "FAILED");
    else snprintf(out, len, "%.*f", r->decimals, r->value);
}

static const char *verdict(const target *t) { return isnan(t->value) ? "n/a" : t->pass ? "pass" : "FAIL"; }

static void print_table(FILE *f, int markdown) {
    char value[64];
    if (markdown) {
        fprintf(f, "| metric | variant | stat | value | unit | n | PLAN target | PLAN 5 reference | note |\n");
        fprintf(f, "|---|---|---|---:|---|---:|---|---|---|\n");
    } else {
        fprintf(f, "%-6s %-52s %-18s %12s %-6s %6s  %-26s %s\n", "metric", "variant", "stat", "value", "unit", "n",
                "PLAN target", "PLAN 5 reference");
        for (int i = 0; i < 150; ++i) fputc('-', f);
        fputc('\n', f);
    }
    for (size_t i = 0; i < n_rows; ++i) {
        const row *r = &rows[i];
        format_value(r, value, sizeof value);
        if (markdown) {
            fprintf(f, "| %s | %s | %s | %s | %s | %ld | %s | %s | %s |\n", r->metric, r->variant, r->stat, value,
                    r->unit, r->n, r->target[0] ? r->target : "", r->reference[0] ? r->reference : "", r->note);
        } else {
            fprintf(f, "%-6s %-52.52s %-18s %12s %-6s %6ld  %-26s %s\n", r->metric, r->variant, r->stat, value, r->unit,
                    r->n, r->target[0] ? r->target : "-", r->reference[0] ? r->reference : "-");
        }
    }
    if (markdown) {
        fprintf(f, "\n### Targets (PLAN 6)\n\n| target | value | limit | result | note |\n|---|---:|---:|---|---|\n");
        for (size_t i = 0; i < n_targets; ++i)
            fprintf(f, "| %s | %.2f %s | %s %.2f %s | %s | %s |\n", targets[i].name, targets[i].value, targets[i].unit,
                    bound_sign(targets[i].bound), targets[i].limit, targets[i].unit, verdict(&targets[i]),
                    targets[i].note);
    } else {
        fprintf(f, "\nTargets (PLAN 6):\n");
        for (size_t i = 0; i < n_targets; ++i)
            fprintf(f, "  %-4s %-72s %10.2f %-3s (limit %s %.2f)\n", verdict(&targets[i]), targets[i].name,
                    targets[i].value, targets[i].unit, bound_sign(targets[i].bound), targets[i].limit);
    }
    if (n_errors) {
        fprintf(f, markdown ? "\n### Errors\n\n" : "\nErrors:\n");
        for (size_t i = 0; i < n_errors; ++i) fprintf(f, markdown ? "- %s\n" : "  %s\n", errors[i]);
    }
}

static void add_number_or_null(cJSON *o, const char *key, double v) {
    if (isnan(v) || isinf(v)) cJSON_AddNullToObject(o, key);
    else cJSON_AddNumberToObject(o, key, v);
}

static cJSON *definitions_json(void) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(
        d, "M1",
        "connect+auth, approx: fresh context and SSH host per sample; from otto_host_oneshot() submission to the "
        "context log entry 'connected to ...' (emitted on the loop thread when publickey authentication succeeds; "
        "OTTO_DISPATCH_LOOP delivers it synchronously). Includes the hand-off of the op to the loop thread (a few "
        "us); no channel is opened before it.");
    cJSON_AddStringToObject(d, "M2 cold",
                            "fresh context and host per sample: otto_host_oneshot(\"true\") submission -> otto_op_wait "
                            "returns with exit code 0 (connect+auth+exec channel+exit status). 'incl. close' adds "
                            "otto_host_close() until its op completes. 'first exec channel' = M2 cold - M1.");
    cJSON_AddStringToObject(d, "M2 warm",
                            "one host whose connection is open and whose first channel was used: "
                            "otto_host_oneshot(\"true\") submission -> otto_op_wait returns, sequential.");
    cJSON_AddStringToObject(d, "M3",
                            "bootstrapped default session, after warm-up: otto_host_run(\"true\") submission -> "
                            "otto_op_wait returns with exit code 0, sequential; OTTO_DISPATCH_LOOP context.");
    cJSON_AddStringToObject(d, "M4",
                            "on the M3 shell: N otto_host_run(\"true\") submitted back to back with a completion "
                            "callback each; first submission -> last completion callback (on the loop thread).");
    cJSON_AddStringToObject(d, "M8",
                            "getrusage(RUSAGE_SELF) user+sys over the measured loop (all threads of the process, the "
                            "loop thread included) divided by the commands or connections.");
    cJSON_AddStringToObject(d, "M9",
                            "VmRSS of the process with N hosts, each holding one connection (and one bootstrapped idle "
                            "shell, or only a finished one-shot), minus VmRSS with 1, divided by N-1; each after a "
                            "settle pause. Each variant runs in a forked process of its own, before any other phase, "
                            "so no freed heap is reused.");
    cJSON_AddStringToObject(d, "gate",
                            "rc-noise gate: `time bash -lc true` and `bash -ic true` on the target through a one-shot, "
                            "best of 3.");
    return d;
}

static void write_json(cJSON *machine, const char *started) {
    cJSON *root = cJSON_CreateObject();
    cJSON *run = cJSON_AddObjectToObject(root, "run");
    cJSON_AddStringToObject(run, "id", cfg.run_id ? cfg.run_id : "");
    cJSON_AddStringToObject(run, "start", started);
    cJSON_AddStringToObject(run, "tool", "otto-bench");
    cJSON_AddItemToObject(run, "machine", machine);
    cJSON *where = cJSON_AddObjectToObject(run, "target");
    cJSON_AddStringToObject(where, "address", cfg.address);
    cJSON_AddNumberToObject(where, "port", cfg.port);
    cJSON_AddStringToObject(where, "user", cfg.user);
    cJSON_AddStringToObject(where, "user_note", cfg.user_note);
    cJSON_AddStringToObject(where, "kex", "curve25519-sha256");
    cJSON_AddStringToObject(where, "host_key", "ssh-ed25519");
    cJSON_AddStringToObject(where, "cipher", "aes128-gcm@openssh.com");
    cJSON_AddStringToObject(where, "auth", "publickey (ed25519 file), no agent, strict known_hosts");
    cJSON_AddStringToObject(where, "dispatch", "OTTO_DISPATCH_LOOP");
    cJSON *counts = cJSON_AddObjectToObject(run, "samples");
    cJSON_AddNumberToObject(counts, "connect_warmup", cfg.connect_warmup);
    cJSON_AddNumberToObject(counts, "connect", cfg.connect_n);
    cJSON_AddNumberToObject(counts, "oneshot_warmup", cfg.oneshot_warmup);
    cJSON_AddNumberToObject(counts, "oneshot", cfg.oneshot_n);
    cJSON_AddNumberToObject(counts, "rtt_warmup", cfg.rtt_warmup);
    cJSON_AddNumberToObject(counts, "rtt", cfg.rtt_n);
    cJSON_AddNumberToObject(counts, "rtt_rounds", cfg.rtt_rounds);
    cJSON_AddNumberToObject(counts, "pipeline", cfg.pipeline_n);
    cJSON_AddNumberToObject(counts, "rss_hosts", cfg.rss_hosts);
    cJSON_AddNumberToObject(counts, "rss_batch", cfg.rss_batch);
    cJSON_AddNumberToObject(counts, "rss_settle_s", cfg.rss_settle);
    cJSON_AddItemToObject(root, "definitions", definitions_json());

    cJSON *ss = cJSON_AddArrayToObject(root, "series");
    for (size_t i = 0; i < n_series; ++i) {
        const series *s = &all_series[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "metric", s->metric);
        cJSON_AddStringToObject(o, "variant", s->variant);
        cJSON_AddStringToObject(o, "unit", "us");
        cJSON_AddNumberToObject(o, "n", (double)s->st.n);
        add_number_or_null(o, "p50", s->st.p50);
        add_number_or_null(o, "p90", s->st.p90);
        add_number_or_null(o, "p99", s->st.p99);
        add_number_or_null(o, "mean", s->st.mean);
        add_number_or_null(o, "min", s->st.min);
        add_number_or_null(o, "max", s->st.max);
        cJSON_AddItemToArray(ss, o);
    }
    cJSON *rs = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < n_rows; ++i) {
        const row *r = &rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "metric", r->metric);
        cJSON_AddStringToObject(o, "variant", r->variant);
        cJSON_AddStringToObject(o, "stat", r->stat);
        add_number_or_null(o, "value", r->value);
        cJSON_AddStringToObject(o, "unit", r->unit);
        cJSON_AddNumberToObject(o, "n", (double)r->n);
        if (r->target[0]) cJSON_AddStringToObject(o, "target", r->target);
        if (r->reference[0]) cJSON_AddStringToObject(o, "reference", r->reference);
        if (r->note[0]) cJSON_AddStringToObject(o, "note", r->note);
        cJSON_AddItemToArray(rs, o);
    }
    cJSON *ts = cJSON_AddArrayToObject(root, "targets");
    for (size_t i = 0; i < n_targets; ++i) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "target", targets[i].name);
        add_number_or_null(o, "value", targets[i].value);
        cJSON_AddNumberToObject(o, "limit", targets[i].limit);
        cJSON_AddStringToObject(o, "bound", bound_sign(targets[i].bound));
        cJSON_AddStringToObject(o, "unit", targets[i].unit);
        if (isnan(targets[i].value)) cJSON_AddNullToObject(o, "pass");
        else cJSON_AddBoolToObject(o, "pass", targets[i].pass);
        if (targets[i].note[0]) cJSON_AddStringToObject(o, "note", targets[i].note);
        cJSON_AddItemToArray(ts, o);
    }
    cJSON_AddItemToObject(root, "phases", phase_info);
    phase_info = NULL;
    cJSON *es = cJSON_AddArrayToObject(root, "errors");
    for (size_t i = 0; i < n_errors; ++i) cJSON_AddItemToArray(es, cJSON_CreateString(errors[i]));

    char *text = cJSON_Print(root);
    FILE *f = fopen(cfg.json_path, "w");
    if (!f) {
        fprintf(stderr, "otto-bench: cannot write %s: %s\n", cfg.json_path, strerror(errno));
    } else {
        fprintf(f, "%s\n", text);
        fclose(f);
    }
    cJSON_free(text);
    cJSON_Delete(root);
}

static void write_markdown(const cJSON *machine, const char *started) {
    FILE *f = fopen(cfg.md_path, "w");
    if (!f) {
        fprintf(stderr, "otto-bench: cannot write %s: %s\n", cfg.md_path, strerror(errno));
        return;
    }
    const cJSON *v = cJSON_GetObjectItem(machine, "versions");
    const cJSON *p = cJSON_GetObjectItem(machine, "pinning");
#define STR(o, k) \
    (cJSON_GetStringValue(cJSON_GetObjectItem((o), (k))) ? cJSON_GetStringValue(cJSON_GetObjectItem((o), (k))) : "")
    fprintf(f, "# otto benchmark: %s\n\n", cfg.run_id ? cfg.run_id : started);
    fprintf(f, "- started: %s\n", started);
    fprintf(f, "- machine: %s, %d cores, %s, %s\n", STR(machine, "cpu_model"),
            (int)cJSON_GetNumberValue(cJSON_GetObjectItem(machine, "cores")), STR(machine, "kernel"),
            STR(machine, "os"));
    fprintf(f, "- otto %s, commit %s%s; libssh %s; %s; sshd package %s\n", STR(v, "otto"), STR(v, "otto_commit"),
            cJSON_IsTrue(cJSON_GetObjectItem(v, "otto_library_tree_dirty")) ? " (library tree modified)" : "",
            STR(v, "libssh_package"), STR(v, "openssh_client"), STR(v, "openssh_server_package"));
    fprintf(f, "- pinning: controller on CPUs %s, sshd on CPUs %s\n", STR(p, "controller_cpus"), STR(p, "sshd_cpus"));
    fprintf(f, "- target: %s@%s:%d (%s); curve25519-sha256, ssh-ed25519, aes128-gcm@openssh.com; OTTO_DISPATCH_LOOP\n",
            cfg.user, cfg.address, cfg.port, cfg.user_note);
    fprintf(f,
            "- samples: cold %d (+%d warm-up), warm one-shot %d, round trip %d per variant (+%d warm-up, %d rounds), "
            "pipelined %d, RSS hosts %d\n",
            cfg.connect_n, cfg.connect_warmup, cfg.oneshot_n, cfg.rtt_n, cfg.rtt_warmup, cfg.rtt_rounds, cfg.pipeline_n,
            cfg.rss_hosts);
    fprintf(f, "- load average at start / end: %s / %s\n\n", STR(machine, "loadavg_at_start"),
            STR(machine, "loadavg_at_end"));
#undef STR
    print_table(f, 1);
    fprintf(f, "\nDefinitions: see bench/README.md and `definitions` in results.json.\n");
    fclose(f);
}

/* ------------------------------------------------------------------------ */
/* Arguments and the lab file                                              */
/* ------------------------------------------------------------------------ */

static char *read_whole(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    size_t got = fread(text, 1, (size_t)size, f);
    text[got] = '\0';
    fclose(f);
    return text;
}

static void load_lab(const char *path, const char *user_override) {
    char *text = read_whole(path);
    if (!text) {
        fprintf(stderr, "otto-bench: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) {
        fprintf(stderr, "otto-bench: %s is not valid JSON\n", path);
        exit(2);
    }
    const cJSON *ssh = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "ssh"), 0);
    const cJSON *user = cJSON_GetObjectItem(root, "user");
    const cJSON *clean = cJSON_GetObjectItem(root, "password_user");
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(user, "key"));
    const char *kh = cJSON_GetStringValue(cJSON_GetObjectItem(root, "known_hosts"));
    if (!ssh || !key || !kh) {
        fprintf(stderr, "otto-bench: %s lacks ssh[0], user.key or known_hosts\n", path);
        exit(2);
    }
    snprintf(cfg.address, sizeof cfg.address, "127.0.0.1");
    cfg.port = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ssh, "port"));
    cfg.sshd_pid = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ssh, "pid"));
    snprintf(cfg.key, sizeof cfg.key, "%s", key);
    snprintf(cfg.known_hosts, sizeof cfg.known_hosts, "%s", kh);
    const char *clean_name = clean ? cJSON_GetStringValue(cJSON_GetObjectItem(clean, "name")) : NULL;
    const char *lab_user = cJSON_GetStringValue(cJSON_GetObjectItem(user, "name"));
    if (user_override) {
        snprintf(cfg.user, sizeof cfg.user, "%s", user_override);
        snprintf(cfg.user_note, sizeof cfg.user_note, "chosen with --user");
    } else if (clean_name) {
        /* The lab's shared AuthorizedKeysFile admits its key for every
         * allowed user; this one has an empty home: no rc files (PLAN 1.2). */
        snprintf(cfg.user, sizeof cfg.user, "%s", clean_name);
        snprintf(cfg.user_note, sizeof cfg.user_note, "the lab's account with an empty home (no rc files), lab key");
    } else {
        snprintf(cfg.user, sizeof cfg.user, "%s", lab_user ? lab_user : "");
        snprintf(cfg.user_note, sizeof cfg.user_note, "the lab's invoking user (its rc files apply)");
    }
    cJSON_Delete(root);
}

static void usage(FILE *f) {
    fprintf(f,
            "usage: otto-bench (--lab LAB.json | --host ADDR --port N --key FILE --known-hosts FILE --user NAME)\n"
            "                  [--user NAME] [--json FILE] [--markdown FILE] [--samples-dir DIR] [--run-id ID]\n"
            "                  [--connect N] [--connect-warmup N] [--oneshot N] [--oneshot-warmup N]\n"
            "                  [--rtt N] [--rtt-warmup N] [--rounds N] [--pipeline N] [--rss-hosts N] [--rss-batch N]\n"
            "                  [--rss-settle SECONDS] [--m10-mib N] [--m10-files N] [--m10-rounds N]\n"
            "                  [--only PHASES] [--quick]\n"
            "phases (for --only, comma-separated): m9,cold,warm,gate,m3,m4,login,noprompt,local,m10\n");
}

static int int_arg(const char *v) {
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (!end || *end || x < 0 || x > 100000000) {
        fprintf(stderr, "otto-bench: bad number \"%s\"\n", v);
        exit(2);
    }
    return (int)x;
}

int main(int argc, char **argv) {
    cfg.connect_warmup = 10;
    cfg.connect_n = 200;
    cfg.oneshot_warmup = 10;
    cfg.oneshot_n = 200;
    cfg.rtt_warmup = 100;
    cfg.rtt_n = 5000;
    cfg.rtt_rounds = 5;
    cfg.pipeline_n = 10000;
    cfg.rss_hosts = 200;
    cfg.rss_batch = 20;
    cfg.rss_settle = 2.0;
    cfg.json_path = "results.json";
    cfg.op_timeout_ms = 60000;
    cfg.m10_mib = 256;
    cfg.m10_files = 1000;
    cfg.m10_rounds = 3;
    snprintf(cfg.address, sizeof cfg.address, "127.0.0.1");
    const char *user_override = NULL;
    int have_host = 0;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--quick")) {
            cfg.connect_warmup = 3;
            cfg.connect_n = 30;
            cfg.oneshot_n = 50;
            cfg.rtt_n = 1000;
            cfg.pipeline_n = 2000;
            cfg.rss_hosts = 50;
            cfg.rss_settle = 1.0;
            cfg.m10_mib = 32;
            cfg.m10_files = 200;
            cfg.m10_rounds = 2;
            continue;
        }
        if (i + 1 >= argc) {
            usage(stderr);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--lab")) cfg.lab_path = v;
        else if (!strcmp(a, "--host")) snprintf(cfg.address, sizeof cfg.address, "%s", v), have_host = 1;
        else if (!strcmp(a, "--port")) cfg.port = int_arg(v);
        else if (!strcmp(a, "--key")) snprintf(cfg.key, sizeof cfg.key, "%s", v);
        else if (!strcmp(a, "--known-hosts")) snprintf(cfg.known_hosts, sizeof cfg.known_hosts, "%s", v);
        else if (!strcmp(a, "--user")) user_override = v;
        else if (!strcmp(a, "--json")) cfg.json_path = v;
        else if (!strcmp(a, "--markdown")) cfg.md_path = v;
        else if (!strcmp(a, "--samples-dir")) cfg.samples_dir = v;
        else if (!strcmp(a, "--run-id")) cfg.run_id = v;
        else if (!strcmp(a, "--connect")) cfg.connect_n = int_arg(v);
        else if (!strcmp(a, "--connect-warmup")) cfg.connect_warmup = int_arg(v);
        else if (!strcmp(a, "--oneshot")) cfg.oneshot_n = int_arg(v);
        else if (!strcmp(a, "--oneshot-warmup")) cfg.oneshot_warmup = int_arg(v);
        else if (!strcmp(a, "--rtt")) cfg.rtt_n = int_arg(v);
        else if (!strcmp(a, "--rtt-warmup")) cfg.rtt_warmup = int_arg(v);
        else if (!strcmp(a, "--rounds")) cfg.rtt_rounds = int_arg(v);
        else if (!strcmp(a, "--pipeline")) cfg.pipeline_n = int_arg(v);
        else if (!strcmp(a, "--rss-hosts")) cfg.rss_hosts = int_arg(v);
        else if (!strcmp(a, "--rss-batch")) cfg.rss_batch = int_arg(v);
        else if (!strcmp(a, "--rss-settle")) cfg.rss_settle = atof(v);
        else if (!strcmp(a, "--m10-mib")) cfg.m10_mib = int_arg(v);
        else if (!strcmp(a, "--m10-files")) cfg.m10_files = int_arg(v);
        else if (!strcmp(a, "--m10-rounds")) cfg.m10_rounds = int_arg(v);
        else if (!strcmp(a, "--only")) cfg.only = v;
        else {
            usage(stderr);
            return 2;
        }
    }
    if (cfg.lab_path) {
        load_lab(cfg.lab_path, user_override);
    } else if (have_host && cfg.port > 0 && cfg.key[0] && cfg.known_hosts[0] && user_override) {
        snprintf(cfg.user, sizeof cfg.user, "%s", user_override);
        snprintf(cfg.user_note, sizeof cfg.user_note, "given on the command line");
    } else {
        usage(stderr);
        return 2;
    }
    if (otto_version_check(OTTO_VERSION_NUMBER) != OTTO_OK) {
        fprintf(stderr, "otto-bench: libotto %s does not serve this header\n", otto_version(NULL, NULL, NULL));
        return 1;
    }
    unsetenv("SSH_AUTH_SOCK"); /* one key file, no agent (PLAN 7) */
    controller_cpu = single_cpu_of((int)getpid());
    if (cfg.sshd_pid > 0) server_cpu = single_cpu_of(cfg.sshd_pid);

    char started[64];
    time_t t = time(NULL);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
    phase_info = cJSON_CreateObject();
    cJSON *machine = machine_json();
    double steal0 = 0, total0 = 0, steal1 = 0, total1 = 0;
    proc_stat(-1, NULL, &steal0, &total0);

    fprintf(stderr, "otto-bench: %s@%s:%d\n", cfg.user, cfg.address, cfg.port);
    /* M9 first, each variant in a child forked while this process has no
     * otto context (hence no loop thread) yet. */
    if (phase_enabled("m9")) {
        fprintf(stderr, "otto-bench: M9 RSS, %d connections with a shell\n", cfg.rss_hosts);
        bench_rss_variant(1);
        fprintf(stderr, "otto-bench: M9 RSS, %d connections only\n", cfg.rss_hosts);
        bench_rss_variant(0);
    }
    if (phase_enabled("cold")) {
        fprintf(stderr, "otto-bench: M1/M2 cold, %d samples\n", cfg.connect_n);
        bench_cold();
    }
    if (phase_enabled("warm") || phase_enabled("gate")) {
        fprintf(stderr, "otto-bench: M2 warm, %d samples\n", cfg.oneshot_n);
        if (phase_enabled("warm")) bench_warm_oneshot();
        else {
            int saved = cfg.oneshot_n;
            cfg.oneshot_n = 0;
            bench_warm_oneshot();
            cfg.oneshot_n = saved;
        }
    }
    if (phase_enabled("m3") || phase_enabled("m4") || phase_enabled("login") || phase_enabled("noprompt") ||
        phase_enabled("local")) {
        fprintf(stderr, "otto-bench: M3 (%d samples per variant, %d rounds) and M4 (%d commands)\n", cfg.rtt_n,
                cfg.rtt_rounds, cfg.pipeline_n);
        bench_sessions();
    }
    if (phase_enabled("m10")) {
        fprintf(stderr, "otto-bench: M10 files, %d MiB put/get x %d rounds, %d small files\n", cfg.m10_mib,
                cfg.m10_rounds, cfg.m10_files);
        bench_files();
    }
    proc_stat(-1, NULL, &steal1, &total1);
    if (total1 > total0)
        cJSON_AddNumberToObject(phase_info, "steal_pct_whole_run", 100.0 * (steal1 - steal0) / (total1 - total0));

    char load_end[128];
    read_first_line("/proc/loadavg", load_end, sizeof load_end);
    cJSON_AddStringToObject(machine, "loadavg_at_end", load_end);
    print_table(stdout, 0);
    if (cfg.md_path) write_markdown(machine, started);
    write_json(machine, started); /* takes `machine` */
    for (size_t i = 0; i < n_series; ++i) free(all_series[i].values);
    return n_errors ? 1 : 0;
}
