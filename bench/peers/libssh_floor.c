/* The raw-libssh floor under the peer protocol (bench/peers/README.md):
 * libssh called directly, in blocking mode, with nothing around it; the
 * denominator of PLAN 6's M3 target, not a competitor. One metric per run
 * against a lab written by `otto-lab up`, one JSON object on stdout.
 *
 * Every connection pins PLAN 1.1's algorithms (--cipher NAME pins another
 * cipher: M10's chacha20-poly1305 variant), sets TCP_NODELAY, checks
 * the host key strictly against the lab's known_hosts file and logs in
 * with the lab's key (loaded once, before any timing).
 *
 *   m1      TCP connect start -> publickey auth success; no channel
 *   m2cold  connect + auth + exec `true` + exit status + close
 *   m2warm  a new exec channel `true` + exit status + channel close, on a
 *           connection whose first channel already ran
 *   m3      F (PLAN 4.1) over an exec channel running
 *           `bash --noprofile --norc`; one sample per command `true`
 *           (with --pty yes: the same shell on a PTY, bootstrapped first)
 *           m2warm and m3 with --output-file F --output-bytes N: `cat F`
 *           instead of `true`, its stdout read whole and checked to be N
 *           bytes (PLAN 3's output-volume variants; no PTY)
 *   m4      --count commands `true` written back to back with F; one
 *           sample: first write -> last exit code parsed
 *   m5      --sessions shells (F) on one connection, each running `true`
 *           back to back for --seconds, all at once, driven from one
 *           thread with non-blocking reads (a libssh session is not
 *           thread-safe); a sample per command
 *   m6cold  --hosts hosts spread over the lab's servers, a thread per host
 *           (at most 64 live): connect + auth + exec `echo $HOSTNAME` + its
 *           output checked; the connections close after the sample, as
 *           otto's do when its context goes
 *   m9      memory per connection (PLAN M9): VmRSS with --hosts
 *           connections, each with a shell that answered F's `true`, minus
 *           VmRSS with one, over --hosts - 1; a KiB sample
 *   m9conn  the same with each connection alone, after one exec `true`
 *   m10put  SFTP of --file into the directory --dest, 64 KiB writes
 *           (libssh 0.10 has no asynchronous write: one in flight)
 *   m10get  SFTP of the remote --file into the directory --dest, 64
 *           asynchronous reads of 64 KiB in flight
 *   m10stat sftp_stat of --files files of 4 KiB in --dir, one request at a
 *           time; a sample: all of them (each checked: 4 KiB)
 *   m10read sftp_open, sftp_read, sftp_close of each of them, one request
 *           at a time (each read checked: 4 KiB) */
#define _GNU_SOURCE /* memmem */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instr_region.h"
#include "peer_driver.h"

#define KEX "curve25519-sha256"
#define HOST_KEY "ssh-ed25519"
#define SHELL "bash --noprofile --norc"
/* PLAN 4.1's bootstrap of a shell on a PTY. */
#define PTY_BOOTSTRAP \
    "stty -echo; bind 'set enable-bracketed-paste off' 2>/dev/null; export TERM=dumb PAGER=cat PS1= PS2=\n"
#define READ_TIMEOUT_MS 30000
#define TIMEOUT_S 30L
/* PLAN 4.2: M6's threads alive at once. */
#define FANOUT_LIVE 64
/* PLAN 4.2: M10's SFTP requests, their size and how many in flight. */
#define SFTP_CHUNK 65536
#define SFTP_IN_FLIGHT 64

static peer_options opt;
/* --frame group: M3's F inside otto's brace group (its own option). */
static int frame_group;

static int take_own_option(const char *name, const char *value) {
    if (strcmp(name, "--frame") != 0) return 0;
    frame_group = !strcmp(value, "group");
    if (!frame_group && strcmp(value, "f") != 0) die("--frame is f or group");
    return 1;
}
static peer_lab lab;
/* Loaded once; the M6 threads all sign with it (libssh only reads it). */
static ssh_key identity;
/* What the first connection negotiated, then what the metric adds. */
static char algorithms[128], notes[384];
/* What m2warm and m3 measure: `true`, or `cat` of the output variant's file. */
static const char *measured = "true";

/* Adds a clause to the notes. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) {
    size_t used = strlen(notes);
    if (used > 0 && used + 2 < sizeof notes) {
        memcpy(notes + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes + used, sizeof notes - used, fmt, ap);
    va_end(ap);
}

/* --- connections and channels ------------------------------------------ */

static void set_option(ssh_session s, enum ssh_options_e option, const void *value, const char *what) {
    if (ssh_options_set(s, option, value) != SSH_OK) die("option %s: %s", what, ssh_get_error(s));
}

/* A session to the server at `port` configured as PLAN 1.1 says, not yet
 * connected. */
