/* The raw-libssh floor under the peer protocol (bench/peers/README.md):
 * libssh called directly, in blocking mode, with nothing around it; the
 * denominator of PLAN 6's M3 target, not a competitor. One metric per run
 * against a lab written by `otto-lab up`, one JSON object on stdout.
 *
 * Every connection pins PLAN 1.1's algorithms, sets TCP_NODELAY, checks
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
 *   m4      --count commands `true` written back to back with F; one
 *           sample: first write -> last exit code parsed
 *   m6cold  --hosts hosts spread over the lab's servers, one after the
 *           other (blocking libssh has no fan-out): connect + auth + exec
 *           `echo $HOSTNAME` + its output checked; the connections close
 *           after the sample, as otto's do when its context goes */
#define _GNU_SOURCE /* memmem */
#include <cjson/cJSON.h>
#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instr_region.h"
#include "peer_driver.h"

#define KEX "curve25519-sha256"
#define HOST_KEY "ssh-ed25519"
#define CIPHER "aes128-gcm@openssh.com"
#define SHELL "bash --noprofile --norc"
/* PLAN 4.1's bootstrap of a shell on a PTY. */
#define PTY_BOOTSTRAP \
    "stty -echo; bind 'set enable-bracketed-paste off' 2>/dev/null; export TERM=dumb PAGER=cat PS1= PS2=\n"
#define READ_TIMEOUT_MS 30000
#define TIMEOUT_S 30L

typedef struct {
    const char *lab_path;
    const char *user_override;
    const char *metric;
    int count, warmup, pty, hosts;
} options;

static options opt = {.count = 200, .warmup = 10, .hosts = 10};
static peer_lab lab;
static ssh_key identity;
static char notes[256];

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
    set_option(s, SSH_OPTIONS_CIPHERS_C_S, CIPHER, "cipher c->s");
    set_option(s, SSH_OPTIONS_CIPHERS_S_C, CIPHER, "cipher s->c");
    set_option(s, SSH_OPTIONS_COMPRESSION, "no", "compression");
    set_option(s, SSH_OPTIONS_NODELAY, &yes, "nodelay");
    set_option(s, SSH_OPTIONS_TIMEOUT, &timeout, "timeout");
    return s;
}

static ssh_session new_session(void) { return new_session_on(lab.ports[0]); }

/* TCP connect, key exchange, the strict host key check, publickey auth. */
static void connect_and_auth(ssh_session s) {
    if (ssh_connect(s) != SSH_OK) die("connect: %s", ssh_get_error(s));
    enum ssh_known_hosts_e known = ssh_session_is_known_server(s);
    if (known != SSH_KNOWN_HOSTS_OK) die("the server's host key is not known as it is (%d)", (int)known);
    if (ssh_userauth_publickey(s, NULL, identity) != SSH_AUTH_SUCCESS) die("publickey auth: %s", ssh_get_error(s));
}

static void close_session(ssh_session s) {
    ssh_disconnect(s);
    ssh_free(s);
}

/* What the first connection negotiated, for the notes. */
static void note_algorithms(ssh_session s) {
    if (notes[0]) return;
    const char *kex = ssh_get_kex_algo(s), *in = ssh_get_cipher_in(s), *out = ssh_get_cipher_out(s);
    snprintf(notes, sizeof notes, "kex %s, cipher %s/%s", kex ? kex : "?", in ? in : "?", out ? out : "?");
}

static ssh_channel open_channel(ssh_session s) {
    ssh_channel ch = ssh_channel_new(s);
    if (!ch) die("channel: %s", ssh_get_error(s));
    if (ssh_channel_open_session(ch) != SSH_OK) die("channel open: %s", ssh_get_error(s));
    return ch;
}

/* exec `true` on a new channel: exit status, then the channel closed. */
static void exec_true(ssh_session s) {
    ssh_channel ch = open_channel(s);
    if (ssh_channel_request_exec(ch, "true") != SSH_OK) die("exec: %s", ssh_get_error(s));
    int status = ssh_channel_get_exit_status(ch);
    if (status != 0) die("true exited %d", status);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
}

/* --- F over a shell channel ---------------------------------------------- */

typedef struct {
    ssh_channel ch;
    char nonce[32];
    int sent, parsed; /* command indexes: last written, last answered */
    char *buf;        /* bytes read; those before `head` are consumed */
    size_t head, len, cap;
    size_t scan; /* the sentinel cannot start before this offset */
} shell;

static void write_all(shell *sh, const char *data, size_t len) {
    while (len > 0) {
        int n = ssh_channel_write(sh->ch, data, (uint32_t)len);
        if (n <= 0) die("write to the shell failed");
        data += n;
        len -= (size_t)n;
    }
}

