/* What otto-bench's parts share: the configuration, the result table and
 * the host factories (otto_bench.c), used by the phases in other files. */
#ifndef OTTO_BENCH_SHARED_H
#define OTTO_BENCH_SHARED_H

#include "otto.h"

typedef struct {
    const char *lab_path;
    char address[256];
    int port;
    char key[4096];
    char known_hosts[4096];
    char user[256];
    char user_note[256];
    int sshd_pid;
    int connect_warmup, connect_n;
    int oneshot_warmup, oneshot_n;
    int rtt_warmup, rtt_n, rtt_rounds;
    int pipeline_n;
    int rss_hosts, rss_batch;
    double rss_settle;
    const char *json_path;
    const char *md_path;
    const char *samples_dir;
    const char *run_id;
    const char *only; /* comma-separated phase names; NULL: all */
    int op_timeout_ms;
    int m10_mib;   /* M10: the large file's size */
    int m10_files; /* M10: small files for the pipelined operations */
    int m10_rounds;
} config;

extern config cfg;

/* One line of the printed table. */
typedef struct {
    char metric[8];
    char variant[112];
    char stat[24];
    double value; /* NAN: failed or unavailable */
    char unit[16];
    int decimals;
    long n;
    char target[40];
    char reference[72];
    char note[200];
} row;

int phase_enabled(const char *name);
double now_us(void);
double cpu_us(void);
row *add_row(const char *metric, const char *variant, const char *stat, double value, const char *unit, int decimals,
             long n);
void row_target(row *r, const char *text);
void row_note(row *r, const char *text);
/* How a target's value must compare with its limit. */
typedef enum { AT_MOST = 0, BELOW = 1, AT_LEAST = 2 } target_bound;
void add_target(const char *name, double value, double limit, target_bound bound, const char *unit, const char *note);
void failed_row(const char *metric, const char *variant, const char *why);
void error_note(const char *fmt, ...);
otto_context *new_context(otto_log_cb log_cb, void *user_data);
otto_host *new_ssh_host(otto_context *ctx, int shell, const char *id);

/* M10: SFTP put and get against OpenSSH sftp and scp, and pipelined small
 * file operations (files_bench.c). */
void bench_files(void);

#endif
