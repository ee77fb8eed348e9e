/*
 * lab_context_lifetimes.c - reference 002: a context opened on a lab hands
 * out its hosts by id, and every host it handed out is closed when it
 * closes. The three ways to manage a host's life inside it:
 *   (a) tight scoping: get it, use it, close it;
 *   (b) pass it around and let the context close it;
 *   (c) close it early, explicitly; close is idempotent.
 * A host created directly, outside the lab, is the caller's to free.
 *
 *   lab_context_lifetimes LAB_DIR      (the directory holding lab "demo")
 */
#define EXAMPLE_NAME "lab_context_lifetimes"
#include "lab_support.h"

static int run_and_print(otto_host *host, const char *command) {
    otto_op *op = NULL;
    char line[256];
    int rc = otto_host_run(&op, host, command, NULL, NULL, NULL);

    if (rc != OTTO_OK) return fail_call(command, rc);
    if (!wait_ok(op, command)) {
        otto_op_free(op);
        return 0;
    }
    first_output(line, sizeof line, op);
    printf("  %s: %s -> %s\n", otto_host_id(host), command, line);
    rc = otto_status_is_ok(otto_run_result_status(otto_op_run_result(op)));
    otto_op_free(op);
    return rc;
}

static int close_host(otto_host *host) {
    otto_op *op = NULL;
    int rc = otto_host_close(&op, host, NULL, NULL);
    int ok = rc == OTTO_OK && wait_ok(op, "closing");

    otto_op_free(op);
    return ok;
}

/* (b): a helper that receives the host and never closes it. */
static int configure(otto_host *host) { return run_and_print(host, "cd /tmp && pwd"); }

int main(int argc, char **argv) {
    otto_context *ctx;
    otto_host *a = NULL, *b = NULL, *c = NULL, *again = NULL, *own = NULL;
    size_t i;
    int ok = 1, rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s LAB_DIR\n", argv[0]);
        return 2;
    }
    ctx = open_lab("demo", argv[1], OTTO_DISPATCH_APP);
    if (ctx == NULL) return 1;
    printf("lab %s:", otto_context_lab_name(ctx));
    for (i = 0; i < otto_context_host_count(ctx); i++) printf(" %s", otto_context_host_id(ctx, i));
    printf("\n");

    /* An unknown id is an error that lists the known ones. */
    rc = otto_context_get_host(&a, ctx, "router1");
    printf("get router1: %s\n  %s\n", otto_strerror(rc), otto_last_error_message());
    ok &= rc == OTTO_ENOTFOUND;

    /* (a) tight scoping. */
    puts("(a) tight scoping");
    ok &= otto_context_get_host(&a, ctx, "ssh0") == OTTO_OK;
    ok &= a != NULL && run_and_print(a, "echo show version");
    ok &= a != NULL && close_host(a);

    /* (b) passed around; the context closes it at the end. */
    puts("(b) left to the context");
    ok &= otto_context_get_host(&b, ctx, "ssh1") == OTTO_OK;
    ok &= b != NULL && configure(b);
    ok &= b != NULL && run_and_print(b, "pwd"); /* the same shell: still in /tmp */

    /* (c) explicit early close, twice: the second is a no-op. */
    puts("(c) explicit close");
    ok &= otto_context_get_host(&c, ctx, "ssh2") == OTTO_OK;
    ok &= c != NULL && run_and_print(c, "echo reboot would go here");
    ok &= c != NULL && close_host(c) && close_host(c);
    /* A later get gives a fresh host for the same entry. */
    ok &= otto_context_get_host(&again, ctx, "ssh2") == OTTO_OK && again != c;
    ok &= again != NULL && run_and_print(again, "echo fresh connection");

    /* The FD model: a host made directly is the caller's own. */
    puts("a host of one's own");
    ok &= otto_host_new_local(&own, ctx, NULL) == OTTO_OK;
    ok &= own != NULL && run_and_print(own, "echo mine to free");
    otto_host_free(own);

    /* Closes b, again and every other host handed out. */
    ok &= otto_context_free(ctx) == OTTO_OK;
    return ok ? 0 : 1;
}
