/*
 * lab_do_for_all_hosts.c - reference 000, do_for_all_hosts: any operation
 * per host, chosen by a function of the caller's that receives the host and
 * returns the op it started. One host failing (here: on purpose) touches no
 * other; the result maps every host to its op or its error.
 *
 *   lab_do_for_all_hosts LAB_DIR      (the directory holding lab "demo")
 */
#define EXAMPLE_NAME "lab_do_for_all_hosts"
#include "lab_support.h"

/* A two-step workflow per host: SSH hosts get a one-shot (stdout and stderr
 * apart), consoles a command list in their shell; "ssh2" is refused, as a
 * host that is busy elsewhere would be. */
static int start_check(otto_op **out, otto_host *host, void *user_data) {
    otto_commands *steps = user_data;

    if (strcmp(otto_host_id(host), "ssh2") == 0) return OTTO_EBUSY;
    if (otto_host_kind(host) == OTTO_HOST_SSH)
        return otto_host_oneshot(out, host, "test -d / && echo root-ok", NULL, NULL, NULL);
    return otto_host_run_commands(out, host, steps, NULL, NULL, NULL);
}

int main(int argc, char **argv) {
    otto_context *ctx;
    otto_commands *steps = NULL;
    otto_op *op = NULL;
    const otto_fanout_result *r;
    int failures = 0, refused = 0, rc;
    size_t i;

    if (argc != 2) {
        fprintf(stderr, "usage: %s LAB_DIR\n", argv[0]);
        return 2;
    }
    /* Loop dispatch: start_check runs on otto's loop thread, so the plain
     * otto_op_wait below is all the program does while it waits. */
    ctx = open_lab("demo", argv[1], OTTO_DISPATCH_LOOP);
    if (ctx == NULL) return 1;
    otto_commands_new(&steps);
    otto_commands_add(NULL, steps, "test -d /");
    otto_commands_add(NULL, steps, "echo root-ok");

    rc = otto_context_do_for_hosts(&op, ctx, start_check, steps, NULL, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("do_for_hosts", rc), 1;
    if (!wait_ok(op, "the fan-out")) return 1;
    r = otto_op_fanout_result(op);
    for (i = 0; i < otto_fanout_result_count(r); i++) {
        otto_op *host_op = otto_fanout_result_op(r, i);
        const char *host = otto_fanout_result_host(r, i);
        char line[256];

        if (otto_op_error(host_op) != OTTO_OK) {
            printf("  %s: failed - %s\n", host, otto_strerror(otto_op_error(host_op)));
            if (strcmp(host, "ssh2") == 0 && otto_op_error(host_op) == OTTO_EBUSY) refused++;
            else failures++;
            continue;
        }
        /* The one-shot's output, or the last command's. */
        if (otto_op_kind(host_op) == OTTO_OP_ONESHOT) {
            first_output(line, sizeof line, host_op);
        } else {
            const otto_run_result *run = otto_op_run_result(host_op);
            const otto_cmd_result *last = otto_run_result_get(run, otto_run_result_count(run) - 1);
            size_t len = 0;
            const char *out = otto_cmd_result_output(last, &len);
            rstrip_copy(line, sizeof line, out, len);
        }
        printf("  %s: %s (%s)\n", host, line, otto_op_kind(host_op) == OTTO_OP_ONESHOT ? "one-shot" : "shell");
        if (strcmp(line, "root-ok") != 0) failures++;
    }
    printf("worst status: %s\n", otto_status_name(otto_fanout_result_status(r)));
    otto_op_free(op);
    otto_commands_free(steps);
    otto_context_free(ctx);
    if (refused != 1) fprintf(stderr, EXAMPLE_NAME ": ssh2's own failure did not show\n");
    return failures == 0 && refused == 1 ? 0 : 1;
}