static ssh_session new_session_on(int port) {
    ssh_session s = ssh_new();
    if (!s) die("ssh_new failed");
    int no = 0, yes = 1;
    long timeout = TIMEOUT_S;
    set_option(s, SSH_OPTIONS_PROCESS_CONFIG, &no, "process config"); /* no ~/.ssh/config */
    set_option(s, SSH_OPTIONS_HOST, "127.0.0.1", "host");
    set_option(s, SSH_OPTIONS_PORT, &port, "port");
    set_option(s, SSH_OPTIONS_USER, lab.user, "user");
    set_option(s, SSH_OPTIONS_KNOWNHOSTS, lab.known_hosts, "known hosts");
    set_option(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, lab.known_hosts, "global known hosts");
    set_option(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &yes, "strict host key check");
    set_option(s, SSH_OPTIONS_KEY_EXCHANGE, KEX, "kex");
    set_option(s, SSH_OPTIONS_HOSTKEYS, HOST_KEY, "host keys");
    set_option(s, SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES, HOST_KEY, "public key types");
    set_option(s, SSH_OPTIONS_CIPHERS_C_S, opt.cipher, "cipher c->s");
    set_option(s, SSH_OPTIONS_CIPHERS_S_C, opt.cipher, "cipher s->c");
    set_option(s, SSH_OPTIONS_COMPRESSION, "no", "compression");
    set_option(s, SSH_OPTIONS_NODELAY, &yes, "nodelay");
    set_option(s, SSH_OPTIONS_TIMEOUT, &timeout, "timeout");
    return s;
}

static ssh_session new_session(void) { return new_session_on(lab.ports[0]); }

/* TCP connect, key exchange, the strict host key check, publickey auth.
 * 0, or -1 with `why` saying what failed. */
static int try_connect_and_auth(ssh_session s, char *why, size_t room) {
    if (ssh_connect(s) != SSH_OK) {
        snprintf(why, room, "connect: %s", ssh_get_error(s));
        return -1;
    }
    enum ssh_known_hosts_e known = ssh_session_is_known_server(s);
    if (known != SSH_KNOWN_HOSTS_OK) {
        snprintf(why, room, "the server's host key is not known as it is (%d)", (int)known);
        return -1;
    }
    if (ssh_userauth_publickey(s, NULL, identity) != SSH_AUTH_SUCCESS) {
        snprintf(why, room, "publickey auth: %s", ssh_get_error(s));
        return -1;
    }
    return 0;
}

static void connect_and_auth(ssh_session s) {
    char why[512];
    if (try_connect_and_auth(s, why, sizeof why) != 0) die("%s", why);
}

static void close_session(ssh_session s) {
    ssh_disconnect(s);
    ssh_free(s);
}

/* What the first connection negotiated, for the notes. */
static void note_algorithms(ssh_session s) {
    if (algorithms[0]) return;
    const char *kex = ssh_get_kex_algo(s), *in = ssh_get_cipher_in(s), *out = ssh_get_cipher_out(s);
    snprintf(algorithms, sizeof algorithms, "kex %s, cipher %s/%s", kex ? kex : "?", in ? in : "?", out ? out : "?");
}

static ssh_channel open_channel(ssh_session s) {
    ssh_channel ch = ssh_channel_new(s);
    if (!ch) die("channel: %s", ssh_get_error(s));
    if (ssh_channel_open_session(ch) != SSH_OK) die("channel open: %s", ssh_get_error(s));
    return ch;
}

/* Reads a channel's stdout to its end; returns the bytes read. Stderr,
 * which libssh keeps apart, is read as it comes so that neither stream
 * can fill the window while the other is read. */
static size_t drain(ssh_channel ch) {
    static char buf[65536];
    size_t total = 0;
    for (;;) {
        int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, READ_TIMEOUT_MS);
        if (n < 0) die("read from the channel failed");
        total += (size_t)n;
        while (ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1) > 0) {
        }
        if (n == 0) {
            if (ssh_channel_is_eof(ch)) return total;
            die("no output from the channel");
        }
    }
}

/* exec `cmd` on a new channel: its stdout read (and, when `expected` > 0,
 * checked to have that many bytes), exit status, then the channel closed. */
static void exec_command(ssh_session s, const char *cmd, long expected) {
    ssh_channel ch = open_channel(s);
    if (ssh_channel_request_exec(ch, cmd) != SSH_OK) die("exec: %s", ssh_get_error(s));
    size_t got = expected > 0 ? drain(ch) : 0;
    int status = ssh_channel_get_exit_status(ch);
    if (status != 0) die("%s exited %d", cmd, status);
    check_output_bytes(got, expected, cmd);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
}

static void exec_true(ssh_session s) { exec_command(s, "true", 0); }

/* --- F over a shell channel ---------------------------------------------- */

typedef struct {
    ssh_channel ch;
    char nonce[32];
    int sent, parsed; /* command indexes: last written, last answered */
    char *buf;        /* bytes read; those before `head` are consumed */
    size_t head, len, cap;
    size_t scan;   /* the sentinel cannot start before this offset */
    size_t output; /* bytes the last answered command printed */
} shell;

