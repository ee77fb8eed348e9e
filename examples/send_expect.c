/*
 * send_expect.c - drive an interactive program with send and expect.
 *
 * Mirrors "Send and expect", driving a Python REPL in the host's default
 * session:
 *
 *     await host.send("python3 -i -c ''\n")
 *     await host.expect(r">>> ", timeout=5.0)
 *     await host.send("print('otto_test')\n")
 *     output = await host.expect(r">>> ", timeout=5.0)
 *     assert "otto_test" in output
 *     await host.send("exit()\n")
 *
 * send writes raw bytes to the session (no newline is added); expect waits
 * until a PCRE2 pattern appears in the session's output and gives back the
 * bytes up to and including the match. Once the REPL has exited, the same
 * default session runs ordinary commands again, shown with `echo back`.
 *
 * Exits 0 only when the REPL answered as expected and the session was usable
 * afterwards.
 */
#define EXAMPLE_NAME "send_expect"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"

/* The expect timeout of the reference, in seconds. */
#define EXPECT_TIMEOUT 5.0

/* Sends the NUL-terminated `text` to the default session and waits. */
static int send_text(otto_host *host, const char *text) {
    otto_op *op = NULL;
    int rc, ok;

    rc = otto_host_send(&op, host, text, strlen(text), NULL, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_host_send", rc);
        return 0;
    }
    ok = wait_ok(op, "send");
    otto_op_free(op);
    return ok;
}

/*
 * Waits for `pattern` in the default session's output. On success `*out`
 * receives the finished op, whose otto_op_expect_match() holds the bytes up
 * to and including the match; free it with otto_op_free().
 */
static int expect(otto_op **out, otto_host *host, const char *pattern) {
    otto_op *op = NULL;
    int rc;

    *out = NULL;
    rc = otto_host_expect(&op, host, pattern, EXPECT_TIMEOUT, NULL, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_host_expect", rc);
        return 0;
    }
    if (!wait_ok(op, "expect")) {
        otto_op_free(op);
        return 0;
    }
    *out = op;
    return 1;
}

/* 1 when one of the lines in the `len` bytes at `data` is exactly `line`
 * (a trailing '\r' of a terminal line ending is ignored). */
static int has_line(const char *data, size_t len, const char *line) {
    size_t n = strlen(line), start = 0, end;

    while (start < len) {
        for (end = start; end < len && data[end] != '\n'; end++)
            ;
        if (end == len) break; /* the unterminated tail (the prompt) is not a line */
        {
            size_t line_len = end - start;
            if (line_len > 0 && data[end - 1] == '\r') line_len--;
            if (line_len == n && memcmp(data + start, line, n) == 0) return 1;
        }
        start = end + 1;
    }
    return 0;
}

/* 1 when `needle` occurs in the `len` bytes at `hay` (which may hold NULs). */
static int contains(const char *hay, size_t len, const char *needle) {
    size_t n = strlen(needle), i;

    for (i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(hay + i, needle, n) == 0) return 1;
    }
    return 0;
}

/* Prints `len` bytes with control characters escaped, for readability. */
static void print_escaped(const char *label, const char *data, size_t len) {
    size_t i;

    printf("%s: '", label);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n') fputs("\\n", stdout);
        else if (c == '\r') fputs("\\r", stdout);
        else if (c < 0x20 || c == 0x7f) printf("\\x%02x", c);
        else putchar(c);
    }
    printf("'\n");
}

int main(void) {
    otto_context *ctx = NULL;
    otto_host *host = NULL;
    otto_op *op = NULL;
    const char *match;
    size_t len = 0;
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

    /* Start the REPL in the default session and wait for its first prompt. */
    if (!send_text(host, "python3 -i -c ''\n") || !expect(&op, host, ">>> ")) goto out;
    match = otto_op_expect_match(op, &len);
    print_escaped("first prompt", match, len);
    otto_op_free(op);
    op = NULL;

    /* Ask it to print something; everything up to the next prompt comes
     * back as the match. */
    if (!send_text(host, "print('otto_test')\n") || !expect(&op, host, ">>> ")) goto out;
    match = otto_op_expect_match(op, &len);
    print_escaped("after print", match, len);
    if (match == NULL || !contains(match, len, "otto_test")) {
        fprintf(stderr, "send_expect: 'otto_test' is not in the match\n");
        goto out;
    }
    /* Should the terminal echo the line we sent, that echo would contain
     * "otto_test" too; make sure Python's own output line is there. */
    if (!has_line(match, len, "otto_test")) {
        fprintf(stderr, "send_expect: Python's output line 'otto_test' is missing\n");
        goto out;
    }
    otto_op_free(op);
    op = NULL;

    /* Leave the REPL: the default session's shell is back in charge. */
    if (!send_text(host, "exit()\n")) goto out;

    /* The same session runs ordinary commands again. */
    {
        const otto_cmd_result *res;
        const char *output;

        rc = otto_host_run(&op, host, "echo back", NULL, NULL, NULL);
        if (rc != OTTO_OK) {
            fail_call("otto_host_run", rc);
            goto out;
        }
        if (!wait_ok(op, "echo back")) goto out;
        res = otto_op_cmd_result(op);
        if (res == NULL) {
            fprintf(stderr, "send_expect: 'echo back' has no single result\n");
            goto out;
        }
        output = otto_cmd_result_output(res, &len);
        printf("echo back: status=%s retcode=%d\n", otto_status_name(otto_cmd_result_status(res)),
               (int)otto_cmd_result_retcode(res));
        print_escaped("echo back output", output, len);
        while (len > 0 && (output[len - 1] == '\n' || output[len - 1] == '\r')) len--;
        if (otto_cmd_result_status(res) != OTTO_STATUS_SUCCESS || len != 4 || memcmp(output, "back", 4) != 0) {
            fprintf(stderr, "send_expect: 'echo back' did not print 'back'\n");
            goto out;
        }
    }

    ok = 1;
out:
    otto_op_free(op);
    otto_host_free(host);
    otto_context_free(ctx);
    if (ok) printf("send_expect: OK\n");
    else fprintf(stderr, "send_expect: FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
