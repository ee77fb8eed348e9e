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
#include "repl_conversation.h"

int main(void) {
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

    ok = drive_python_repl(host);
out:
    otto_host_free(host);
    otto_context_free(ctx);
    if (ok) printf("send_expect: OK\n");
    else fprintf(stderr, "send_expect: FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
