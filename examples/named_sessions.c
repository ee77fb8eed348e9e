/*
 * named_sessions.c - two named sessions on one host, each with its own shell
 * state.
 *
 * Mirrors "Named sessions":
 *
 *     s1 = await host.open_session("worker1")
 *     s2 = await host.open_session("worker2")
 *     await s1.run("cd /tmp")
 *     await s2.run("cd /var")
 *     r1 = (await s1.run("pwd")).only
 *     r2 = (await s2.run("pwd")).only
 *     await s1.close()
 *     await s2.close()
 *     -> ('/tmp', '/var')
 *
 * Each named session is its own shell, independent of the default session
 * and of every other named session, so work on different sessions runs in
 * parallel: here both `cd`s, then both `pwd`s, are in flight together.
 *
 * Exits 0 only when each session reports its own directory.
 */
#define EXAMPLE_NAME "named_sessions"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"

/* Opens the named session `name` and takes its handle into `*out`. */
static int open_session(otto_session **out, otto_host *host, const char *name) {
    otto_op *op = NULL;
    int rc, ok = 0;

    rc = otto_host_open_session(&op, host, name, NULL, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_host_open_session", rc);
        return 0;
    }
    if (wait_ok(op, name)) {
        /* A new reference to the session; the op can go. */
        rc = otto_op_take_session(out, op);
        if (rc == OTTO_OK) ok = 1;
        else fail_call("otto_op_take_session", rc);
    }
    otto_op_free(op);
    return ok;
}

/*
 * Runs `commands[i]` on `sessions[i]` for both sessions at once, waits for
 * both, and checks that each succeeded. When `outputs` is not NULL, copies
 * each output (without trailing whitespace) into it.
 */
static int run_on_both(otto_session *const sessions[2], const char *const commands[2], char outputs[2][256]) {
    otto_op *ops[2] = {NULL, NULL};
    size_t i;
    int rc, ok = 1;

    /* Submit on both sessions before waiting on either. */
    for (i = 0; i < 2; i++) {
        rc = otto_session_run(&ops[i], sessions[i], commands[i], NULL, NULL, NULL);
        if (rc != OTTO_OK) {
            fail_call("otto_session_run", rc);
            ok = 0;
            break;
        }
    }
    for (i = 0; ok && i < 2; i++) {
        const otto_cmd_result *res;
        const char *output;
        size_t len = 0;

        if (!wait_ok(ops[i], commands[i])) {
            ok = 0;
            break;
        }
        res = otto_op_cmd_result(ops[i]);
        if (res == NULL) {
            fprintf(stderr, "named_sessions: '%s' has no single result\n", commands[i]);
            ok = 0;
            break;
        }
        output = otto_cmd_result_output(res, &len);
        printf("  %s: %s -> status=%s retcode=%d\n", otto_session_name(sessions[i]), commands[i],
               otto_status_name(otto_cmd_result_status(res)), (int)otto_cmd_result_retcode(res));
        if (otto_cmd_result_status(res) != OTTO_STATUS_SUCCESS) {
            fprintf(stderr, "named_sessions: '%s' did not succeed: '%.*s'\n", commands[i], (int)len, output);
            ok = 0;
            break;
        }
        if (outputs != NULL) {
            while (len > 0 && (output[len - 1] == '\n' || output[len - 1] == '\r')) len--;
            if (len > 255) len = 255;
            memcpy(outputs[i], output, len);
            outputs[i][len] = '\0';
        }
    }
    otto_op_free(ops[0]);
    otto_op_free(ops[1]);
    return ok;
}

int main(void) {
    static const char *const cds[2] = {"cd /tmp", "cd /var"};
    static const char *const pwds[2] = {"pwd", "pwd"};
    otto_context *ctx = NULL;
    otto_host *host = NULL;
    otto_session *sessions[2] = {NULL, NULL};
    char dirs[2][256];
    size_t i;
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

    if (!open_session(&sessions[0], host, "worker1") || !open_session(&sessions[1], host, "worker2")) goto out;
    printf("opened '%s' and '%s'\n", otto_session_name(sessions[0]), otto_session_name(sessions[1]));

    if (!run_on_both(sessions, cds, NULL) || !run_on_both(sessions, pwds, dirs)) goto out;
    printf("('%s', '%s')\n", dirs[0], dirs[1]);
    if (strcmp(dirs[0], "/tmp") != 0 || strcmp(dirs[1], "/var") != 0) {
        fprintf(stderr, "named_sessions: expected ('/tmp', '/var')\n");
        goto out;
    }

    /* Close both sessions (concurrently) and wait until their shells end. */
    {
        otto_op *closes[2] = {NULL, NULL};
        int closed = 1;

        for (i = 0; i < 2; i++) {
            rc = otto_session_close(&closes[i], sessions[i], NULL, NULL);
            if (rc != OTTO_OK) {
                fail_call("otto_session_close", rc);
                closed = 0;
                break;
            }
        }
        for (i = 0; closed && i < 2; i++) {
            if (!wait_ok(closes[i], "closing a session")) closed = 0;
        }
        otto_op_free(closes[0]);
        otto_op_free(closes[1]);
        if (!closed) goto out;
    }
    for (i = 0; i < 2; i++) {
        if (otto_session_is_alive(sessions[i])) {
            fprintf(stderr, "named_sessions: '%s' is still alive after closing\n", otto_session_name(sessions[i]));
            goto out;
        }
    }
    printf("closed both sessions\n");

    ok = 1;
out:
    otto_session_free(sessions[0]);
    otto_session_free(sessions[1]);
    otto_host_free(host);
    otto_context_free(ctx);
    if (ok) printf("named_sessions: OK\n");
    else fprintf(stderr, "named_sessions: FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