static void write_all(shell *sh, const char *data, size_t len) {
    while (len > 0) {
        int n = ssh_channel_write(sh->ch, data, (uint32_t)len);
        if (n <= 0) die("write to the shell failed");
        data += n;
        len -= (size_t)n;
    }
}

/* Writes command i framed with F: the command, then the sentinel printf.
 * With --frame group, in the shape of otto's frame (SESSION-PROTOCOL 4.1):
 * a brace group that echoes a begin line, runs the command and prints the
 * sentinel, so the shell writes twice per command where F writes once;
 * what that costs the floor is what it costs otto. */
static size_t frame(char *out, size_t room, const shell *sh, const char *command, int i) {
    int n = frame_group
                ? snprintf(out, room, "{ echo \"__B_\"\"%s__\"\n%s\nprintf '\\n__S_%%s_%%s_%%s__\\n' %s %d \"$?\"\n}\n",
                           sh->nonce, command, sh->nonce, i)
                : snprintf(out, room, "%s\nprintf '\\n__S_%%s_%%s_%%s__\\n' %s %d \"$?\"\n", command, sh->nonce, i);
    if (n < 0 || (size_t)n >= room) die("a framed command does not fit");
    return (size_t)n;
}

/* Looks for the sentinel of command `i` (`\n__S_<nonce>_<i>_<code>__\n`,
 * with `\r\n` on a PTY) from sh->scan on. Returns its exit code and
 * consumes the bytes up to the sentinel's end, or returns -1 and moves
 * sh->scan as far as a sentinel still to come could start. */
static int find_sentinel(shell *sh, int i) {
    char needle[64];
    int nlen = snprintf(needle, sizeof needle, "\n__S_%s_%d_", sh->nonce, i);
    size_t from = sh->scan;
    for (;;) {
        char *hit = from < sh->len ? memmem(sh->buf + from, sh->len - from, needle, (size_t)nlen) : NULL;
        if (!hit) {
            /* The needle may have begun in the last nlen - 1 bytes. */
            size_t keep = (size_t)nlen - 1;
            sh->scan = sh->len > keep ? sh->len - keep : 0;
            if (sh->scan < from) sh->scan = from;
            return -1;
        }
        size_t at = (size_t)(hit - sh->buf), p = at + (size_t)nlen;
        int code = 0, digits = 0;
        while (p < sh->len && sh->buf[p] >= '0' && sh->buf[p] <= '9' && digits < 4) {
            code = code * 10 + (sh->buf[p++] - '0');
            ++digits;
        }
        const char *tail = "__\r\n";
        size_t t = 0;
        while (p < sh->len && t < 4) {
            if (sh->buf[p] == tail[t]) {
                ++p;
                ++t;
            } else if (t == 2 && sh->buf[p] == '\n') { /* no \r: a pipe, not a PTY */
                ++p;
                t = 4;
            } else {
                break;
            }
        }
        if (digits > 0 && t == 4) {
            sh->output = at - sh->head; /* command i's output begins where i - 1's sentinel ended */
            sh->head = sh->scan = p;
            return code;
        }
        if (p == sh->len) { /* a prefix of the sentinel: wait for the rest */
            sh->scan = at;
            return -1;
        }
        from = at + 1; /* something else that merely began like it */
    }
}

/* Reads what the channel has (everything available, at most the room
 * left), blocking up to READ_TIMEOUT_MS for the first byte unless `wait`
 * is 0. Returns the bytes read. */
static int read_some(shell *sh, int wait) {
    if (sh->head > 0) { /* one move per read, not one per sentinel */
        sh->len -= sh->head;
        memmove(sh->buf, sh->buf + sh->head, sh->len);
        sh->scan -= sh->head;
        sh->head = 0;
    }
    if (sh->cap - sh->len < 16384) {
        sh->cap *= 2;
        sh->buf = realloc(sh->buf, sh->cap);
        if (!sh->buf) die("out of memory");
    }
    uint32_t room = (uint32_t)(sh->cap - sh->len);
    int n = wait ? ssh_channel_read_timeout(sh->ch, sh->buf + sh->len, room, 0, READ_TIMEOUT_MS)
                 : ssh_channel_read_nonblocking(sh->ch, sh->buf + sh->len, room, 0);
    if (n < 0) die("read from the shell failed");
    if (n == 0 && wait) die(ssh_channel_is_eof(sh->ch) ? "the shell ended" : "no answer from the shell");
    sh->len += (size_t)n;
    return n;
}

/* Takes every sentinel now in the buffer, in order; dies on a non-zero
 * exit code (every command is `true`). */
static void take_answers(shell *sh) {
    while (sh->parsed < sh->sent) {
        int code = find_sentinel(sh, sh->parsed + 1);
        if (code < 0) return;
        if (code != 0) die("command %d exited %d", sh->parsed + 1, code);
        ++sh->parsed;
    }
}