/* Writes command i framed with F: the command, then the sentinel printf. */
static size_t frame(char *out, size_t room, const shell *sh, const char *command, int i) {
    int n = snprintf(out, room, "%s\nprintf '\\n__S_%%s_%%s_%%s__\\n' %s %d \"$?\"\n", command, sh->nonce, i);
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

/* One command, call to exit code. */
static void run_framed(shell *sh, const char *command) {
    char line[256];
    size_t n = frame(line, sizeof line, sh, command, ++sh->sent);
    write_all(sh, line, n);
    wait_answers(sh);
}

static void open_shell(shell *sh, ssh_session s) {
    memset(sh, 0, sizeof *sh);
    snprintf(sh->nonce, sizeof sh->nonce, "%x%x", (unsigned)getpid(), (unsigned)(now_us()) & 0xffffffu);
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
        exec_true(s);
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
        run_framed(&sh, "true");
        add(i, now_us() - t0);
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
    snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "; one sample: %d commands back to back", opt.count);
    free(ends);
    free(text);
    close_shell(&sh);
    close_session(s);
}

/* `echo $HOSTNAME` on a new channel; 0 unless it printed `expected` and
 * exited 0. */
static int echo_hostname(ssh_session s, const char *expected) {
    ssh_channel ch = open_channel(s);
    if (ssh_channel_request_exec(ch, "echo $HOSTNAME") != SSH_OK) die("exec: %s", ssh_get_error(s));
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
    return status == 0 && strcmp(out, expected) == 0;
}

static void m6cold(void) {
    char expected[256] = "";
    gethostname(expected, sizeof expected - 1);
    ssh_session *open = calloc((size_t)opt.hosts, sizeof *open);
    if (!open) die("out of memory");
    for (int i = 0; i < opt.warmup + opt.count; ++i) {
        if (i >= opt.warmup) resume();
        double t0 = now_us();
        for (int k = 0; k < opt.hosts; ++k) {
            open[k] = new_session_on(lab.ports[k % lab.n_ports]);
            connect_and_auth(open[k]);
            if (!echo_hostname(open[k], expected)) die("host %d did not answer with this machine's name", k);
        }
        double t = now_us() - t0;
        pause_cpu();
        note_algorithms(open[0]);
        for (int k = 0; k < opt.hosts; ++k) close_session(open[k]);
        add(i, t);
    }
    snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "; hosts=%d, one after the other", opt.hosts);
    free(open);
}

/* --- main ------------------------------------------------------------------ */

static void emit(void) {
    double ops = strcmp(opt.metric, "m4") == 0 ? opt.count : n_samples;
    cJSON *o = result_object("libssh-floor", ssh_version(0), opt.metric, "us", ops);
    cJSON_AddStringToObject(o, "notes", notes);
    print_result(o);
}

int main(int argc, char **argv) {
    peer_set_name("libssh-floor");
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (i + 1 >= argc) die("%s needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--lab")) opt.lab_path = v;
        else if (!strcmp(a, "--user")) opt.user_override = v;
        else if (!strcmp(a, "--metric")) opt.metric = v;
        else if (!strcmp(a, "--count")) opt.count = int_arg(v, a);
        else if (!strcmp(a, "--warmup")) opt.warmup = int_arg(v, a);
        else if (!strcmp(a, "--pty")) opt.pty = !strcmp(v, "yes");
        else if (!strcmp(a, "--hosts")) opt.hosts = int_arg(v, a);
        else die("unknown option %s", a);
    }
    if (!opt.lab_path || !opt.metric)
        die("usage: libssh-floor --lab LAB.json --metric m1|m2cold|m2warm|m3|m4|m6cold [--count N] [--warmup N] [--pty "
            "yes] "
            "[--hosts N]");
    const char *m = opt.metric;
    void (*run)(void) = !strcmp(m, "m1")       ? m1
                        : !strcmp(m, "m2cold") ? m2cold
                        : !strcmp(m, "m2warm") ? m2warm
                        : !strcmp(m, "m3")     ? m3
                        : !strcmp(m, "m4")     ? m4
                        : !strcmp(m, "m6cold") ? m6cold
                                               : NULL;
    if (!run) die("unknown metric %s (m1 m2cold m2warm m3 m4 m6cold)", m);
    if (opt.hosts < 1) die("--hosts must be at least 1");
    if (opt.pty && strcmp(m, "m3") != 0 && strcmp(m, "m4") != 0) die("--pty applies to m3 and m4 only");
    load_lab(&lab, opt.lab_path, opt.user_override);
    if (ssh_init() != SSH_OK) die("ssh_init failed");
    if (ssh_pki_import_privkey_file(lab.key, NULL, NULL, NULL, &identity) != SSH_OK) die("cannot load %s", lab.key);
    region_init(opt.count, opt.warmup);
    run();
    if (opt.pty) snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "; PTY");
    emit();
    free(samples);
    ssh_key_free(identity);
    ssh_finalize();
    return 0;
}
