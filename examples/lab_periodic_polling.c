/*
 * lab_periodic_polling.c - reference 001, periodic tasks: a command repeated
 * on one host at a fixed interval (RepeatRunner: the period is the interval
 * or the command's time, whichever is longer), and a collector that polls
 * every host of the lab at the same instant each interval, skipping a host
 * still busy with the previous poll instead of waiting for it.
 *
 *   lab_periodic_polling LAB_DIR      (the directory holding lab "demo")
 */
#define EXAMPLE_NAME "lab_periodic_polling"
#include "lab_support.h"

static void on_run(otto_op *run, uint64_t index, void *user_data) {
    int *runs = user_data;
    char line[256];

    first_output(line, sizeof line, run);
    printf("  run %u: %s\n", (unsigned)index, line);
    if (otto_op_error(run) == OTTO_OK) (*runs)++;
}

static void on_tick(const otto_fanout_result *tick, uint64_t index, void *user_data) {
    int *polled = user_data;
    size_t i;

    printf("  tick %u:", (unsigned)index);
    for (i = 0; i < otto_fanout_result_count(tick); i++) {
        int32_t status = otto_fanout_result_host_status(tick, i);
        printf(" %s=%s", otto_fanout_result_host(tick, i), otto_status_name(status));
        if (status == OTTO_STATUS_SUCCESS) (*polled)++;
    }
    printf("\n");
}

int main(int argc, char **argv) {
    otto_context *ctx;
    otto_host *host = NULL;
    otto_commands *uptime = NULL, *stats = NULL;
    otto_repeat_opts *every = NULL;
    otto_op *op = NULL;
    int runs = 0, polled = 0, rc, ok = 1;
    size_t hosts = 0, i;

    if (argc != 2) {
        fprintf(stderr, "usage: %s LAB_DIR\n", argv[0]);
        return 2;
    }
    /* Loop dispatch: the per-run and per-tick callbacks run on otto's loop
     * thread while main waits. */
    ctx = open_lab("demo", argv[1], OTTO_DISPATCH_LOOP);
    if (ctx == NULL) return 1;

    /* Every 0.2 s, three times, in ssh0's persistent shell. */
    puts("uptime on ssh0 every 0.2 s, 3 times:");
    otto_commands_new(&uptime);
    otto_commands_add(NULL, uptime, "cut -d' ' -f1 /proc/uptime");
    otto_repeat_opts_new(&every);
    otto_repeat_opts_set_interval(every, 0.2);
    otto_repeat_opts_set_count(every, 3);
    rc = otto_context_get_host(&host, ctx, "ssh0");
    if (rc == OTTO_OK) rc = otto_host_repeat(&op, host, uptime, NULL, every, on_run, &runs, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("repeat", rc), 1;
    ok &= wait_ok(op, "the repeat") && runs == 3;
    otto_op_free(op);

    /* Every host (but the local one) every 0.5 s, three ticks. */
    puts("/proc/loadavg and free memory of every host every 0.5 s, 3 ticks:");
    otto_commands_new(&stats);
    otto_commands_add(NULL, stats, "cat /proc/loadavg");
    otto_commands_add(NULL, stats, "grep MemFree /proc/meminfo");
    otto_repeat_opts_set_interval(every, 0.5);
    rc = otto_context_poll_hosts(&op, ctx, stats, NULL, NULL, every, on_tick, &polled, NULL, NULL);
    if (rc != OTTO_OK) return fail_call("poll", rc), 1;
    ok &= wait_ok(op, "the poll");
    otto_op_free(op);
    for (i = 0; i < otto_context_host_count(ctx); i++) hosts += strcmp(otto_context_host_id(ctx, i), "local") != 0;
    /* Every host answers at least the first tick; slower ones may skip. */
    ok &= polled >= (int)hosts;

    otto_commands_free(uptime);
    otto_commands_free(stats);
    otto_repeat_opts_free(every);
    otto_context_free(ctx);
    return ok ? 0 : 1;
}