static void wait_answers(shell *sh) {
    take_answers(sh);
    while (sh->parsed < sh->sent) {
        read_some(sh, 1);
        take_answers(sh);
    }
}

/* Writes the next command, framed. */
static void submit(shell *sh, const char *command) {
    char line[4608];
    size_t n = frame(line, sizeof line, sh, command, ++sh->sent);
    write_all(sh, line, n);
}

/* One command, call to exit code. */
static void run_framed(shell *sh, const char *command) {
    submit(sh, command);
    wait_answers(sh);
}

static void open_shell(shell *sh, ssh_session s) {
    static unsigned opened; /* several shells of one connection each get their own nonce */
    memset(sh, 0, sizeof *sh);
    snprintf(sh->nonce, sizeof sh->nonce, "%x%x%x", (unsigned)getpid(), (unsigned)(now_us()) & 0xffffffu, opened++);
    sh->cap = 65536;
    sh->buf = malloc(sh->cap);
    sh->ch = open_channel(s);
    if (opt.pty && ssh_channel_request_pty_size(sh->ch, "dumb", 80, 24) != SSH_OK) die("pty: %s", ssh_get_error(s));
    if (ssh_channel_request_exec(sh->ch, SHELL) != SSH_OK) die("exec the shell: %s", ssh_get_error(s));
    if (opt.pty) write_all(sh, PTY_BOOTSTRAP, strlen(PTY_BOOTSTRAP));
}

static void close_shell(shell *sh) {
    ssh_channel_send_eof(sh->ch);
    ssh_channel_close(sh->ch);
    ssh_channel_free(sh->ch);
    free(sh->buf);
}

/* --- metrics -------------------------------------------------------------- */

static void m1(void) {
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        ssh_session s = new_session();
        double c0 = cpu_us(), t0 = now_us();
        if (i >= opt.warmup) INSTR_START();
        connect_and_auth(s);
        INSTR_STOP();
        double t = now_us() - t0;
        if (i >= opt.warmup) cpu_total += cpu_us() - c0;
        add(i, t);
        note_algorithms(s);
        close_session(s);
    }
}

static void m2cold(void) {
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        ssh_session s = new_session();
        connect_and_auth(s);
        exec_true(s);
        note_algorithms(s);
        close_session(s);
        add(i, now_us() - t0);
    }
    pause_cpu();
}

static ssh_session connected(void) {
    ssh_session s = new_session();
    connect_and_auth(s);
    note_algorithms(s);
    return s;
}

static void m2warm(void) {
    ssh_session s = connected();
    exec_true(s); /* the connection's first channel */
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        exec_command(s, measured, opt.output_bytes);
        add(i, now_us() - t0);
    }
    pause_cpu();
    close_session(s);
}

static void m3(void) {
    ssh_session s = connected();
    shell sh;
    open_shell(&sh, s);
    run_framed(&sh, "true"); /* the shell is up (and bootstrapped) */
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        run_framed(&sh, measured);
        add(i, now_us() - t0);
        check_output_bytes(sh.output, opt.output_bytes, measured);
    }
    pause_cpu();
    close_shell(&sh);
    close_session(s);
}

/* All commands framed into one text first (outside the timing), then
 * written in blocks; between blocks, the answers that have come are read
 * and parsed, so neither side's window fills while the other waits. */
static void m4(void) {
    ssh_session s = connected();
    shell sh;
    open_shell(&sh, s);
    run_framed(&sh, "true");
    for (int i = 0; i < opt.warmup; ++i) run_framed(&sh, "true");
    size_t room = (size_t)opt.count * 96 + 1, len = 0;
    char *text = malloc(room);
    size_t *ends = malloc((size_t)opt.count * sizeof *ends); /* where each frame ends in text */
    if (!text || !ends) die("out of memory");
    int first = sh.sent + 1;
    for (int i = 0; i < opt.count; ++i) {
        len += frame(text + len, room - len, &sh, "true", first + i);
        ends[i] = len;
    }
    const size_t block = 32768;
    int whole = 0; /* frames written in full */
    resume();
    double t0 = now_us();
    for (size_t off = 0; off < len;) {
        size_t n = len - off < block ? len - off : block;
        write_all(&sh, text + off, n);
        off += n;
        while (whole < opt.count && ends[whole] <= off) ++whole;
        sh.sent = first + whole - 1;
        while (read_some(&sh, 0) > 0) take_answers(&sh);
    }
    wait_answers(&sh);
    samples[n_samples++] = now_us() - t0;
    pause_cpu();
    note("one sample: %d commands back to back", opt.count);
    free(ends);
    free(text);
    close_shell(&sh);
    close_session(s);
}

/* `echo $HOSTNAME` on a new channel: 0 if it printed `expected` and
 * exited 0, else -1 with `why` saying what it did. */
