#define _POSIX_C_SOURCE 200809L
#include "peer_driver.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../bench_proc.h"
#include "instr_region.h"

static const char *driver_name = "peer";

void peer_set_name(const char *name) { driver_name = name; }

void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", driver_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

int int_arg(const char *value, const char *option) {
    char *end = NULL;
    long n = strtol(value, &end, 10);
    if (!end || *end || n < 0 || n > 100000000) die("%s: not a count: %s", option, value);
    return (int)n;
}

/* Takes one common option; 0 when `name` is none of them. */
static int take_common_option(peer_options *o, const char *name, const char *value) {
    if (!strcmp(name, "--lab")) o->lab_path = value;
    else if (!strcmp(name, "--user")) o->user_override = value;
    else if (!strcmp(name, "--metric")) o->metric = value;
    else if (!strcmp(name, "--count")) o->count = int_arg(value, name);
    else if (!strcmp(name, "--warmup")) o->warmup = int_arg(value, name);
    else if (!strcmp(name, "--hosts")) o->hosts = int_arg(value, name);
    else if (!strcmp(name, "--sessions")) o->sessions = int_arg(value, name);
    else if (!strcmp(name, "--seconds")) o->seconds = int_arg(value, name);
    else if (!strcmp(name, "--pty")) o->pty = !strcmp(value, "yes");
    else if (!strcmp(name, "--file")) o->file = value;
    else if (!strcmp(name, "--dest")) o->dest = value;
    else if (!strcmp(name, "--dir")) o->dir = value;
    else if (!strcmp(name, "--files")) o->files = int_arg(value, name);
    else if (!strcmp(name, "--cipher")) o->cipher = value;
    else if (!strcmp(name, "--output-file")) o->output_file = value;
    else if (!strcmp(name, "--output-bytes")) o->output_bytes = int_arg(value, name);
    else return 0;
    return 1;
}

void parse_options(int argc, char **argv, peer_options *common, int (*own)(const char *name, const char *value),
                   const char *usage) {
    *common = (peer_options){.count = 200,
                             .warmup = 10,
                             .hosts = 10,
                             .sessions = 4,
                             .seconds = 10,
                             .cipher = PEER_DEFAULT_CIPHER};
    for (int i = 1; i < argc; ++i) {
        const char *name = argv[i];
        if (i + 1 >= argc) die("%s needs a value", name);
        const char *value = argv[++i];
        if (!take_common_option(common, name, value) && !own(name, value)) die("unknown option %s", name);
    }
    if (!common->lab_path || !common->metric) die("usage: %s", usage);
}

const char *variant_command(const char *file, long bytes) {
    static char command[4200];
    if (!file && bytes == 0) return "true";
    if (!file || bytes <= 0) die("--output-file and --output-bytes go together");
    if (strchr(file, '\'') || strlen(file) > 4096) die("--output-file: cannot quote %s", file);
    snprintf(command, sizeof command, "cat '%s'", file);
    return command;
}

void check_output_bytes(size_t got, long expected, const char *what) {
    if (expected > 0 && got != (size_t)expected) die("%s: %zu bytes of output, %ld expected", what, got, expected);
}

double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

double cpu_us(void) {
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1e6 +
           (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec + kids.ru_stime.tv_usec);
}

char *read_whole(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)(size < 0 ? 0 : size) + 1);
    size_t got = size > 0 ? fread(text, 1, (size_t)size, f) : 0;
    text[got] = 0;
    fclose(f);
    return text;
}

