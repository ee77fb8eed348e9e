/*
 * run_list.c - run a list of commands in order and inspect every result.
 *
 * Mirrors "Running multiple commands sequentially" of the async patterns:
 *
 *     result = asyncio.run(host.run(["echo first", "echo second"]))
 *     result.status                                -> Status.Success
 *     [cs.output.strip() for cs in result.statuses] -> ['first', 'second']
 *
 * A list gives back one run result: an aggregate status (the first non-ok
 * status of the list, or Success) plus one command result per command. A
 * command that fails does not stop the list; the second part shows that.
 *
 * Exits 0 only when everything shown held.
 */
#define EXAMPLE_NAME "run_list"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"

/* What one command of a list is expected to give. */
struct expected {
    const char *command;
    int32_t status; /* OTTO_STATUS_* */
    int32_t retcode;
    const char *output; /* after stripping trailing whitespace */
};

/*
 * Runs the `n` commands of `want` as one list on the host's default session,
 * prints the aggregate status and every result, and checks them against
 * `want` and `want_status`. Returns 1 when everything matched.
 */
static int run_list_and_check(otto_host *host, const struct expected *want, size_t n, int32_t want_status) {
    otto_commands *commands = NULL;
    otto_op *op = NULL;
    const otto_run_result *result;
    int32_t status;
    size_t i, count;
    int rc, ok = 0;

    /* Build the list. It is copied when the op is submitted. */
    rc = otto_commands_new(&commands);
    if (rc != OTTO_OK) {
        fail_call("otto_commands_new", rc);
        return 0;
    }
    for (i = 0; i < n; i++) {
        rc = otto_commands_add(NULL, commands, want[i].command);
        if (rc != OTTO_OK) {
            fail_call("otto_commands_add", rc);
            goto out;
        }
    }

    /* Submit the whole list, then wait for it like for any other op. */
    rc = otto_host_run_commands(&op, host, commands, NULL, NULL, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_host_run_commands", rc);
        goto out;
    }
    rc = otto_op_wait(op, WAIT_MS);
    if (rc != OTTO_OK) {
        fprintf(stderr, "run_list: waiting for the list: %s\n", otto_strerror(rc));
        goto out;
    }
    rc = otto_op_error(op);
    if (rc != OTTO_OK) {
        fprintf(stderr, "run_list: the list failed: %s (%s)\n", otto_strerror(rc), otto_op_error_message(op));
        goto out;
    }

    result = otto_op_run_result(op);
    if (result == NULL) {
        fprintf(stderr, "run_list: the op has no run result\n");
        goto out;
    }
    status = otto_run_result_status(result);
    count = otto_run_result_count(result);
    printf("aggregate status: %s, %zu results\n", otto_status_name(status), count);

    ok = 1;
    if (status != want_status) {
        fprintf(stderr, "run_list: aggregate status %s, expected %s\n", otto_status_name(status),
                otto_status_name(want_status));
        ok = 0;
    }
    if (count != n) {
        fprintf(stderr, "run_list: %zu results, expected %zu\n", count, n);
        ok = 0;
    }

    /* One result per command, in list order. */
    for (i = 0; i < count && i < n; i++) {
        const otto_cmd_result *cs = otto_run_result_get(result, i);
        const char *output;
        size_t len = 0;
        char text[256];
        int32_t cs_status, retcode;

        if (cs == NULL) {
            fprintf(stderr, "run_list: result %zu is missing\n", i);
            ok = 0;
            continue;
        }
        cs_status = otto_cmd_result_status(cs);
        retcode = otto_cmd_result_retcode(cs);
        output = otto_cmd_result_output(cs, &len);
        rstrip_copy(text, sizeof text, output, len);
        printf("  [%zu] %-14s status=%-7s retcode=%d output='%s'\n", i, otto_cmd_result_command(cs),
               otto_status_name(cs_status), (int)retcode, text);

        if (strcmp(otto_cmd_result_command(cs), want[i].command) != 0 || cs_status != want[i].status ||
            retcode != want[i].retcode || strcmp(text, want[i].output) != 0) {
            fprintf(stderr, "run_list: result %zu: expected '%s' status=%s retcode=%d output='%s'\n", i,
                    want[i].command, otto_status_name(want[i].status), (int)want[i].retcode, want[i].output);
            ok = 0;
        }
    }
out:
    otto_op_free(op);
    otto_commands_free(commands);
    return ok;
}

int main(void) {
    /* The reference list: both commands succeed. */
    static const struct expected both_succeed[] = {
        {"echo first", OTTO_STATUS_SUCCESS, 0, "first"},
        {"echo second", OTTO_STATUS_SUCCESS, 0, "second"},
    };
    /* The middle command exits 3 (in a subshell, so the session's shell
     * survives): its result is Failed with the exact exit code, the list
     * goes on, and the aggregate status is that first non-ok status. */
    static const struct expected one_fails[] = {
        {"echo before", OTTO_STATUS_SUCCESS, 0, "before"},
        {"(exit 3)", OTTO_STATUS_FAILED, 3, ""},
        {"echo after", OTTO_STATUS_SUCCESS, 0, "after"},
    };
    otto_context *ctx = NULL;
    otto_host *host = NULL;
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

    printf("-- a list that succeeds\n");
    if (!run_list_and_check(host, both_succeed, sizeof both_succeed / sizeof both_succeed[0], OTTO_STATUS_SUCCESS))
        goto out;

    printf("-- a failing command does not stop the list\n");
    if (!run_list_and_check(host, one_fails, sizeof one_fails / sizeof one_fails[0], OTTO_STATUS_FAILED)) goto out;

    ok = 1;
out:
    otto_host_free(host);
    otto_context_free(ctx);
    if (ok) printf("run_list: OK\n");
    else fprintf(stderr, "run_list: FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
