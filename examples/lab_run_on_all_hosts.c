/*
 * lab_run_on_all_hosts.c - reference 000, run_on_all_hosts: one command, or
 * a list, on every host of the lab (or those whose id matches a regex),
 * concurrently or serially, with each host's result or error in a map.
 *
 *   lab_run_on_all_hosts LAB_DIR      (the directory holding lab "demo")
 */
#define EXAMPLE_NAME "lab_run_on_all_hosts"
#include "lab_support.h"

/* Prints "host: output" or "host: ERROR - why" for every host; returns how
 * many hosts did not succeed. */
static int report(otto_op *fanout) {
    const otto_fanout_result *r = otto_op_fanout_result(fanout);
    int not_ok = 0;
    size_t i;

    for (i = 0; i < otto_fanout_result_count(r); i++) {
        otto_op *op = otto_fanout_result_op(r, i);
        const char *host = otto_fanout_result_host(r, i);
        char line[256];

        if (otto_op_error(op) != OTTO_OK) {
            printf("  %s: ERROR - %s\n", host, otto_op_error_message(op));
            not_ok++;
            continue;
        }
        first_output(line, sizeof line, op);
        printf("  %s: %s (%s)\n", host, line, otto_status_name(otto_fanout_result_host_status(r, i)));
        if (!otto_status_is_ok(otto_fanout_result_host_status(r, i))) not_ok++;
    }
    return not_ok;
}

int main(int argc, char **argv) {
    otto_context *ctx;
    otto_fanout_opts *routers = NULL, *serial = NULL;
    otto_commands *list = NULL;
    otto_op *op = NULL;
    int failures = 0, rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s LAB_DIR\n", argv[0]);
        return 2;
    }
    ctx = open_lab("demo", argv[1], OTTO_DISPATCH_APP);
    if (ctx == NULL) return 1;

    /* run_on_all_hosts("uname -s"): every host but the local one. */
    puts("uname -s on every host, concurrently:");
    rc = otto_context_run_on_hosts(&op, ctx, "uname -s", NULL, NULL, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("run_on_hosts", rc), 1;
    if (!wait_ok(op, "the fan-out")) return 1;
    failures += report(op);
    otto_op_free(op);

    /* pattern=re.compile("ssh"), a list of commands. */
    puts("a list on the hosts matching /ssh/:");
    otto_fanout_opts_new(&routers);
    otto_fanout_opts_set_hosts(routers, "ssh");
    otto_commands_new(&list);
    otto_commands_add(NULL, list, "cd /");
    otto_commands_add(NULL, list, "echo \"$(id -un) in $(pwd)\"");
    rc = otto_context_run_commands_on_hosts(&op, ctx, list, NULL, routers, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("run_commands_on_hosts", rc), 1;
    if (!wait_ok(op, "the fan-out")) return 1;
    {
        /* The last command's output of each host. */
        const otto_fanout_result *r = otto_op_fanout_result(op);
        size_t i;
        for (i = 0; i < otto_fanout_result_count(r); i++) {
            const otto_run_result *run = otto_op_run_result(otto_fanout_result_op(r, i));
            const otto_cmd_result *last = run != NULL ? otto_run_result_get(run, otto_run_result_count(run) - 1) : NULL;
            char line[256] = "";
            if (last != NULL) {
                size_t len = 0;
                const char *out = otto_cmd_result_output(last, &len);
                rstrip_copy(line, sizeof line, out, len);
            }
            printf("  %s: %s\n", otto_fanout_result_host(r, i), line);
            if (run == NULL || !otto_status_is_ok(otto_run_result_status(run))) failures++;
        }
    }
    otto_op_free(op);

    /* concurrent=False, and the local host included. */
    puts("serially, the local host included:");
    otto_fanout_opts_new(&serial);
    otto_fanout_opts_set_serial(serial, 1);
    otto_fanout_opts_set_include_local(serial, 1);
    rc = otto_context_run_on_hosts(&op, ctx, "echo ok", NULL, serial, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("run_on_hosts", rc), 1;
    if (!wait_ok(op, "the fan-out")) return 1;
    failures += report(op);
    otto_op_free(op);

    otto_commands_free(list);
    otto_fanout_opts_free(routers);
    otto_fanout_opts_free(serial);
    otto_context_free(ctx);
    if (failures != 0) fprintf(stderr, EXAMPLE_NAME ": %d host results were not ok\n", failures);
    return failures == 0 ? 0 : 1;
}