static int echo_hostname(ssh_session s, const char *expected, char *why, size_t room) {
    ssh_channel ch = ssh_channel_new(s);
    if (!ch || ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, "echo $HOSTNAME") != SSH_OK) {
        snprintf(why, room, "exec: %s", ssh_get_error(s));
        if (ch) ssh_channel_free(ch);
        return -1;
    }
    char out[512];
    size_t len = 0;
    int n;
    while (len < sizeof out - 1 &&
           (n = ssh_channel_read_timeout(ch, out + len, (uint32_t)(sizeof out - 1 - len), 0, READ_TIMEOUT_MS)) > 0)
        len += (size_t)n;
    out[len] = 0;
    int status = ssh_channel_get_exit_status(ch);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    if (len > 0 && out[len - 1] == '\n') out[--len] = 0;
    if (status == 0 && strcmp(out, expected) == 0) return 0;
    snprintf(why, room, "exit %d, output \"%.100s\"", status, out);
    return -1;
}

/* One host of a fan-out, on a thread of its own. */
typedef struct {
    int index;
    const char *expected;
    ssh_session session;
    sem_t *live;   /* posted when the host is done: room for another thread */
    char why[256]; /* empty: the host answered right */
} fanout_host;

static void *fanout_one(void *arg) {
    fanout_host *h = arg;
    h->session = new_session_on(lab.ports[h->index % lab.n_ports]);
    if (try_connect_and_auth(h->session, h->why, sizeof h->why) == 0)
        echo_hostname(h->session, h->expected, h->why, sizeof h->why);
    sem_post(h->live);
    return NULL;
}

/* A thread per host, started as soon as fewer than FANOUT_LIVE are at
 * work; the sample ends when every one has been joined. */
static void m6cold(void) {
    char expected[256] = "";
    gethostname(expected, sizeof expected - 1);
    fanout_host *hosts = calloc((size_t)opt.hosts, sizeof *hosts);
    pthread_t *threads = calloc((size_t)opt.hosts, sizeof *threads);
    if (!hosts || !threads) die("out of memory");
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        sem_t live;
        sem_init(&live, 0, FANOUT_LIVE);
        if (i >= opt.warmup) resume();
        double t0 = now_us();
        for (int k = 0; k < opt.hosts; ++k) {
            hosts[k] = (fanout_host){.index = k, .expected = expected, .live = &live};
            while (sem_wait(&live) != 0 && errno == EINTR) {
            }
            int rc = pthread_create(&threads[k], NULL, fanout_one, &hosts[k]);
            if (rc != 0) die("thread for host %d: %s", k, strerror(rc));
        }
        for (int k = 0; k < opt.hosts; ++k) pthread_join(threads[k], NULL);
        double t = now_us() - t0;
        pause_cpu();
        sem_destroy(&live);
        for (int k = 0; k < opt.hosts; ++k) {
            if (!hosts[k].why[0]) note_algorithms(hosts[k].session);
            if (i < opt.warmup) continue;
            ++host_runs;
            if (hosts[k].why[0] && host_failures++ == 0)
                snprintf(failure_example, sizeof failure_example, "h%04d: %.180s", k, hosts[k].why);
        }
        for (int k = 0; k < opt.hosts; ++k) close_session(hosts[k].session);
        add(i, t);
    }
    note("hosts=%d, a thread per host (threads <= %d live)", opt.hosts, FANOUT_LIVE);
    free(threads);
    free(hosts);
}

/* --- M5: shells at once on one connection ------------------------------------ */

/* Channel data processed for any shell. Reading one shell's channel may
 * process packets of another that was already read in the same pass; a pass
 * during which this did not move saw every buffer empty, so only then may
 * the loop wait on the socket. The data stays for ssh_channel_read. */
static unsigned long arrivals;

static int count_arrival(ssh_session s, ssh_channel ch, void *data, uint32_t len, int is_stderr, void *user) {
    (void)s;
    (void)ch;
    (void)data;
    (void)len;
    (void)is_stderr;
    (void)user;
    ++arrivals;
    return 0;
}

static struct ssh_channel_callbacks_struct arrival_callbacks = {.channel_data_function = count_arrival};

static void wait_readable(ssh_session s) {
    struct pollfd p = {.fd = ssh_get_fd(s), .events = POLLIN};
    int rc;
    while ((rc = poll(&p, 1, READ_TIMEOUT_MS)) < 0 && errno == EINTR) {
    }
    if (rc < 0) die("poll: %s", strerror(errno));
    if (rc == 0) die("no answer from the shells within %d ms", READ_TIMEOUT_MS);
}

