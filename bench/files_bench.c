/* M10 (PLAN): file transfer throughput and pipelined small file operations.
 *
 * One large random file on tmpfs is put and got over SFTP by otto (an open
 * host: the time runs from the call to its result, the SFTP channel already
 * open) and by OpenSSH's `sftp -b` and `scp` on the same sshd with the same
 * key and pinned algorithms (their time is the whole command, connection
 * included; a row gives that connection's own cost, from an empty sftp
 * batch). Rounds interleave the tools. Every copy is compared with the
 * source outside the timed region.
 *
 * Small operations: N files of 4 KiB; otto stats them all and reads them all
 * with every request in flight at once, and once more one after the other;
 * `sftp -b` gets them all with one `get` as the peer of "read all". */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench_shared.h"

static double children_cpu_us(void) {
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec * 1e6 +
           (double)ru.ru_stime.tv_usec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    if (n == 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The PLAN's tuned sftp: more requests in flight, larger buffers. */
#define SFTP_TUNING "-R 256 -B 261120"

static int same_files(const char *a, const char *b) {
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

/* The options every OpenSSH peer gets: the lab's key alone, strict host
 * keys, the PLAN's algorithms, no prompts. */
static void ssh_options(char *out, size_t len) {
    snprintf(out, len,
             "-i '%s' -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile='%s' "
             "-o StrictHostKeyChecking=yes -o KexAlgorithms=curve25519-sha256 -o HostKeyAlgorithms=ssh-ed25519 "
             "-o Ciphers=aes128-gcm@openssh.com -o BatchMode=yes -o LogLevel=ERROR",
             cfg.key, cfg.known_hosts);
}

/* Runs `sftp [TUNING] -b BATCH`; returns wall µs, or NAN on failure. */
static double run_sftp(const char *dir, const char *tuning, const char *batch_text, double *cpu) {
    char batch[600], cmd[16384], opts[9000];
    snprintf(batch, sizeof batch, "%s/batch", dir);
    FILE *f = fopen(batch, "w");
    if (!f) return NAN;
    fputs(batch_text, f);
    fclose(f);
    ssh_options(opts, sizeof opts);
    snprintf(cmd, sizeof cmd, "sftp -q %s %s -P %d -b '%s' %s@%s >/dev/null 2>'%s/sftp.err'", tuning, opts, cfg.port,
             batch, cfg.user, cfg.address, dir);
    double c0 = children_cpu_us(), t0 = now_us();
    int rc = system(cmd);
    double t = now_us() - t0;
    if (cpu) *cpu = children_cpu_us() - c0;
    return rc == 0 ? t : NAN;
}

static double run_scp(const char *from, const char *to, int legacy, double *cpu) {
    char cmd[16384], opts[9000];
    ssh_options(opts, sizeof opts);
    snprintf(cmd, sizeof cmd, "scp -q %s %s -P %d %s %s >/dev/null 2>&1", legacy ? "-O" : "", opts, cfg.port, from, to);
    double c0 = children_cpu_us(), t0 = now_us();
    int rc = system(cmd);
    double t = now_us() - t0;
    if (cpu) *cpu = children_cpu_us() - c0;
    return rc == 0 ? t : NAN;
}

static int wait_transfer(otto_op *op) {
    if (otto_op_wait(op, cfg.op_timeout_ms * 10) != OTTO_OK) return -1;
    const otto_transfer_result *r = otto_op_transfer_result(op);
    if (!r || otto_transfer_result_status(r) != OTTO_STATUS_SUCCESS) {
        error_note("M10 transfer failed: %s", r ? otto_transfer_result_file_message(r, 0) : otto_op_error_message(op));
        return -1;
    }
    return 0;
}

/* One otto put or get of `path` into `dir`; wall µs or NAN. */
static double otto_transfer(otto_host *host, int put, const char *path, const char *dir, double *cpu) {
    otto_op *op = NULL;
    const char *paths[] = {path};
    double c0 = cpu_us(), t0 = now_us();
    int rc = put ? otto_host_put(&op, host, paths, 1, dir, NULL, NULL, NULL)
                 : otto_host_get(&op, host, paths, 1, dir, NULL, NULL, NULL);
    if (rc != OTTO_OK) return NAN;
    int ok = wait_transfer(op) == 0;
    double t = now_us() - t0;
    if (cpu) *cpu = cpu_us() - c0;
    otto_op_free(op);
    return ok ? t : NAN;
}

typedef struct {
    const char *name;
    double wall[16];
    double cpu[16];
    int n;
    int failed;
} tool_series;

static void record(tool_series *s, double wall, double cpu, const char *copy, const char *source) {
    if (isnan(wall) || !same_files(copy, source)) {
        s->failed = 1;
        return;
    }
    if (s->n < 16) {
        s->wall[s->n] = wall;
        s->cpu[s->n] = cpu;
        s->n++;
    }
    unlink(copy);
}

/* MiB/s of a series' median; `overhead_us` (a peer's connection) taken off. */
static double series_mibs(const tool_series *s, double mib, double overhead_us) {
    if (s->failed || s->n == 0) return NAN;
    double wall[16];
    memcpy(wall, s->wall, sizeof wall);
    return mib / ((median(wall, s->n) - overhead_us) / 1e6);
}

static void report(tool_series *s, const char *direction, double mib, double otto_mibs, double connect_us) {
    char variant[112];
    snprintf(variant, sizeof variant, "%s %s %.0f MiB", direction, s->name, mib);
    if (s->failed || s->n == 0) {
        failed_row("M10", variant, "failed (see errors)");
        return;
    }
    double mibs = series_mibs(s, mib, 0);
    row *r = add_row("M10", variant, "median", mibs, "MiB/s", 1, s->n);
    double cpu_ms_per_mib = median(s->cpu, s->n) / 1e3 / mib;
    char note[240];
    if (isnan(otto_mibs)) {
        snprintf(note, sizeof note, "client CPU %.2f ms/MiB", cpu_ms_per_mib);
    } else {
        double bare = series_mibs(s, mib, connect_us);
        snprintf(note, sizeof note,
                 "client CPU %.2f ms/MiB; %.1f MiB/s less its connection; otto is %.2fx this (%.2fx)", cpu_ms_per_mib,
                 bare, otto_mibs / mibs, otto_mibs / bare);
    }
    row_note(r, note);
}

static void bench_large(otto_host *host, const char *dir) {
    char source[512], remote[512], fetched[512], cmd[2400];
    snprintf(source, sizeof source, "%s/large.bin", dir);
    snprintf(remote, sizeof remote, "%s/remote", dir);
    snprintf(fetched, sizeof fetched, "%s/fetched", dir);
    mkdir(remote, 0777);
    chmod(remote, 0777);
    mkdir(fetched, 0755);
    snprintf(cmd, sizeof cmd, "head -c %dM /dev/urandom > '%s'", cfg.m10_mib, source);
    if (system(cmd) != 0) {
        failed_row("M10", "large file", "could not create the source file");
        return;
    }
    char remote_copy[700], fetched_copy[700], batch[1600], target[1300];
    snprintf(remote_copy, sizeof remote_copy, "%s/large.bin", remote);
    snprintf(fetched_copy, sizeof fetched_copy, "%s/large.bin", fetched);
    enum { OTTO, SFTP, SFTP_TUNED, SCP, SCP_LEGACY, TOOLS };
    static const char *const kTools[TOOLS] = {"otto", "sftp", "sftp " SFTP_TUNING, "scp", "scp -O"};
    tool_series put[TOOLS], get[TOOLS];
    memset(put, 0, sizeof put);
    memset(get, 0, sizeof get);
    for (int i = 0; i < TOOLS; ++i) put[i].name = get[i].name = kTools[i];
    double connect[16];
    int n_connect = 0;
    for (int round = 0; round < cfg.m10_rounds; ++round) {
        double cpu = 0, t;
        t = otto_transfer(host, 1, source, remote, &cpu);
        record(&put[OTTO], t, cpu, remote_copy, source);
        snprintf(batch, sizeof batch, "put '%s' '%s'\n", source, remote_copy);
        t = run_sftp(dir, "", batch, &cpu);
        record(&put[SFTP], t, cpu, remote_copy, source);
        t = run_sftp(dir, SFTP_TUNING, batch, &cpu);
        record(&put[SFTP_TUNED], t, cpu, remote_copy, source);
        snprintf(target, sizeof target, "%s@%s:'%s'", cfg.user, cfg.address, remote_copy);
        t = run_scp(source, target, 0, &cpu);
        record(&put[SCP], t, cpu, remote_copy, source);
        t = run_scp(source, target, 1, &cpu);
        record(&put[SCP_LEGACY], t, cpu, remote_copy, source);

        /* The host's copy to get from. */
        snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 644 '%s'", source, remote_copy, remote_copy);
        if (system(cmd) != 0) break;
        t = otto_transfer(host, 0, remote_copy, fetched, &cpu);
        record(&get[OTTO], t, cpu, fetched_copy, source);
        snprintf(batch, sizeof batch, "get '%s' '%s'\n", remote_copy, fetched_copy);
        t = run_sftp(dir, "", batch, &cpu);
        record(&get[SFTP], t, cpu, fetched_copy, source);
        t = run_sftp(dir, SFTP_TUNING, batch, &cpu);
        record(&get[SFTP_TUNED], t, cpu, fetched_copy, source);
        t = run_scp(target, fetched_copy, 0, &cpu);
        record(&get[SCP], t, cpu, fetched_copy, source);
        t = run_scp(target, fetched_copy, 1, &cpu);
        record(&get[SCP_LEGACY], t, cpu, fetched_copy, source);
        unlink(remote_copy);

        t = run_sftp(dir, "", "pwd\n", NULL);
        if (!isnan(t) && n_connect < 16) connect[n_connect++] = t;
    }
    unlink(source);
    double mib = cfg.m10_mib;
    double connect_us = n_connect ? median(connect, n_connect) : 0;
    double otto_put = series_mibs(&put[OTTO], mib, 0);
    double otto_get = series_mibs(&get[OTTO], mib, 0);
    for (int i = 0; i < TOOLS; ++i) report(&put[i], "put", mib, i == OTTO ? NAN : otto_put, connect_us);
    for (int i = 0; i < TOOLS; ++i) report(&get[i], "get", mib, i == OTTO ? NAN : otto_get, connect_us);
    if (n_connect) {
        row *r = add_row("M10", "sftp connect+auth+quit (in its figures above)", "median", connect_us / 1e3, "ms", 1,
                         n_connect);
        row_note(r, "an empty sftp batch: what each peer figure spends before its first byte");
    }
    /* PLAN 6: at least 500 MiB/s, and 1.2x the better of sftp at defaults
     * and tuned, whose time is taken without its connection (the PLAN
     * times open to close). */
    for (int direction = 0; direction < 2; ++direction) {
        tool_series *s = direction == 0 ? put : get;
        const char *name = direction == 0 ? "put" : "get";
        double ours = direction == 0 ? otto_put : otto_get;
        double best_sftp = fmax(series_mibs(&s[SFTP], mib, connect_us), series_mibs(&s[SFTP_TUNED], mib, connect_us));
        char label[120];
        snprintf(label, sizeof label, "M10 %s >= 500 MiB/s (aes128-gcm, loopback)", name);
        add_target(label, ours, 500, AT_LEAST, "MiB/s", NULL);
        snprintf(label, sizeof label, "M10 %s >= 1.2x OpenSSH sftp (better of default and tuned)", name);
        add_target(label, ours / best_sftp, 1.2, AT_LEAST, "x", "otto MiB/s / sftp MiB/s less its connection");
    }
}

/* Waits for every op; returns the number that failed. */
static int wait_all(otto_op **ops, int n) {
    int failed = 0;
    for (int i = 0; i < n; ++i) {
        if (otto_op_wait(ops[i], cfg.op_timeout_ms) != OTTO_OK || otto_op_error(ops[i]) != OTTO_OK) ++failed;
        otto_op_free(ops[i]);
    }
    return failed;
}

static void bench_small(otto_host *host, const char *dir) {
    int n = cfg.m10_files;
    char small[512], name[600];
    snprintf(small, sizeof small, "%s/small", dir);
    mkdir(small, 0755);
    char block[4096];
    for (size_t i = 0; i < sizeof block; ++i) block[i] = (char)('a' + i % 26);
    char **paths = calloc((size_t)n, sizeof *paths);
    otto_op **ops = calloc((size_t)n, sizeof *ops);
    for (int i = 0; i < n; ++i) {
        snprintf(name, sizeof name, "%s/f%05d", small, i);
        paths[i] = strdup(name);
        FILE *f = fopen(name, "w");
        if (f) {
            fwrite(block, 1, sizeof block, f);
            fclose(f);
        }
    }
    /* Warm: the channel is open already (the large phase used it). */
    struct {
        const char *variant;
        int read;
        int pipelined;
    } kinds[] = {{"stat", 0, 1},
                 {"read 4 KiB", 1, 1},
                 {"stat, one at a time", 0, 0},
                 {"read 4 KiB, one at a time", 1, 0}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; ++k) {
        double c0 = cpu_us(), t0 = now_us();
        int failed = 0;
        for (int i = 0; i < n; ++i) {
            int rc = kinds[k].read ? otto_host_file_read(&ops[i], host, paths[i], NULL, NULL)
                                   : otto_host_file_stat(&ops[i], host, paths[i], NULL, NULL);
            if (rc != OTTO_OK) ops[i] = NULL, ++failed;
            if (!kinds[k].pipelined && ops[i]) failed += wait_all(&ops[i], 1), ops[i] = NULL;
        }
        if (kinds[k].pipelined) failed += wait_all(ops, n);
        double t = now_us() - t0, cpu = cpu_us() - c0;
        char variant[112];
        snprintf(variant, sizeof variant, "otto %s x %d%s", kinds[k].variant, n,
                 kinds[k].pipelined ? ", all in flight" : "");
        if (failed) {
            failed_row("M10", variant, "some operations failed");
            continue;
        }
        row *r = add_row("M10", variant, "rate", n / (t / 1e6), "ops/s", 0, n);
        char note[200];
        snprintf(note, sizeof note, "client CPU %.1f us/op", cpu / n);
        row_note(r, note);
    }
    char batch[1300], fetched[600];
    snprintf(fetched, sizeof fetched, "%s/small-fetched", dir);
    mkdir(fetched, 0755);
    snprintf(batch, sizeof batch, "get '%s'/* '%s'/\n", small, fetched);
    double cpu = 0;
    double t = run_sftp(dir, "", batch, &cpu);
    char variant[112];
    snprintf(variant, sizeof variant, "sftp get of %d 4 KiB files, one batch", n);
    if (isnan(t)) failed_row("M10", variant, "sftp failed");
    else {
        row *r = add_row("M10", variant, "rate", n / (t / 1e6), "files/s", 0, n);
        row_note(r, "connection included");
    }
    for (int i = 0; i < n; ++i) free(paths[i]);
    free(paths);
    free(ops);
}

void bench_files(void) {
    char dir[] = "/dev/shm/otto-m10-XXXXXX";
    if (!mkdtemp(dir)) {
        failed_row("M10", "setup", "no tmpfs directory");
        return;
    }
    chmod(dir, 0777);
    otto_context *ctx = new_context(NULL, NULL);
    otto_host *host = new_ssh_host(ctx, 0, "m10");
    /* Opens the connection and the SFTP channel outside the timed region. */
    otto_op *warm = NULL;
    if (otto_host_file_stat(&warm, host, dir, NULL, NULL) != OTTO_OK ||
        otto_op_wait(warm, cfg.op_timeout_ms) != OTTO_OK || otto_op_error(warm) != OTTO_OK) {
        failed_row("M10", "setup", warm ? otto_op_error_message(warm) : "stat failed");
    } else {
        bench_large(host, dir);
        bench_small(host, dir);
    }
    otto_op_free(warm);
    otto_host_free(host);
    otto_context_free(ctx);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) error_note("M10: could not remove %s", dir);
}
