/*
 * run_single.c - run one command on the local host and inspect the result.
 *
 * Mirrors "Running a single command" of the async patterns:
 *
 *     host = LocalHost()
 *     result = asyncio.run(host.run("echo hello")).only
 *     result.status            -> Status.Success
 *     result.output.strip()    -> 'hello'
 *
 * and then shows that run() uses one persistent shell session, so state such
 * as the working directory carries over between calls:
 *
 *     run(host.run("cd /tmp"))
 *     run(host.run("pwd")).only.output.strip()   -> '/tmp'
 *
 * Every op is a future; here each one is simply waited for with
 * otto_op_wait(), the blocking completion style.
 *
 * Exits 0 only when everything shown above held.
 */
#define EXAMPLE_NAME "run_single"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"

/*
 * Runs `command` in the host's persistent shell, waits for it, prints its
 * result and checks that it succeeded with `expected` as its (stripped)
 * output; `expected` NULL means "any output". Returns 1 when all held.
 */
static int run_and_check(otto_host *host, const char *command, const char *expected) {
    otto_op *op = NULL;
    const otto_cmd_result *res;
    const char *output;
    size_t len = 0;
    char text[256];
    int32_t status, retcode;
    int rc, ok = 0;

    /* Submit: returns at once with the op. No callback, so we wait on it. */
    rc = otto_host_run(&op, host, command, NULL, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("otto_host_run", rc);

    rc = otto_op_wait(op, WAIT_MS);
    if (rc != OTTO_OK) {
        fprintf(stderr, "run_single: waiting for '%s': %s\n", command, otto_strerror(rc));
        goto out;
    }
    /* The op itself may have failed (canceled, shell could not start...). */
    rc = otto_op_error(op);
    if (rc != OTTO_OK) {
        fprintf(stderr, "run_single: '%s' failed: %s (%s)\n", command, otto_strerror(rc), otto_op_error_message(op));
        goto out;
    }

    /* A single command: the run result holds exactly one command result,
     * which otto_op_cmd_result() hands out directly (Python's `.only`). */
    res = otto_op_cmd_result(op);
    if (res == NULL) {
        fprintf(stderr, "run_single: '%s' has no single command result\n", command);
        goto out;
    }
    status = otto_cmd_result_status(res);
    retcode = otto_cmd_result_retcode(res);
    output = otto_cmd_result_output(res, &len);
    rstrip_copy(text, sizeof text, output, len);

    printf("%s\n", otto_cmd_result_command(res));
    printf("  status:  %s (%d)\n", otto_status_name(status), (int)status);
    printf("  retcode: %d\n", (int)retcode);
    printf("  output:  '%s'\n", text);

    if (status != OTTO_STATUS_SUCCESS || retcode != 0) {
        fprintf(stderr, "run_single: '%s' did not succeed\n", command);
        goto out;
    }
    if (expected != NULL && strcmp(text, expected) != 0) {
        fprintf(stderr, "run_single: '%s' printed '%s', expected '%s'\n", command, text, expected);
        goto out;
    }
    ok = 1;
out:
    otto_op_free(op);
    return ok;
}

int main(void) {
    otto_context *ctx = NULL;
    otto_host *host = NULL;
    int rc, ok = 0;

    /* The context owns the loop thread that performs all I/O. */
    rc = otto_context_new(&ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_context_new", rc);
        return 1;
    }
    /* The local host: nothing starts until its first op. */
    rc = otto_host_new_local(&host, ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_host_new_local", rc);
        goto out;
    }

    /* Running a single command. */
    if (!run_and_check(host, "echo hello", "hello")) goto out;

    /* The session persists: `cd` in one run is visible to the next one. */
    if (!run_and_check(host, "cd /tmp", NULL)) goto out;
    if (!run_and_check(host, "pwd", "/tmp")) goto out;

    ok = 1;
out:
    /* Closes the host's shell and releases the handle, then stops the loop. */
    otto_host_free(host);
    otto_context_free(ctx);
    if (ok) printf("run_single: OK\n");
    else fprintf(stderr, "run_single: FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
