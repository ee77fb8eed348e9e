/* Small helpers otto-bench and the C peer drivers use: a value of the
 * process's /proc status and a pause that survives signals. Header-only, so
 * that each program keeps its own translation units. */
#ifndef OTTO_BENCH_PROC_H
#define OTTO_BENCH_PROC_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A value of /proc/self/status in KiB ("VmRSS", "RssAnon"); -1 if absent. */
static inline long status_kib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long value = -1;
    size_t len = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, len) == 0 && line[len] == ':') {
            value = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return value;
}

static inline void sleep_s(double seconds) {
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

#endif
