/*
 * A minimal program built against an installed otto only: runs `echo hello`
 * on the local host and checks the result. Exits 0 on success.
 */
#include <otto.h>
#include <stdio.h>
#include <string.h>

static int check(int rc, const char *what) {
    if (rc != OTTO_OK) {
        fprintf(stderr, "consumer: %s failed: %s (%s)\n", what, otto_strerror(rc), otto_last_error_message());
    }
    return rc == OTTO_OK;
}

int main(void) {
    otto_context *ctx = NULL;
    otto_host *host = NULL;
    otto_op *op = NULL;
    const otto_cmd_result *result = NULL;
    const char *output = NULL;
    size_t len = 0;
    int ok = 0;

    if (!check(otto_version_check(OTTO_VERSION_NUMBER), "otto_version_check")) return 1;
    if (!check(otto_context_new(&ctx, NULL), "otto_context_new")) goto done;
    if (!check(otto_host_new_local(&host, ctx, NULL), "otto_host_new_local")) goto done;
    if (!check(otto_host_run(&op, host, "echo hello", NULL, NULL, NULL), "otto_host_run")) goto done;
    if (!check(otto_op_wait(op, 60000), "otto_op_wait")) goto done;
    if (otto_op_error(op) != OTTO_OK) {
        fprintf(stderr, "consumer: the run failed: %s\n", otto_op_error_message(op));
        goto done;
    }
    result = otto_op_cmd_result(op);
    if (result == NULL) {
        fprintf(stderr, "consumer: the run has no command result\n");
        goto done;
    }
    if (otto_cmd_result_status(result) != OTTO_STATUS_SUCCESS) {
        fprintf(stderr, "consumer: status %s, expected Success\n", otto_status_name(otto_cmd_result_status(result)));
        goto done;
    }
    output = otto_cmd_result_output(result, &len);
    if (len != 5 || memcmp(output, "hello", 5) != 0) {
        fprintf(stderr, "consumer: output \"%.*s\", expected \"hello\"\n", (int)len, output);
        goto done;
    }
    printf("consumer: otto %s ran `echo hello`: %.*s\n", otto_version(NULL, NULL, NULL), (int)len, output);
    ok = 1;

done:
    otto_op_free(op);
    otto_host_free(host);
    if (otto_context_free(ctx) != OTTO_OK) ok = 0;
    return ok ? 0 : 1;
}