static void m5(void) {
    int n = opt.sessions;
    if (n < 1) die("--sessions must be at least 1");
    ssh_session s = connected();
    shell *shells = calloc((size_t)n, sizeof *shells);
    double *started = calloc((size_t)n, sizeof *started);
    if (!shells || !started) die("out of memory");
    ssh_callbacks_init(&arrival_callbacks);
    for (int k = 0; k < n; ++k) {
        open_shell(&shells[k], s);
        run_framed(&shells[k], "true"); /* up and answering */
        if (ssh_set_channel_callbacks(shells[k].ch, &arrival_callbacks) != SSH_OK) die("channel callbacks");
    }
    free(samples);
    size_t capacity = 1 << 16, commands = 0;
    samples = malloc(capacity * sizeof *samples);
    if (!samples) die("out of memory");
    resume();
    double t0 = now_us(), end = t0 + opt.seconds * 1e6;
    for (int k = 0; k < n; ++k) {
        started[k] = now_us();
        submit(&shells[k], "true");
    }
    int active = n;
    while (active > 0) {
        unsigned long seen = arrivals;
        for (int k = 0; k < n; ++k) {
            shell *sh = &shells[k];
            if (sh->parsed == sh->sent) continue; /* its time is up */
            while (read_some(sh, 0) > 0) {
            }
            take_answers(sh);
            if (sh->parsed < sh->sent) continue;
            double now = now_us();
            if (commands == capacity) {
                samples = realloc(samples, (capacity *= 2) * sizeof *samples);
                if (!samples) die("out of memory");
            }
            samples[commands++] = now - started[k];
            if (now < end) {
                started[k] = now_us();
                submit(sh, "true");
            } else {
                --active;
            }
        }
        if (active > 0 && arrivals == seen) wait_readable(s);
    }
    double took = now_us() - t0;
    pause_cpu();
    n_samples = (int)commands;
    note("sessions=%d; %.0f commands/s together; one thread, non-blocking reads", n, (double)commands / (took / 1e6));
    for (int k = 0; k < n; ++k) close_shell(&shells[k]);
    free(started);
    free(shells);
    close_session(s);
}

/* --- M9: memory per connection ---------------------------------------------- */

typedef struct {
    ssh_session *sessions;
    shell *shells; /* NULL: the connections alone */
} m9_hosts;

/* Connects hosts [first, first + count) one after the other; each runs F's
 * `true` in its shell, or one exec `true`. */
static void open_m9_hosts(int first, int count, void *data) {
    m9_hosts *m = data;
    for (int k = first; k < first + count; ++k) {
        m->sessions[k] = new_session_on(lab.ports[k % lab.n_ports]);
        connect_and_auth(m->sessions[k]);
        note_algorithms(m->sessions[k]);
        if (!m->shells) {
            exec_true(m->sessions[k]);
            continue;
        }
        open_shell(&m->shells[k], m->sessions[k]);
        run_framed(&m->shells[k], "true");
    }
}

static void m9(int with_shell) {
    int n = opt.hosts;
    m9_hosts m = {calloc((size_t)n, sizeof *m.sessions), with_shell ? calloc((size_t)n, sizeof *m.shells) : NULL};
    if (!m.sessions || (with_shell && !m.shells)) die("out of memory");
    memory_per_connection(n, open_m9_hosts, &m, with_shell ? "" : "connection only, after one exec `true`", notes,
                          sizeof notes);
    for (int k = 0; k < n; ++k) {
        if (m.shells) close_shell(&m.shells[k]);
        close_session(m.sessions[k]);
    }
    free(m.shells);
    free(m.sessions);
}

/* --- M10: SFTP --------------------------------------------------------------- */

/* The SFTP error of the last call, in words. */
static const char *sftp_error(sftp_session sftp) {
    static char text[300];
    snprintf(text, sizeof text, "%s (SFTP status %d)", ssh_get_error(sftp->session), sftp_get_error(sftp));
    return text;
}

static void write_file(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die("write to the local copy: %s", strerror(errno));
        data += n;
        len -= (size_t)n;
    }
}

/* `local` to `remote`, SFTP_CHUNK at a time with sftp_write, which waits
 * for each write's status: libssh 0.10 has no asynchronous write. */
