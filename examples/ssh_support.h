/*
 * ssh_support.h - what the SSH examples share: reading the hosts from the
 * command line and creating one otto SSH host for each.
 *
 * Every SSH example takes the same arguments:
 *
 *     [--user NAME] [--key FILE] [--known-hosts FILE] HOST:PORT...
 *
 *   --user         the login (default: the user running the program)
 *   --key          a private key file (default: ~/.ssh/id_ed25519, id_ecdsa,
 *                  id_rsa, whichever exist)
 *   --known-hosts  the known_hosts file that must already list every host's
 *                  key (default: ~/.ssh/known_hosts)
 *   HOST:PORT      one SSH server; HOST is a name or an IP address (an IPv6
 *                  address goes without brackets: ::1:22)
 *
 * Under CTest the values come from the test lab (examples/lab.cmake reads
 * them from the lab.json that `otto-lab up` writes), so the examples need no
 * JSON reader of their own.
 *
 * Each SSH example defines EXAMPLE_NAME and includes this header, which
 * brings in example_support.h.
 */
#ifndef OTTO_EXAMPLE_SSH_SUPPORT_H
#define OTTO_EXAMPLE_SSH_SUPPORT_H

#include <otto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Logins are slow under valgrind on a busy machine: allow each step of
 * connecting up to SSH_STEP_TIMEOUT seconds (otto's defaults are 10 s, see
 * otto_timing_t), and each wait of an example up to two minutes. Both only
 * turn a hang into a failure; on an idle machine an example takes about a
 * second. */
#define SSH_STEP_TIMEOUT 30.0
#define WAIT_MS 120000

#include "example_support.h"

/* The most hosts an example takes (only to keep its arrays fixed-size). */
#define MAX_HOSTS 16

/* The command line, parsed. The strings are argv's own. */
typedef struct ssh_args {
    const char *user;        /* NULL: the user running the program */
    const char *key;         /* NULL: otto's default key files */
    const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
    const char *targets[MAX_HOSTS];
    size_t count;
} ssh_args;

static inline void ssh_usage(void) {
    fprintf(stderr, "usage: " EXAMPLE_NAME " [--user NAME] [--key FILE] [--known-hosts FILE] HOST:PORT...\n");
}

/* Fills `args` from argv. Returns 1 on success; prints the usage and
 * returns 0 on a malformed command line. */
static inline int parse_ssh_args(ssh_args *args, int argc, char **argv) {
    int i;

    memset(args, 0, sizeof *args);
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **option = NULL;

        if (strcmp(arg, "--user") == 0) option = &args->user;
        else if (strcmp(arg, "--key") == 0) option = &args->key;
        else if (strcmp(arg, "--known-hosts") == 0) option = &args->known_hosts;

        if (option != NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, EXAMPLE_NAME ": %s needs a value\n", arg);
                ssh_usage();
                return 0;
            }
            *option = argv[++i];
        } else if (arg[0] == '-') {
            fprintf(stderr, EXAMPLE_NAME ": unknown option %s\n", arg);
            ssh_usage();
            return 0;
        } else if (args->count == MAX_HOSTS) {
            fprintf(stderr, EXAMPLE_NAME ": at most %d hosts\n", MAX_HOSTS);
            return 0;
        } else {
            args->targets[args->count++] = arg;
        }
    }
    if (args->count == 0) {
        fprintf(stderr, EXAMPLE_NAME ": no hosts given\n");
        ssh_usage();
        return 0;
    }
    return 1;
}

/*
 * Creates the SSH host `target` ("HOST:PORT") on `ctx`, with `target` as its
 * id, logging in as `args->user` with `args->key`. Returns 1 on success.
 *
 * Nothing connects here: otto connects on the host's first op, and from then
 * on that one connection carries the default session (a PTY channel), named
 * sessions and one-shots (exec channels), until the host is closed.
 */
static inline int new_ssh_host(otto_host **out, otto_context *ctx, const ssh_args *args, const char *target) {
    otto_host_opts *opts = NULL;
    const char *colon = strrchr(target, ':');
    char address[256];
    char *end = NULL;
    long port;
    int rc, ok = 0;

    *out = NULL;
    if (colon == NULL || colon == target || (size_t)(colon - target) >= sizeof address) {
        fprintf(stderr, EXAMPLE_NAME ": '%s' is not HOST:PORT\n", target);
        return 0;
    }
    port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, EXAMPLE_NAME ": '%s' has no valid port\n", target);
        return 0;
    }
    memcpy(address, target, (size_t)(colon - target));
    address[colon - target] = '\0';

    rc = otto_host_opts_new(&opts);
    if (rc != OTTO_OK) return fail_call("otto_host_opts_new", rc);

    /* The id names the host in results and logs. */
    rc = otto_host_opts_set_id(opts, target);
    if (rc != OTTO_OK) {
        fail_call("otto_host_opts_set_id", rc);
        goto out;
    }
    rc = otto_host_opts_set_port(opts, (int32_t)port);
    if (rc != OTTO_OK) {
        fail_call("otto_host_opts_set_port", rc);
        goto out;
    }
    /* With a key given, only that key is offered (and ssh-agent is not
     * asked unless otto_host_opts_set_agent() says so). */
    if (args->key != NULL) {
        rc = otto_host_opts_add_identity(opts, args->key);
        if (rc != OTTO_OK) {
            fail_call("otto_host_opts_add_identity", rc);
            goto out;
        }
    }
    if (args->known_hosts != NULL) {
        rc = otto_host_opts_set_known_hosts(opts, args->known_hosts);
        if (rc != OTTO_OK) {
            fail_call("otto_host_opts_set_known_hosts", rc);
            goto out;
        }
    }
    /* The deadlines of connecting: TCP connect, key exchange,
     * authentication, and opening each channel (a shell or a one-shot). */
    {
        static const int32_t steps[] = {OTTO_TIMING_CONNECT, OTTO_TIMING_KEY_EXCHANGE, OTTO_TIMING_AUTH,
                                        OTTO_TIMING_CHANNEL_OPEN};
        size_t i;

        for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            rc = otto_host_opts_set_timing(opts, steps[i], SSH_STEP_TIMEOUT);
            if (rc != OTTO_OK) {
                fail_call("otto_host_opts_set_timing", rc);
                goto out;
            }
        }
    }
    /* Strict: the server's key must already be in known_hosts. Nothing is
     * trusted on first use and the file is never written. */
    rc = otto_host_opts_set_host_key_policy(opts, OTTO_HOST_KEY_STRICT);
    if (rc != OTTO_OK) {
        fail_call("otto_host_opts_set_host_key_policy", rc);
        goto out;
    }

    /* The options are copied: they can go as soon as the host exists. */
    rc = otto_host_new_ssh(out, ctx, address, args->user, opts);
    if (rc != OTTO_OK) {
        fail_call("otto_host_new_ssh", rc);
        goto out;
    }
    ok = 1;
out:
    otto_host_opts_free(opts);
    return ok;
}

/* Creates one host per target into `hosts` (which must hold args->count).
 * Returns 1 on success; on failure the hosts created so far stay in `hosts`
 * for the caller to free. */
static inline int new_ssh_hosts(otto_host **hosts, otto_context *ctx, const ssh_args *args) {
    size_t i;

    for (i = 0; i < args->count; i++) {
        if (!new_ssh_host(&hosts[i], ctx, args, args->targets[i])) return 0;
    }
    return 1;
}

#endif
