/*
 * repl_conversation.h - the send/expect conversation two examples share:
 * start a Python REPL in a host's default session, have it print a line,
 * leave it, and check that the session runs commands again. The local
 * host (send_expect.c) and a telnet console (telnet_send_expect.c) go
 * through exactly the same steps.
 *
 * Each example defines EXAMPLE_NAME and includes example_support.h first.
 */
#ifndef OTTO_EXAMPLE_REPL_CONVERSATION_H
#define OTTO_EXAMPLE_REPL_CONVERSATION_H

#include <otto.h>
#include <stdio.h>
#include <string.h>

/* The expect timeout of the reference, in seconds. */
#define EXPECT_TIMEOUT 5.0

/* Sends the NUL-terminated `text` to the default session and waits. */
static int send_text(otto_host *host, const char *text) {
    otto_op *op = NULL;
    int rc, ok;

    rc = otto_host_send(&op, host, text, strlen(text), NULL, NULL);
    if (rc != OTTO_OK) return fail_call("otto_host_send", rc);
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
    if (rc != OTTO_OK) return fail_call("otto_host_expect", rc);
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

/* Runs `command` in the default session and checks that it succeeds and
 * prints exactly `expected` (trailing line ends aside). */
static int run_expecting(otto_host *host, const char *command, const char *expected) {
    otto_op *op = NULL;
    const otto_cmd_result *res;
    const char *output;
    size_t len = 0;
    int rc, ok = 0;

    rc = otto_host_run(&op, host, command, NULL, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("otto_host_run", rc);
    if (!wait_ok(op, command)) goto out;
    res = otto_op_cmd_result(op);
    if (res == NULL) {
        fprintf(stderr, EXAMPLE_NAME ": '%s' has no single result\n", command);
        goto out;
    }
    output = otto_cmd_result_output(res, &len);
    printf("%s: status=%s retcode=%d\n", command, otto_status_name(otto_cmd_result_status(res)),
           (int)otto_cmd_result_retcode(res));
    print_escaped("output", output, len);
    while (len > 0 && (output[len - 1] == '\n' || output[len - 1] == '\r')) len--;
    if (otto_cmd_result_status(res) != OTTO_STATUS_SUCCESS || len != strlen(expected) ||
        memcmp(output, expected, len) != 0) {
        fprintf(stderr, EXAMPLE_NAME ": '%s' did not print '%s'\n", command, expected);
        goto out;
    }
    ok = 1;
out:
    otto_op_free(op);
    return ok;
}

/* The conversation itself. Returns 1 when every step held. */
static int drive_python_repl(otto_host *host) {
    otto_op *op = NULL;
    const char *match;
    size_t len = 0;
    int ok = 0;

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
        fprintf(stderr, EXAMPLE_NAME ": 'otto_test' is not in the match\n");
        goto out;
    }
    /* Should the terminal echo the line we sent, that echo would contain
     * "otto_test" too; make sure Python's own output line is there. */
    if (!has_line(match, len, "otto_test")) {
        fprintf(stderr, EXAMPLE_NAME ": Python's output line 'otto_test' is missing\n");
        goto out;
    }

    /* Leave the REPL: the default session's shell is back in charge, and
     * the same session runs ordinary commands again. */
    if (!send_text(host, "exit()\n")) goto out;
    ok = run_expecting(host, "echo back", "back");
out:
    otto_op_free(op);
    return ok;
}

#endif
