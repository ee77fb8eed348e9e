/*
 * lab_deploy_firmware.c - reference 000's deploy_firmware: push a file to
 * every host of the lab at once, then check each host's copy with remote
 * file operations (a stat, and a glob of the directory). Each host gets its
 * own result; a host that fails fails alone.
 *
 *   lab_deploy_firmware LAB_DIR      (the directory holding lab "demo")
 */
#define _POSIX_C_SOURCE 200809L
#define EXAMPLE_NAME "lab_deploy_firmware"
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab_support.h"

#define FIRMWARE_SIZE 100000

/* Per host: stat the deployed file; the fan-out keeps the op. */
static int start_stat(otto_op **out, otto_host *host, void *user_data) {
    return otto_host_file_stat(out, host, (const char *)user_data, NULL, NULL);
}

int main(int argc, char **argv) {
    char dir[] = "/tmp/otto-firmware-XXXXXX";
    char firmware[64], deployed[96];
    const char *sources[1];
    otto_context *ctx;
    otto_op *op = NULL;
    const otto_fanout_result *r;
    FILE *f;
    int failures = 0, rc, i;
    size_t k;

    if (argc != 2) {
        fprintf(stderr, "usage: %s LAB_DIR\n", argv[0]);
        return 2;
    }
    /* A firmware image, and a directory every host's user may write (the
     * demo lab's hosts all run on this machine). */
    if (mkdtemp(dir) == NULL) return perror("mkdtemp"), 1;
    chmod(dir, 0777);
    snprintf(firmware, sizeof firmware, "%s/firmware.bin", dir);
    f = fopen(firmware, "wb");
    if (f == NULL) return perror(firmware), 1;
    for (i = 0; i < FIRMWARE_SIZE; i++) fputc(i * 31 & 0xff, f);
    fclose(f);
    snprintf(deployed, sizeof deployed, "%s/deployed", dir);
    /* Made here, writable by all: the hosts log in as different users. */
    mkdir(deployed, 0777);
    chmod(deployed, 0777);
    sources[0] = firmware;

    ctx = open_lab("demo", argv[1], OTTO_DISPATCH_LOOP);
    if (ctx == NULL) return 1;
    rc = otto_context_put_on_hosts(&op, ctx, sources, 1, deployed, NULL, NULL, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("put_on_hosts", rc), 1;
    if (!wait_ok(op, "the deployment")) return 1;
    r = otto_op_fanout_result(op);
    for (k = 0; k < otto_fanout_result_count(r); k++) {
        otto_op *host_op = otto_fanout_result_op(r, k);
        const otto_transfer_result *t = otto_op_transfer_result(host_op);
        const char *host = otto_fanout_result_host(r, k);

        if (t == NULL) {
            printf("  %s: transfer failed - %s\n", host, otto_op_error_message(host_op));
            failures++;
        } else if (otto_transfer_result_status(t) != OTTO_STATUS_SUCCESS) {
            printf("  %s: %s - %s\n", host, otto_status_name(otto_transfer_result_status(t)),
                   otto_transfer_result_file_message(t, 0));
            failures++;
        } else {
            printf("  %s: transfer succeeded (%llu bytes)\n", host,
                   (unsigned long long)otto_transfer_result_file_bytes(t, 0));
        }
    }
    otto_op_free(op);

    /* Check every host's view of the file. */
    {
        char path[128];
        snprintf(path, sizeof path, "%s/firmware.bin", deployed);
        rc = otto_context_do_for_hosts(&op, ctx, start_stat, path, NULL, NULL, NULL);
        if (rc != OTTO_OK) return fail_call("do_for_hosts", rc), 1;
        if (!wait_ok(op, "the check")) return 1;
        r = otto_op_fanout_result(op);
        for (k = 0; k < otto_fanout_result_count(r); k++) {
            const otto_file_result *st = otto_op_file_result(otto_fanout_result_op(r, k));
            uint64_t size = st != NULL ? otto_file_result_size(st, 0) : 0;
            printf("  %s sees %s: %llu bytes\n", otto_fanout_result_host(r, k), path, (unsigned long long)size);
            if (size != FIRMWARE_SIZE) failures++;
        }
        otto_op_free(op);
    }
    otto_context_free(ctx);
    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, EXAMPLE_NAME ": could not remove %s\n", dir);
    }
    return failures == 0 ? 0 : 1;
}
