/*
 * ssh_rounds.c - open every SSH host once, then run several rounds of
 * commands over the same connections.
 *
 * Mirrors "Keep connections open across multiple rounds":
 *
 *     async with AsyncExitStack() as stack:
 *         protos = await asyncio.gather(*[
 *             stack.enter_async_context(await Protocol.from_ssh(h))
 *             for h in HOSTS])
 *         # Round 1 - read hostnames
 *         names = await asyncio.gather(*[
 *             p(FileSystem.read_str, "/etc/hostname") for p in protos])
 *         print("hostnames:", [n.strip() for n in names])
 *         # Round 2 - list log files
 *         logs = await asyncio.gather(*[
 *             p(FileSystem.glob, "/var/log", "*.log") for p in protos])
 *         for host, filelist in zip(HOSTS, logs):
 *             print(f"{host}: {len(filelist)} log files")
 *
 * Usage: ssh_rounds [--user NAME] [--key FILE] [--known-hosts FILE]
 *                   HOST:PORT...   (see ssh_support.h)
 *
 * An otto host keeps its connection and its default session (a persistent
 * shell on that connection) from its first op until it is closed, so
 * "opening" a host is simply running a first cheap command on it. The
 * rounds then run in the same shells.
 *
 * To show that no round reconnected, every round also prints the shell's
 * $SSH_CONNECTION ("client-address client-port server-address
 * server-port"): a new connection would come from a new client port, and a
 * replaced shell would count in otto_host_shell_replacements(). Both must
 * stay as they were when the host was opened.
 *
 * Each round submits one op per host (the round's command, then `echo
 * $SSH_CONNECTION`, as one run list), then gathers by waiting for each op in
 * turn: they all run at the same time, so the round takes as long as its
 * slowest host.
 *
 * Exits 0 only when every command succeeded on every host and no host
 * reconnected or lost its shell.
 */
#define EXAMPLE_NAME "ssh_rounds"
#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_support.h"

/* Prints the connection as the server sees it. */
#define SHOW_CONNECTION "echo \"$SSH_CONNECTION\""

/* The client port of an $SSH_CONNECTION value, or -1. */
static long client_port(const char *ssh_connection) {
    const char *space = strchr(ssh_connection, ' ');
    char *end = NULL;
    long port;

    if (space == NULL) return -1;
    port = strtol(space + 1, &end, 10);
    if (end == space + 1 || *end != ' ' || port < 1 || port > 65535) return -1;
    return port;
}

/* Copies the output of command `index` of a finished run into `text`.
 * Returns 1 when that command succeeded. */
static int command_output(otto_op *op, size_t index, const char *target, char *text, size_t cap) {
    const otto_run_result *run = otto_op_run_result(op);
    const otto_cmd_result *res = run != NULL ? otto_run_result_get(run, index) : NULL;
    const char *output;
    size_t len = 0;

    if (res == NULL) {
        fprintf(stderr, EXAMPLE_NAME ": %s: no result for command %zu\n", target, index);
        return 0;
    }
    output = otto_cmd_result_output(res, &len);
    rstrip_copy(text, cap, output, len);
    if (otto_cmd_result_status(res) != OTTO_STATUS_SUCCESS) {
        fprintf(stderr, EXAMPLE_NAME ": %s: '%s' gave status=%s retcode=%d output='%s'\n", target,
                otto_cmd_result_command(res), otto_status_name(otto_cmd_result_status(res)),
                (int)otto_cmd_result_retcode(res), text);
        return 0;
    }
    return 1;
}

/*
 * One round: runs `command` and then SHOW_CONNECTION in the default session
 * of every host, all hosts at once, and waits for all of them. On success
 * `outputs[h]` holds host h's output of `command` and `ports[h]` its client
 * port. Returns 1 when everything succeeded.
 */
