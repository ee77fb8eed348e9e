/*
 * telnet_send_expect.c - drive a telnet console with send and expect.
 *
 *     telnet_send_expect [--user NAME --password PW] HOST:PORT
 *
 * Routers, switches and boards often offer only a telnet console. otto logs
 * in by its prompts (or not at all, for a console that gives a shell at
 * once), and from then on the console behaves like any other host: the
 * same conversation as send_expect.c drives a Python REPL on it, commands
 * report exact exit codes, and a one-shot keeps stdout and stderr apart
 * although the console is a single terminal.
 *
 * Under CTest the console is the test lab's BusyBox telnetd
 * (examples/lab.cmake picks it). Exits 0 only when every step held.
 */
#define EXAMPLE_NAME "telnet_send_expect"
/* A login over telnet takes a moment, more under valgrind. */
#define WAIT_MS 120000
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"
#include "repl_conversation.h"

static int usage(void) {
    fprintf(stderr, "usage: " EXAMPLE_NAME " [--user NAME --password PW] HOST:PORT\n");
    return EXIT_FAILURE;
}

/* A one-shot runs in a fresh process; its streams come back apart. */
static int oneshot_keeps_streams_apart(otto_host *host) {
    otto_op *op = NULL;
    const otto_cmd_result *res;
    const char *out, *err;
    size_t out_len = 0, err_len = 0;
    int rc, ok = 0;

    rc = otto_host_oneshot(&op, host, "echo to-stdout; echo to-stderr >&2; exit 3", NULL, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("otto_host_oneshot", rc);
    if (!wait_ok(op, "one-shot")) goto out;
    res = otto_op_cmd_result(op);
    out = otto_cmd_result_output(res, &out_len);
    err = otto_cmd_result_stderr(res, &err_len);
    printf("one-shot: retcode=%d\n", (int)otto_cmd_result_retcode(res));
    print_escaped("one-shot stdout", out, out_len);
    print_escaped("one-shot stderr", err, err_len);
    ok = otto_cmd_result_retcode(res) == 3 && out_len == 10 && memcmp(out, "to-stdout\n", 10) == 0 && err_len == 10 &&
         memcmp(err, "to-stderr\n", 10) == 0;
    if (!ok) fprintf(stderr, EXAMPLE_NAME ": the one-shot's streams or exit code are not as sent\n");
out:
    otto_op_free(op);
    return ok;
}

int main(int argc, char **argv) {
    const char *user = NULL, *password = NULL, *target = NULL, *colon;
    char address[256];
    otto_context *ctx = NULL;
    otto_host_opts *opts = NULL;
    otto_host *host = NULL;
    int i, rc, ok = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) user = argv[++i];
        else if (strcmp(argv[i], "--password") == 0 && i + 1 < argc) password = argv[++i];
        else if (target == NULL && argv[i][0] != '-') target = argv[i];
        else return usage();
    }
    colon = target != NULL ? strrchr(target, ':') : NULL;
    if (colon == NULL || (size_t)(colon - target) >= sizeof address || (user == NULL) != (password == NULL))
        return usage();
    memcpy(address, target, (size_t)(colon - target));
    address[colon - target] = '\0';

    rc = otto_context_new(&ctx, NULL);
    if (rc != OTTO_OK) return fail_call("otto_context_new", rc), EXIT_FAILURE;
    if ((rc = otto_host_opts_new(&opts)) != OTTO_OK || (rc = otto_host_opts_set_id(opts, "console")) != OTTO_OK ||
        (rc = otto_host_opts_set_port(opts, atoi(colon + 1))) != OTTO_OK) {
        fail_call("setting the host options", rc);
        goto out;
    }
    if (user != NULL) {
        /* Answer "login:" with the user and "Password:" with the password
         * (the default prompt patterns); both waits are bounded. */
        rc = otto_host_opts_set_password(opts, password);
    } else {
        /* A console that gives a shell at once. */
        rc = otto_host_opts_set_telnet_login(opts, 0);
    }
    if (rc != OTTO_OK) {
        fail_call("setting the login", rc);
        goto out;
    }
    rc = otto_host_new_telnet(&host, ctx, address, user, opts);
    if (rc != OTTO_OK) {
        fail_call("otto_host_new_telnet", rc);
        goto out;
    }

    ok = run_expecting(host, "uname -s", "Linux") && drive_python_repl(host) && oneshot_keeps_streams_apart(host);
out:
    otto_host_free(host);
    otto_host_opts_free(opts);
    otto_context_free(ctx);
    if (ok) printf(EXAMPLE_NAME ": OK\n");
    else fprintf(stderr, EXAMPLE_NAME ": FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