void load_lab(peer_lab *lab, const char *path, const char *user_override) {
    char *text = read_whole(path);
    if (!text) die("cannot read %s: %s", path, strerror(errno));
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) die("%s is not valid JSON", path);
    const cJSON *server = NULL;
    cJSON_ArrayForEach(server, cJSON_GetObjectItem(root, "ssh")) {
        if (lab->n_ports < (int)(sizeof lab->ports / sizeof lab->ports[0]))
            lab->ports[lab->n_ports++] = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(server, "port"));
    }
    const cJSON *telnet = NULL;
    cJSON_ArrayForEach(telnet, cJSON_GetObjectItem(root, "telnet")) {
        if (lab->telnet_port == 0 && cJSON_IsFalse(cJSON_GetObjectItem(telnet, "login")) &&
            cJSON_IsFalse(cJSON_GetObjectItem(telnet, "ash")))
            lab->telnet_port = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(telnet, "port"));
    }
    const cJSON *user = cJSON_GetObjectItem(root, "user");
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(user, "key"));
    const char *known_hosts = cJSON_GetStringValue(cJSON_GetObjectItem(root, "known_hosts"));
    if (lab->n_ports == 0 || lab->ports[0] <= 0 || !key || !known_hosts)
        die("%s lacks ssh[].port, user.key or known_hosts", path);
    snprintf(lab->key, sizeof lab->key, "%s", key);
    snprintf(lab->known_hosts, sizeof lab->known_hosts, "%s", known_hosts);
    const cJSON *clean = cJSON_GetObjectItem(root, "password_user");
    const char *clean_name = clean ? cJSON_GetStringValue(cJSON_GetObjectItem(clean, "name")) : NULL;
    const char *name = user_override ? user_override
                       : clean_name  ? clean_name
                                     : cJSON_GetStringValue(cJSON_GetObjectItem(user, "name"));
    snprintf(lab->user, sizeof lab->user, "%s", name ? name : "");
    cJSON_Delete(root);
}

double *samples;
int n_samples;
double cpu_total;
static double cpu_since = -1;
static int warmup_ops;

void region_init(int count, int warmup) {
    samples = calloc((size_t)count + 1, sizeof *samples);
    if (!samples) die("no memory for %d samples", count);
    warmup_ops = warmup;
}

/* The CPU count and, under callgrind, the instruction count: both cover
 * the same region. */
void resume(void) {
    if (cpu_since < 0) {
        cpu_since = cpu_us();
        INSTR_START();
    }
}

void pause_cpu(void) {
    INSTR_STOP();
    if (cpu_since >= 0) cpu_total += cpu_us() - cpu_since;
    cpu_since = -1;
}

void begin_at(int i) {
    if (i == warmup_ops) resume();
}

void add(int i, double wall) {
    if (i >= warmup_ops) samples[n_samples++] = wall;
}

char **small_file_paths(const char *dir, int count) {
    char **paths = calloc((size_t)count, sizeof *paths);
    if (!paths) die("no memory for %d paths", count);
    for (int i = 0; i < count; ++i) {
        size_t room = strlen(dir) + 16;
        paths[i] = malloc(room);
        if (!paths[i]) die("no memory for %d paths", count);
        snprintf(paths[i], room, "%s/f%05d", dir, i);
    }
    return paths;
}

void free_small_file_paths(char **paths, int count) {
    for (int i = 0; i < count; ++i) free(paths[i]);
    free(paths);
}

long host_runs, host_failures;
char failure_example[200];

/* How long M9 lets the connections idle before each reading. */
#define SETTLE_S 2.0

void memory_per_connection(int hosts, void (*open_hosts)(int first, int count, void *data), void *data, const char *how,
                           char *notes, size_t room) {
    if (hosts < 2) die("M9 needs --hosts 2 or more");
    open_hosts(0, 1, data);
    sleep_s(SETTLE_S);
    long before = status_kib("VmRSS");
    open_hosts(1, hosts - 1, data);
    sleep_s(SETTLE_S);
    long after = status_kib("VmRSS");
    if (before < 0 || after < 0) die("no VmRSS in /proc/self/status");
    samples[n_samples++] = (double)(after - before) / (double)(hosts - 1);
    snprintf(notes, room, "VmRSS, N=%d: %ld -> %ld KiB%s%s", hosts, before, after, how[0] ? "; " : "", how);
}

cJSON *result_object(const char *peer, const char *version, const char *metric, const char *unit, double ops) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "peer", peer);
    cJSON_AddStringToObject(o, "version", version);
    cJSON_AddStringToObject(o, "metric", metric);
    cJSON_AddStringToObject(o, "unit", unit);
    cJSON *list = cJSON_AddArrayToObject(o, "samples");
    for (int i = 0; i < n_samples; ++i) cJSON_AddItemToArray(list, cJSON_CreateNumber(samples[i]));
    cJSON_AddNumberToObject(o, "ops", ops);
    cJSON_AddNumberToObject(o, "cpu_us", cpu_total);
    if (host_runs > 0) {
        cJSON_AddNumberToObject(o, "host_runs", (double)host_runs);
        cJSON_AddNumberToObject(o, "host_failures", (double)host_failures);
        cJSON_AddStringToObject(o, "failure_example", failure_example);
    }
    return o;
}

void print_result(cJSON *result) {
    char *text = cJSON_PrintUnformatted(result);
    puts(text);
    free(text);
    cJSON_Delete(result);
}
