/* What the C peer drivers (otto-peer, libssh-floor) share, as the Python
 * ones share peer_common.py: the lab's coordinates, the clock, the CPU
 * count, the measured region and the JSON object each run prints
 * (bench/peers/README.md). */
#ifndef OTTO_BENCH_PEER_DRIVER_H
#define OTTO_BENCH_PEER_DRIVER_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The lab written by `otto-lab up`: its SSH servers, the key, known_hosts
 * and the account to log in as (the clean one, with an empty home, PLAN
 * 1.2, when the lab has one); and the port of its first telnet server that
 * gives a shell without a login (PLAN 1.4), 0 when it has none. */
typedef struct {
    int ports[64];
    int n_ports;
    int telnet_port;
    char key[4096], known_hosts[4096], user[256];
} peer_lab;

/* PLAN 1.1's main cipher, pinned unless --cipher names another (M10's
 * cipher variant runs chacha20-poly1305@openssh.com). */
#define PEER_DEFAULT_CIPHER "aes128-gcm@openssh.com"

/* PLAN M10's small files: --files of them in --dir, named f00000, f00001,
 * ... (bench/peers/README.md), each SMALL_FILE_BYTES long. */
#define SMALL_FILE_BYTES 4096
/* Their paths, allocated; free with free_small_file_paths(). */
char **small_file_paths(const char *dir, int count);
void free_small_file_paths(char **paths, int count);

/* The options every C driver takes (bench/peers/README.md): the lab and
 * the account, the metric and its counts, M6's hosts, M11's sessions and
 * seconds, M3 and M4 on a PTY, M10's file and destination or directory of
 * small files, the cipher, and the output-volume variant's file and size. */
typedef struct {
    const char *lab_path, *user_override, *metric;
    int count, warmup, hosts, sessions, pty;
    double seconds;
    const char *file, *dest, *dir;
    int files;
    const char *cipher, *output_file;
    int output_bytes;
} peer_options;

/* Reads `--name value` pairs: the common ones into `common` (after its
 * defaults), each other one to `own`, which returns 0 for an option it does
 * not know. Dies naming an unknown option, a missing value, or a missing
 * --lab or --metric (then quoting `usage`). */
void parse_options(int argc, char **argv, peer_options *common, int (*own)(const char *name, const char *value),
                   const char *usage);

/* Names the driver in die()'s messages. */
void peer_set_name(const char *name);
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* A count given on the command line (0 to 10^8). */
int int_arg(const char *value, const char *option);

/* PLAN 3's output-volume variants of m2warm and m3: the command each
 * operation runs, `true` when `file` is NULL, else `cat 'file'` (a
 * printable lab file of `bytes` bytes, made by compare.py). Dies on a path
 * with a quote or a variant without both. The text lives until exit. */
const char *variant_command(const char *file, long bytes);
/* Dies unless a command printed exactly the bytes expected (when
 * `expected` > 0): a truncated or lost output cannot pass. */
void check_output_bytes(size_t got, long expected, const char *what);

double now_us(void);
/* This process's user+sys CPU, every thread included, plus reaped
 * children, in microseconds. */
double cpu_us(void);

char *read_whole(const char *path);
/* Reads `path` into `lab`; `user_override` (may be NULL) replaces the
 * account. Dies naming what is missing. */
void load_lab(peer_lab *lab, const char *path, const char *user_override);

/* The measured region: wall samples after the warm-up; CPU (and under
 * callgrind the instructions) counted between resume() and pause_cpu(). */
extern double *samples;
extern int n_samples;
extern double cpu_total;
/* Room for `count` samples; operations below `warmup` are not measured. */
void region_init(int count, int warmup);
void resume(void);
void pause_cpu(void);
/* Starts the count at the first measured operation. */
void begin_at(int i);
void add(int i, double wall);

/* Fan-outs: host answers over the measured runs, the wrong ones and the
 * first wrong one's story; in the result when host_runs > 0. */
extern long host_runs, host_failures;
extern char failure_example[200];

/* PLAN M9 in this process: opens the first host (`open_hosts(0, 1, data)`),
 * lets it settle 2 s and reads VmRSS; opens the other hosts - 1, settles,
 * reads it again. The sample is the growth over hosts - 1 in KiB; `notes`
 * gets both readings, then `how` when it is not empty. `open_hosts(first,
 * count, data)` opens those hosts and dies unless each one answered. */
void memory_per_connection(int hosts, void (*open_hosts)(int first, int count, void *data), void *data, const char *how,
                           char *notes, size_t room);

/* The object every run prints: peer, version, metric, unit, samples, ops,
 * cpu_us and the host tally (when there is one); the caller adds its own fields, then print_result() prints
 * it on one line and frees it. */
cJSON *result_object(const char *peer, const char *version, const char *metric, const char *unit, double ops);
void print_result(cJSON *result);

#endif