static int run_round(otto_host *const *hosts, const ssh_args *args, const char *command, char outputs[][256],
                     long *ports) {
    otto_commands *list = NULL;
    otto_op *ops[MAX_HOSTS] = {NULL};
    size_t h;
    int rc, ok = 0;

    /* One list, submitted to every host (it is copied at submission). */
    rc = otto_commands_new(&list);
    if (rc != OTTO_OK) return fail_call("otto_commands_new", rc);
    if ((rc = otto_commands_add(NULL, list, command)) != OTTO_OK ||
        (rc = otto_commands_add(NULL, list, SHOW_CONNECTION)) != OTTO_OK) {
        fail_call("otto_commands_add", rc);
        goto out;
    }

    /* Fan out: submit to every host before waiting for any. */
    for (h = 0; h < args->count; h++) {
        rc = otto_host_run_commands(&ops[h], hosts[h], list, NULL, NULL, NULL);
        if (rc != OTTO_OK) {
            fail_call("otto_host_run_commands", rc);
            goto out;
        }
    }

    /* Gather: wait for each; they run concurrently meanwhile. */
    ok = 1;
    for (h = 0; h < args->count; h++) {
        char connection[256];

        if (!wait_ok(ops[h], args->targets[h]) ||
            !command_output(ops[h], 0, args->targets[h], outputs[h], sizeof outputs[h]) ||
            !command_output(ops[h], 1, args->targets[h], connection, sizeof connection)) {
            ok = 0;
            continue;
        }
        ports[h] = client_port(connection);
        if (ports[h] < 0) {
            fprintf(stderr, EXAMPLE_NAME ": %s: unexpected $SSH_CONNECTION '%s'\n", args->targets[h], connection);
            ok = 0;
        }
    }

out:
    /* The ops were submitted without callbacks, so finished ones also sit in
     * the completion queue; freeing an op takes it out of there too. */
    for (h = 0; h < args->count; h++) otto_op_free(ops[h]);
    otto_commands_free(list);
    return ok;
}

/* Checks that every host still uses the connection and the shell it was
 * opened with. */
static int same_connections(otto_host *const *hosts, const ssh_args *args, const long *opened, const long *now,
                            const char *round) {
    size_t h;
    int ok = 1;

    for (h = 0; h < args->count; h++) {
        if (now[h] != opened[h]) {
            fprintf(stderr, EXAMPLE_NAME ": %s: %s came from client port %ld, the host was opened from %ld\n",
                    args->targets[h], round, now[h], opened[h]);
            ok = 0;
        }
        if (otto_host_shell_replacements(hosts[h]) != 0) {
            fprintf(stderr, EXAMPLE_NAME ": %s: the shell was replaced before %s\n", args->targets[h], round);
            ok = 0;
        }
    }
    return ok;
}

int main(int argc, char **argv) {
    ssh_args args;
    otto_context *ctx = NULL;
    otto_host *hosts[MAX_HOSTS] = {NULL};
    char outputs[MAX_HOSTS][256];
    long opened[MAX_HOSTS], ports[MAX_HOSTS];
    size_t h;
    int rc, ok = 0;

    if (!parse_ssh_args(&args, argc, argv)) return EXIT_FAILURE;

    rc = otto_context_new(&ctx, NULL);
    if (rc != OTTO_OK) {
        fail_call("otto_context_new", rc);
        return EXIT_FAILURE;
    }
    if (!new_ssh_hosts(hosts, ctx, &args)) goto out;

    /* Open every host: the first op connects, authenticates and starts the
     * default session. `true` costs nothing; the round also records where
     * each connection comes from. */
    if (!run_round(hosts, &args, "true", outputs, opened)) goto out;
    for (h = 0; h < args.count; h++) printf("opened %s (client port %ld)\n", args.targets[h], opened[h]);

    /* Round 1 - read hostnames, over the open connections. */
    if (!run_round(hosts, &args, "cat /etc/hostname", outputs, ports)) goto out;
    printf("round 1 - hostnames:");
    for (h = 0; h < args.count; h++) printf(" %s", outputs[h]);
    printf("\n");
    for (h = 0; h < args.count; h++) printf("  %s: %s (client port %ld)\n", args.targets[h], outputs[h], ports[h]);
    if (!same_connections(hosts, &args, opened, ports, "round 1")) goto out;

    /* Round 2 - count log files, still over the same connections. */
    if (!run_round(hosts, &args, "ls /var/log/*.log 2>/dev/null | wc -l", outputs, ports)) goto out;
    printf("round 2 - log files:\n");
    for (h = 0; h < args.count; h++) {
        char *end = NULL;
        long count = strtol(outputs[h], &end, 10);

        if (end == outputs[h] || *end != '\0' || count < 0) {
            fprintf(stderr, EXAMPLE_NAME ": %s: '%s' is not a count\n", args.targets[h], outputs[h]);
            goto out;
        }
        printf("  %s: %ld log files (client port %ld)\n", args.targets[h], count, ports[h]);
    }
    if (!same_connections(hosts, &args, opened, ports, "round 2")) goto out;

    printf("no reconnects: every host kept its connection and its shell across the rounds\n");
    ok = 1;

out:
    /* Closing a host ends its session and its connection. */
    for (h = 0; h < args.count; h++) otto_host_free(hosts[h]);
    otto_context_free(ctx);
    if (ok) printf(EXAMPLE_NAME ": OK\n");
    else fprintf(stderr, EXAMPLE_NAME ": FAILED\n");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
