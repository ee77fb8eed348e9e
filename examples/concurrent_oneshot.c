/*
 * concurrent_oneshot.c - run independent commands concurrently and gather
 * their results.
 *
 * Mirrors "Running commands concurrently with asyncio.gather":
 *
 *     results = await asyncio.gather(
 *         host.oneshot("echo one"),
 *         host.oneshot("echo two"),
 *         host.oneshot("echo three"))
 *     [r.output.strip() for r in results]   -> ['one', 'two', 'three']
 *
 * Unlike a run, each one-shot is a fresh process sharing no state, so
 * one-shots on one host run at the same time.
 *
 * Gathering uses the context's completion queue: every op submitted without
 * a completion callback lands there when it finishes, and
 * otto_context_next_completion() hands them out in completion order. The
 * application's thread never blocks on one particular op, and it could just
 * as well poll otto_context_notify_fd() from its own event loop. Like
 * asyncio.gather, the results are then reported in submission order.
 *
 * Exits 0 only when every one-shot succeeded with the expected output.
 */
#define EXAMPLE_NAME "concurrent_oneshot"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"

#define N_ONESHOTS 3

int main(void) {
    static const char *const commands[N_ONESHOTS] = {"echo one", "echo two", "echo three"};
    static const char *const expected[N_ONESHOTS] = {"one", "two", "three"};
    otto_context *ctx = NULL;
    otto_host *host = NULL;
    otto_op *ops[N_ONESHOTS] = {NULL, NULL, NULL};
    int done[N_ONESHOTS] = {0, 0, 0};
    size_t submitted = 0, gathered = 0, i;
    int rc, ok = 0;

    rc = otto_context_new(&ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_context_new", rc);
        return EXIT_FAILURE;
    }
    rc = otto_host_new_local(&host, ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_host_new_local", rc);
        goto out;
    }

    /* Submit all three at once. No callback: each op goes to the completion
     * queue when it finishes. We keep the ops to match them up later. */
    for (i = 0; i < N_ONESHOTS; i++) {
        rc = otto_host_oneshot(&ops[i], host, commands[i], NULL, NULL, NULL);
        if (rc != OTTO_OK) {
            fail_call("otto_host_oneshot", rc);
            goto out;
        }
        submitted++;
    }

    /* Gather: take finished ops off the queue until all are back. The op
     * handed out is one of ours (no new reference), so find which one. */
    while (gathered < submitted) {
        otto_op *op = NULL;

        rc = otto_context_next_completion(&op, ctx, WAIT_MS);
        if (rc != OTTO_OK) {
            fprintf(stderr, "concurrent_oneshot: waiting for a completion: %s (%s)\n", otto_strerror(rc),
                    otto_last_error_message());
            goto out;
        }
        for (i = 0; i < submitted; i++) {
            if (ops[i] == op) break;
        }
        if (i == submitted || done[i]) {
            fprintf(stderr, "concurrent_oneshot: unexpected op from the completion queue\n");
            goto out;
        }
        done[i] = 1;
        gathered++;
        printf("completed: %s\n", commands[i]);
    }

    /* Report in submission order, like asyncio.gather. */
    ok = 1;
    printf("results:");
    for (i = 0; i < submitted; i++) {
        const otto_cmd_result *res;
        const char *output;
        size_t len = 0;
        char text[256];

        rc = otto_op_error(ops[i]);
        if (rc != OTTO_OK) {
            fprintf(stderr, "\nconcurrent_oneshot: '%s' failed: %s (%s)\n", commands[i], otto_strerror(rc),
                    otto_op_error_message(ops[i]));
            ok = 0;
            continue;
        }
        res = otto_op_cmd_result(ops[i]);
        if (res == NULL) {
            fprintf(stderr, "\nconcurrent_oneshot: '%s' has no result\n", commands[i]);
            ok = 0;
            continue;
        }
        output = otto_cmd_result_output(res, &len);
        rstrip_copy(text, sizeof text, output, len);
        printf(" '%s'", text);
        if (otto_cmd_result_status(res) != OTTO_STATUS_SUCCESS || otto_cmd_result_retcode(res) != 0 ||
            strcmp(text, expected[i]) != 0) {
            fprintf(stderr,
                    "\nconcurrent_oneshot: '%s' gave status=%s retcode=%d output='%s', "
                    "expected Success, 0, '%s'\n",
                    commands[i], otto_status_name(otto_cmd_result_status(res)), (int)otto_cmd_result_retcode(res), text,
                    expected[i]);
            ok = 0;
        }
    }
    printf("\n");

out:
    for (i = 0; i < N_ONESHOTS; i++) otto_op_free(ops[i]);
    otto_host_free(host);
    otto_context_free(ctx);
    if (ok) printf("concurrent_oneshot: OK\n");
    else fprintf(stderr, "concurrent_oneshot: FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