static void put_file(sftp_session sftp, const char *local, const char *remote, char *buf) {
    int fd = open(local, O_RDONLY);
    if (fd < 0) die("%s: %s", local, strerror(errno));
    sftp_file f = sftp_open(sftp, remote, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!f) die("open %s: %s", remote, sftp_error(sftp));
    ssize_t n;
    while ((n = read(fd, buf, SFTP_CHUNK)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("%s: %s", local, strerror(errno));
        for (ssize_t done = 0; done < n;) {
            ssize_t w = sftp_write(f, buf + done, (size_t)(n - done));
            if (w <= 0) die("write %s: %s", remote, sftp_error(sftp));
            done += w;
        }
    }
    if (sftp_close(f) != SSH_OK) die("close %s: %s", remote, sftp_error(sftp));
    close(fd);
}

/* `remote` to `local` with SFTP_IN_FLIGHT reads of SFTP_CHUNK in flight,
 * answered in order. The file's size (one fstat) bounds the requests, so
 * none reads past the end (libssh 0.10 would leave their answers queued). */
static void get_file(sftp_session sftp, const char *remote, const char *local, char *buf) {
    sftp_file f = sftp_open(sftp, remote, O_RDONLY, 0);
    if (!f) die("open %s: %s", remote, sftp_error(sftp));
    sftp_attributes a = sftp_fstat(f);
    if (!a || !(a->flags & SSH_FILEXFER_ATTR_SIZE)) die("fstat %s: %s", remote, sftp_error(sftp));
    uint64_t size = a->size, asked = 0, got = 0;
    sftp_attributes_free(a);
    int fd = open(local, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("%s: %s", local, strerror(errno));
    /* The requests in flight, oldest at `head`. */
    struct {
        int id;
        uint32_t len;
    } ring[SFTP_IN_FLIGHT];
    int head = 0, in_flight = 0;
    while (got < size) {
        for (; in_flight < SFTP_IN_FLIGHT && asked < size; ++in_flight) {
            uint32_t len = size - asked < SFTP_CHUNK ? (uint32_t)(size - asked) : SFTP_CHUNK;
            int slot = (head + in_flight) % SFTP_IN_FLIGHT;
            ring[slot].id = sftp_async_read_begin(f, len);
            ring[slot].len = len;
            if (ring[slot].id < 0) die("read request on %s: %s", remote, sftp_error(sftp));
            asked += len;
        }
        int n = sftp_async_read(f, buf, SFTP_CHUNK, (uint32_t)ring[head].id);
        if (n < 0) die("read %s: %s", remote, sftp_error(sftp));
        if ((uint32_t)n != ring[head].len)
            die("%s: %d bytes came of %u asked (did it change?)", remote, n, ring[head].len);
        write_file(fd, buf, (size_t)n);
        got += (uint64_t)n;
        head = (head + 1) % SFTP_IN_FLIGHT;
        --in_flight;
    }
    if (close(fd) != 0) die("%s: %s", local, strerror(errno));
    if (sftp_close(f) != SSH_OK) die("close %s: %s", remote, sftp_error(sftp));
}

/* One transfer per sample, open to close; the connection and its SFTP
 * channel are up before the first, as the other drivers' clients are. */
static void m10(int put) {
    if (!opt.file || !opt.dest) die("M10 needs --file and --dest (a directory)");
    const char *slash = strrchr(opt.file, '/');
    char target[4096];
    snprintf(target, sizeof target, "%s/%s", opt.dest, slash ? slash + 1 : opt.file);
    ssh_session s = connected();
    sftp_session sftp = sftp_new(s);
    if (!sftp) die("sftp: %s", ssh_get_error(s));
    if (sftp_init(sftp) != SSH_OK) die("sftp init: %s", sftp_error(sftp));
    char *buf = malloc(SFTP_CHUNK);
    if (!buf) die("out of memory");
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        if (put) put_file(sftp, opt.file, target, buf);
        else get_file(sftp, opt.file, target, buf);
        add(i, now_us() - t0);
    }
    pause_cpu();
    if (put)
        note("sftp_write of %d KiB, one request in flight (libssh 0.10 has no asynchronous write)", SFTP_CHUNK / 1024);
    else note("sftp_async_read of %d KiB, %d requests in flight", SFTP_CHUNK / 1024, SFTP_IN_FLIGHT);
    free(buf);
    sftp_free(sftp);
    close_session(s);
}

/* One small file: its stat, or open + read + close; dies unless it has
 * its 4 KiB. `buf` holds one byte more, so a longer file shows. */
static void stat_small_file(sftp_session sftp, const char *path) {
    sftp_attributes a = sftp_stat(sftp, path);
    if (!a) die("stat %s: %s", path, sftp_error(sftp));
    if (!(a->flags & SSH_FILEXFER_ATTR_SIZE) || a->size != SMALL_FILE_BYTES)
        die("stat %s: not %d bytes", path, SMALL_FILE_BYTES);
    sftp_attributes_free(a);
}

static void read_small_file(sftp_session sftp, const char *path, char *buf) {
    sftp_file f = sftp_open(sftp, path, O_RDONLY, 0);
    if (!f) die("open %s: %s", path, sftp_error(sftp));
    size_t got = 0;
    for (;;) {
        ssize_t n = sftp_read(f, buf + got, SMALL_FILE_BYTES + 1 - got);
        if (n < 0) die("read %s: %s", path, sftp_error(sftp));
        if (n == 0) break;
        got += (size_t)n;
        if (got > SMALL_FILE_BYTES) break;
    }
    if (sftp_close(f) != SSH_OK) die("close %s: %s", path, sftp_error(sftp));
    if (got != SMALL_FILE_BYTES) die("read %s: %zu bytes, not %d", path, got, SMALL_FILE_BYTES);
}

/* PLAN M10's small files on blocking libssh: each call waits for its
 * answer, so one request is in flight at a time. A sample is the whole
 * pass; the ops are the files. */
static void m10small(int read) {
    if (!opt.dir || opt.files < 1) die("m10stat and m10read need --dir and --files");
    char **paths = small_file_paths(opt.dir, opt.files);
    ssh_session s = connected();
    sftp_session sftp = sftp_new(s);
    if (!sftp) die("sftp: %s", ssh_get_error(s));
    if (sftp_init(sftp) != SSH_OK) die("sftp init: %s", sftp_error(sftp));
    char buf[SMALL_FILE_BYTES + 1];
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        begin_at(i);
        double t0 = now_us();
        for (int k = 0; k < opt.files; ++k) {
            if (read) read_small_file(sftp, paths[k], buf);
            else stat_small_file(sftp, paths[k]);
        }
        add(i, now_us() - t0);
    }
    pause_cpu();
    note("%d files of %d KiB, %s, one request at a time (blocking %s)", opt.files, SMALL_FILE_BYTES / 1024,
         read ? "read all" : "stat all", read ? "sftp_open, sftp_read, sftp_close" : "sftp_stat");
    sftp_free(sftp);
    close_session(s);
    free_small_file_paths(paths, opt.files);
}

