/*
 * ssh_pipelined.c - several commands per SSH host, all in flight at once
 * over the host's one connection.
 *
 * Mirrors "Multiple commands per host":
 *
 *     async def collect(host):
 *         async with await Protocol.from_ssh(host) as proto:
 *             hostname, uptime, load = await asyncio.gather(
 *                 proto(FileSystem.read_str, "/etc/hostname"),
 *                 proto(FileSystem.read_str, "/proc/uptime"),
 *                 proto(FileSystem.read_str, "/proc/loadavg"))
 *         return HostInfo(host, hostname.strip(),
 *                         uptime.split()[0] + "s", load.split()[0])
 *
 *     results = await asyncio.gather(*[collect(h) for h in HOSTS])
 *     for info in results:
 *         print(f"{info.host}  hostname={info.hostname}  "
 *               f"uptime={info.uptime}  load={info.load}")
 *
 * Usage: ssh_pipelined [--user NAME] [--key FILE] [--known-hosts FILE]
 *                      HOST:PORT...   (see ssh_support.h)
 *
 * For every host the three reads are submitted back to back as one-shots,
 * without waiting in between: hosts x 3 ops in flight together. Each host
 * has one SSH connection: the first op starts connecting it, the other two
 * wait for that same connection, and then each one-shot runs on its own
 * exec channel of it, at the same time as its siblings (up to the host's
 * channel budget, 10 by default; see otto_host_opts_set_channel_budget).
 *
 * Gathering uses completion callbacks. In the default dispatch mode
 * (OTTO_DISPATCH_APP) a callback never runs on otto's loop thread: it runs
 * on our thread, inside otto_context_dispatch(), so it can update our
 * counters without any locking.
 *
 * Exits 0 only when every command succeeded on every host and the
 * hostname, uptime and load read back are well-formed.
 */
#define EXAMPLE_NAME "ssh_pipelined"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_support.h"

enum { READ_HOSTNAME, READ_UPTIME, READ_LOADAVG, N_READS };

static const char *const commands[N_READS] = {"cat /etc/hostname", "cat /proc/uptime", "cat /proc/loadavg"};

/* One op in flight: whose it is, and whether its callback has run. */
typedef struct pending {
    otto_op *op;
    size_t host;
    int done;
    size_t *completed; /* shared by all: how many callbacks have run */
} pending;

/* The completion callback: runs once per op, on our thread, inside
 * otto_context_dispatch(). The op stays ours (we read its result later). */
static void on_complete(otto_op *op, void *user_data) {
    pending *p = user_data;

    (void)op;
    p->done = 1;
    (*p->completed)++;
}

/* Copies the output of a successful read into `text`. Returns 1 when the
 * command succeeded with some output. */
static int read_output(otto_op *op, const char *target, const char *command, char *text, size_t cap) {
    const otto_cmd_result *res;
    const char *output;
    size_t len = 0;
    int rc = otto_op_error(op);

    if (rc != OTTO_OK) {
        fprintf(stderr, EXAMPLE_NAME ": %s: '%s' failed: %s (%s)\n", target, command, otto_strerror(rc),
                otto_op_error_message(op));
        return 0;
    }
    res = otto_op_cmd_result(op);
    if (res == NULL) {
        fprintf(stderr, EXAMPLE_NAME ": %s: '%s' has no result\n", target, command);
        return 0;
    }
    output = otto_cmd_result_output(res, &len);
    rstrip_copy(text, cap, output, len);
    if (otto_cmd_result_status(res) != OTTO_STATUS_SUCCESS || text[0] == '\0') {
        fprintf(stderr, EXAMPLE_NAME ": %s: '%s' gave status=%s retcode=%d output='%s'\n", target, command,
                otto_status_name(otto_cmd_result_status(res)), (int)otto_cmd_result_retcode(res), text);
        return 0;
    }
    return 1;
}

/* The first whitespace-separated word of `text` into `word`, like
 * text.split()[0]. Returns 1 when it is a non-negative number. */
static int first_number(char *word, size_t cap, const char *text) {
    size_t len = strcspn(text, " \t\n");
    char *end = NULL;
    double value;

    if (len == 0 || len >= cap) return 0;
    memcpy(word, text, len);
    word[len] = '\0';
    value = strtod(word, &end);
    return *end == '\0' && value >= 0.0;
}

int main(int argc, char **argv) {
    ssh_args args;
    otto_context *ctx = NULL;
    otto_host *hosts[MAX_HOSTS] = {NULL};
    pending ops[MAX_HOSTS][N_READS];
    size_t completed = 0, submitted = 0, h, c;
    int rc, ok = 0;

    if (!parse_ssh_args(&args, argc, argv)) return EXIT_FAILURE;
    memset(ops, 0, sizeof ops);

    rc = otto_context_new(&ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_context_new", rc);
        return EXIT_FAILURE;
    }
    if (!new_ssh_hosts(hosts, ctx, &args)) goto out;

    /* Submit everything: for each host its three reads, back to back. Each
     * call returns at once, before anything has connected. */
    for (h = 0; h < args.count; h++) {
        for (c = 0; c < N_READS; c++) {
            pending *p = &ops[h][c];

            p->host = h;
            p->completed = &completed;
            rc = otto_host_oneshot(&p->op, hosts[h], commands[c], NULL, on_complete, p);
            if (rc != OTTO_OK) {
                fail_call("otto_host_oneshot", rc);
                goto out;
            }
            submitted++;
        }
    }

    /* Gather: run the callbacks as completions arrive until all are in. A
     * dispatch that waited WAIT_MS and ran nothing means something hangs. */
    while (completed < submitted) {
        size_t ran = 0;

        rc = otto_context_dispatch(&ran, ctx, WAIT_MS);
        if (rc != OTTO_OK) {
            fail_call("otto_context_dispatch", rc);
            goto out;
        }
        if (ran == 0) {
            fprintf(stderr, EXAMPLE_NAME ": %zu of %zu reads still running after %d ms\n", submitted - completed,
                    submitted, WAIT_MS);
            goto out;
        }
    }

    /* One line per host, in host order. */
    ok = 1;
    for (h = 0; h < args.count; h++) {
        char text[N_READS][512];
        char uptime[64], load[64];
        int host_ok = 1;

        for (c = 0; c < N_READS; c++) {
            if (!ops[h][c].done || !read_output(ops[h][c].op, args.targets[h], commands[c], text[c], sizeof text[c]))
                host_ok = 0;
        }
        if (!host_ok) {
            ok = 0;
            continue;
        }
        /* /proc/uptime: "<seconds up> <idle seconds>"; /proc/loadavg:
         * "<1 min> <5 min> <15 min> <running/total> <last pid>". */
        if (!first_number(uptime, sizeof uptime, text[READ_UPTIME]) ||
            !first_number(load, sizeof load, text[READ_LOADAVG])) {
            fprintf(stderr, EXAMPLE_NAME ": %s: unexpected uptime '%s' or load '%s'\n", args.targets[h],
                    text[READ_UPTIME], text[READ_LOADAVG]);
            ok = 0;
            continue;
        }
        printf("%s  hostname=%s  uptime=%ss  load=%s\n", args.targets[h], text[READ_HOSTNAME], uptime, load);
    }

out:
    for (h = 0; h < MAX_HOSTS; h++) {
        for (c = 0; c < N_READS; c++) otto_op_free(ops[h][c].op);
    }
    for (h = 0; h < args.count; h++) otto_host_free(hosts[h]);
    otto_context_free(ctx);
    if (ok) printf(EXAMPLE_NAME ": OK\n");
    else fprintf(stderr, EXAMPLE_NAME ": FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
