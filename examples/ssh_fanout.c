/*
 * ssh_fanout.c - the same command on every SSH host at once, with each
 * host's failure kept to that host.
 *
 * Mirrors "Fan-out: same command on every host" and "Error isolation per
 * host":
 *
 *     HOSTS = ["web1", "web2", "web3", "broken-host"]
 *     results = await asyncio.gather(
 *         *[uname(h) for h in HOSTS], return_exceptions=True)
 *     for host, result in zip(HOSTS, results):
 *         if isinstance(result, BaseException):
 *             print(f"{host}: ERROR - {result}")
 *         else:
 *             print(f"{host}: {result.strip()}")
 *
 * Usage: ssh_fanout [--user NAME] [--key FILE] [--known-hosts FILE]
 *                   HOST:PORT...   (see ssh_support.h)
 *
 * Besides the hosts given, the example adds one deliberately dead host:
 * 127.0.0.1 port 1, where nothing listens, so connecting is refused.
 *
 * One `uname -a` one-shot is submitted per host without waiting in between:
 * every host connects and runs its command at the same time, all from
 * otto's one loop thread. The ops go without a completion callback, so each
 * lands in the context's completion queue when it finishes, and
 * otto_context_next_completion() gathers them in completion order. The
 * results are then printed in host order, like asyncio.gather.
 *
 * Error isolation needs nothing special: a host that cannot be reached
 * gives its own op an Error result naming the cause, and no other host's op
 * notices. (Whether an op fails outright, otto_op_error(), or completes with
 * an Error result, the example reports both as that host's error.)
 *
 * Exits 0 only when every given host answered `uname -a` successfully and
 * the dead host, and only it, failed.
 */
#define EXAMPLE_NAME "ssh_fanout"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_support.h"

/* Nothing listens on TCP port 1 of the loopback address: the connection is
 * refused at once. */
#define DEAD_HOST "127.0.0.1:1"

#define COMMAND "uname -a"

/* Describes how the op of one host ended: 1 with its output in `text` when
 * the command succeeded, else 0 with the reason in `text`. */
static int host_outcome(otto_op *op, char *text, size_t cap) {
    const otto_cmd_result *res;
    const char *output;
    size_t len = 0;
    int rc = otto_op_error(op);

    if (rc != OTTO_OK) {
        /* The op itself failed (for instance canceled). */
        snprintf(text, cap, "%s (%s)", otto_strerror(rc), otto_op_error_message(op));
        return 0;
    }
    res = otto_op_cmd_result(op);
    if (res == NULL) {
        snprintf(text, cap, "no result");
        return 0;
    }
    output = otto_cmd_result_output(res, &len);
    if (otto_cmd_result_status(res) == OTTO_STATUS_SUCCESS) {
        rstrip_copy(text, cap, output, len);
        return 1;
    }
    if (otto_cmd_result_status(res) == OTTO_STATUS_FAILED) {
        /* It ran and exited non-zero: say with which code. */
        int n = snprintf(text, cap, "exit code %d: ", (int)otto_cmd_result_retcode(res));

        if (n > 0 && (size_t)n < cap) rstrip_copy(text + n, cap - (size_t)n, output, len);
    } else {
        /* An Error result (could not connect, timed out, connection lost)
         * says why in its output. */
        rstrip_copy(text, cap, output, len);
    }
    return 0;
}

int main(int argc, char **argv) {
    ssh_args args;
    const char *targets[MAX_HOSTS + 1];
    otto_context *ctx = NULL;
    otto_host *hosts[MAX_HOSTS + 1] = {NULL};
    otto_op *ops[MAX_HOSTS + 1] = {NULL};
    int done[MAX_HOSTS + 1] = {0};
    size_t n_hosts, dead, submitted = 0, gathered = 0, i;
    int rc, ok = 0;

    if (!parse_ssh_args(&args, argc, argv)) return EXIT_FAILURE;

    /* The hosts given, then the dead one. */
    for (i = 0; i < args.count; i++) targets[i] = args.targets[i];
    dead = args.count;
    targets[dead] = DEAD_HOST;
    n_hosts = args.count + 1;

    rc = otto_context_new(&ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_context_new", rc);
        return EXIT_FAILURE;
    }
    for (i = 0; i < n_hosts; i++) {
        if (!new_ssh_host(&hosts[i], ctx, &args, targets[i])) goto out;
    }

    /* Fan out: one one-shot per host, all submitted before any is waited
     * for. Each call returns at once; the hosts connect concurrently. */
    for (i = 0; i < n_hosts; i++) {
        rc = otto_host_oneshot(&ops[i], hosts[i], COMMAND, NULL, NULL, NULL);
        if (rc != OTTO_OK) {
            fail_call("otto_host_oneshot", rc);
            goto out;
        }
        submitted++;
    }

    /* Gather: take finished ops off the completion queue until every host
     * has answered. The op handed out is one of ours; find whose it is. */
    while (gathered < submitted) {
        otto_op *op = NULL;

        rc = otto_context_next_completion(&op, ctx, WAIT_MS);
        if (rc != OTTO_OK) {
            fprintf(stderr, EXAMPLE_NAME ": waiting for a completion: %s (%s)\n", otto_strerror(rc),
                    otto_last_error_message());
            goto out;
        }
        for (i = 0; i < submitted; i++) {
            if (ops[i] == op) break;
        }
        if (i == submitted || done[i]) {
            fprintf(stderr, EXAMPLE_NAME ": unexpected op from the completion queue\n");
            goto out;
        }
        done[i] = 1;
        gathered++;
    }

    /* Report in host order: the output, or the error of that host alone. */
    ok = 1;
    for (i = 0; i < n_hosts; i++) {
        char text[1024];
        int succeeded = host_outcome(ops[i], text, sizeof text);

        if (succeeded) printf("%s: %s\n", targets[i], text);
        else printf("%s: ERROR - %s\n", targets[i], text);

        if (i == dead) {
            if (succeeded) {
                fprintf(stderr, EXAMPLE_NAME ": the dead host %s answered\n", targets[i]);
                ok = 0;
            }
        } else if (!succeeded) {
            fprintf(stderr, EXAMPLE_NAME ": %s failed\n", targets[i]);
            ok = 0;
        } else if (text[0] == '\0') {
            fprintf(stderr, EXAMPLE_NAME ": %s printed nothing\n", targets[i]);
            ok = 0;
        }
    }

out:
    for (i = 0; i < n_hosts; i++) otto_op_free(ops[i]);
    for (i = 0; i < n_hosts; i++) otto_host_free(hosts[i]);
    otto_context_free(ctx);
    if (ok) printf(EXAMPLE_NAME ": OK\n");
    else fprintf(stderr, EXAMPLE_NAME ": FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