static void m10_stat(void) { m10small(0); }
static void m10_read(void) { m10small(1); }

static void m9_shell(void) { m9(1); }
static void m9_connection(void) { m9(0); }
static void m10_put(void) { m10(1); }
static void m10_get(void) { m10(0); }

/* --- main ------------------------------------------------------------------ */

static void emit(void) {
    int m9 = strncmp(opt.metric, "m9", 2) == 0;
    int small = !strcmp(opt.metric, "m10stat") || !strcmp(opt.metric, "m10read");
    double ops = !strcmp(opt.metric, "m4") ? opt.count
                 : m9                      ? opt.hosts
                 : small                   ? (double)n_samples * opt.files
                                           : n_samples;
    cJSON *o = result_object("libssh-floor", ssh_version(0), opt.metric, m9 ? "KiB" : "us", ops);
    char text[sizeof algorithms + sizeof notes + 2];
    snprintf(text, sizeof text, "%s%s%s", algorithms, algorithms[0] && notes[0] ? "; " : "", notes);
    cJSON_AddStringToObject(o, "notes", text);
    print_result(o);
}

int main(int argc, char **argv) {
    peer_set_name("libssh-floor");
    parse_options(argc, argv, &opt, take_own_option,
                  "libssh-floor --lab LAB.json --metric M [--count N] [--warmup N] [--pty yes] [--frame f|group] "
                  "[--hosts N] [--sessions S --seconds T] [--file F --dest DIR] [--dir DIR --files N] "
                  "[--cipher NAME] [--output-file F --output-bytes N]");
    const char *m = opt.metric;
    void (*run)(void) = !strcmp(m, "m1")        ? m1
                        : !strcmp(m, "m2cold")  ? m2cold
                        : !strcmp(m, "m2warm")  ? m2warm
                        : !strcmp(m, "m3")      ? m3
                        : !strcmp(m, "m4")      ? m4
                        : !strcmp(m, "m5")      ? m5
                        : !strcmp(m, "m6cold")  ? m6cold
                        : !strcmp(m, "m9")      ? m9_shell
                        : !strcmp(m, "m9conn")  ? m9_connection
                        : !strcmp(m, "m10put")  ? m10_put
                        : !strcmp(m, "m10get")  ? m10_get
                        : !strcmp(m, "m10stat") ? m10_stat
                        : !strcmp(m, "m10read") ? m10_read
                                                : NULL;
    if (!run) die("unknown metric %s (m1 m2cold m2warm m3 m4 m5 m6cold m9 m9conn m10put m10get m10stat m10read)", m);
    if (opt.hosts < 1) die("--hosts must be at least 1");
    if (opt.pty && strcmp(m, "m3") != 0 && strcmp(m, "m4") != 0) die("--pty applies to m3 and m4 only");
    if (frame_group && strcmp(m, "m3") != 0) die("--frame group applies to m3 only");
    measured = variant_command(opt.output_file, opt.output_bytes);
    if (opt.output_file && run != m2warm && run != m3) die("--output-file applies to m2warm and m3 only");
    if (opt.output_file && (opt.pty || frame_group)) die("--output-file runs on F without a PTY");
    load_lab(&lab, opt.lab_path, opt.user_override);
    /* m6cold's threads: libssh 0.10 wants the pthread callbacks before
     * ssh_init. */
    ssh_threads_set_callbacks(ssh_threads_get_pthread());
    if (ssh_init() != SSH_OK) die("ssh_init failed");
    if (ssh_pki_import_privkey_file(lab.key, NULL, NULL, NULL, &identity) != SSH_OK) die("cannot load %s", lab.key);
    region_init(opt.count, opt.warmup);
    run();
    if (opt.pty) note("PTY");
    if (frame_group) note("F inside otto's brace group with a begin line: two writes per command");
    if (opt.output_file) note("%d bytes of output checked per command", opt.output_bytes);
    emit();
    free(samples);
    ssh_key_free(identity);
    ssh_finalize();
    return 0;
}
