/*
 * example_support.h - the few helpers every example shares: reporting a
 * failed call, waiting for an op with a hang guard, and trimming output.
 * Each example defines EXAMPLE_NAME (used as the message prefix) before
 * including this header.
 */
#ifndef OTTO_EXAMPLE_SUPPORT_H
#define OTTO_EXAMPLE_SUPPORT_H

#include <otto.h>
#include <stdio.h>
#include <string.h>

#ifndef EXAMPLE_NAME
#error "define EXAMPLE_NAME before including example_support.h"
#endif

/* Generous bound on each wait: only there so a hang becomes a clear failure.
 * An example may set its own before including this header. */
#ifndef WAIT_MS
#define WAIT_MS 30000
#endif

/* Reports a failed synchronous call (its explanation is per thread).
 * Returns 0 so that callers can `return fail_call(...)`. */
static inline int fail_call(const char *what, int rc) {
    fprintf(stderr, EXAMPLE_NAME ": %s failed: %s (%s)\n", what, otto_strerror(rc), otto_last_error_message());
    return 0;
}

/* Waits for `op` and checks that it did not fail. Returns 1 when it did not. */
static inline int wait_ok(otto_op *op, const char *what) {
    int rc = otto_op_wait(op, WAIT_MS);

    if (rc != OTTO_OK) {
        fprintf(stderr, EXAMPLE_NAME ": waiting for %s: %s\n", what, otto_strerror(rc));
        return 0;
    }
    rc = otto_op_error(op);
    if (rc != OTTO_OK) {
        fprintf(stderr, EXAMPLE_NAME ": %s failed: %s (%s)\n", what, otto_strerror(rc), otto_op_error_message(op));
        return 0;
    }
    return 1;
}

/* Copies the output without trailing whitespace, like Python's rstrip(). */
static inline void rstrip_copy(char *dst, size_t cap, const char *src, size_t len) {
    while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r' || src[len - 1] == ' ' || src[len - 1] == '\t'))
        len--;
    if (len >= cap) len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

#endif
