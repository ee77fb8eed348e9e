"""What every peer driver shares: the lab's coordinates, the command line,
the F framing of PLAN 4.1, CPU accounting and the JSON each run prints.

A driver measures one metric per run and prints one JSON object on stdout:
{"peer", "version", "metric", "unit": "us", "samples": [...], "ops",
"cpu_us", "notes"}. Samples are wall microseconds per operation read from
a monotonic clock inside the driver; cpu_us is the driver's own user+sys
CPU plus that of children it reaped, over the measured region only. M9
is memory instead: unit "KiB", one sample per run (see emit_memory).
"""

import argparse
import asyncio
import json
import os
import re
import resource
import shlex
import socket
import sys
import time


class Lab:
    """The SSH servers of a lab written by `otto-lab up` (its lab.json), and
    its telnet shell server."""

    def __init__(self, path, user=None, cipher=None):
        with open(path, encoding="utf-8") as f:
            lab = json.load(f)
        try:
            servers = lab["ssh"]
            self.ports = [int(s["port"]) for s in servers]
            self.port = self.ports[0]
            self.key = lab["user"]["key"]
            self.known_hosts = lab["known_hosts"]
        except (KeyError, IndexError, TypeError) as e:
            raise SystemExit(f"{path}: lacks ssh[0].port, user.key or known_hosts ({e})")
        self.host = "127.0.0.1"
        clean = lab.get("password_user") or {}
        # The account with an empty home (no rc files, PLAN 1.2) when there
        # is one; else the invoking user.
        self.user = user or clean.get("name") or lab["user"]["name"]
        self.dir = os.path.dirname(os.path.abspath(path))
        # The first telnet server giving a shell without a login (PLAN 1.4),
        # None when the lab has none.
        self.telnet_port = next((int(t["port"]) for t in lab.get("telnet", [])
                                 if not t.get("login") and not t.get("ash")), None)
        # PLAN 1.1's main cipher unless the driver pins another (--cipher).
        self.cipher = cipher or CIPHER

    def host_names(self, count):
        """The logical hosts of a fan-out: h0000, h0001, ... spread over the
        lab's servers (PLAN M6: N logical hosts on K sshd)."""
        return [f"h{i:04d}" for i in range(count)]

    def port_of(self, index):
        return self.ports[index % len(self.ports)]

    def ssh_config(self, path, count=1, control_dir=None):
        """An OpenSSH client configuration naming `count` logical hosts, with
        the lab's key alone, strict host keys and PLAN 1.1's algorithms; with
        `control_dir`, connections are shared through ControlMaster."""
        lines = []
        for i, name in enumerate(self.host_names(count)):
            lines += ssh_config_host(name, self.host, self.port_of(i), self.user, self.key, self.known_hosts,
                                     self.cipher)
            if control_dir:
                # A master per logical host: %C hashes the address, port and
                # user, which the logical hosts of one server share.
                lines += [
                    "  ControlMaster auto",
                    f"  ControlPath {control_dir}/cm-{name}",
                    "  ControlPersist 600",
                ]
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path


def ssh_config_host(name, address, port, user, key, known_hosts, cipher=None):
    """One `Host` block of an OpenSSH client configuration: the key alone,
    strict host keys, PLAN 1.1's algorithms, the shared 5 s connect
    deadline (OpenSSH applies it to the banner exchange too)."""
    return [
        f"Host {name}",
        f"  HostName {address}",
        f"  Port {port}",
        f"  User {user}",
        f"  IdentityFile {key}",
        "  IdentitiesOnly yes",
        "  IdentityAgent none",
        f"  UserKnownHostsFile {known_hosts}",
        "  StrictHostKeyChecking yes",
        f"  KexAlgorithms {KEX}",
        f"  HostKeyAlgorithms {HOST_KEY}",
        f"  Ciphers {cipher or CIPHER}",
        "  BatchMode yes",
        "  LogLevel ERROR",
        "  ConnectTimeout 5",
    ]


# PLAN 1.1: the pinned algorithms every client uses.
KEX = "curve25519-sha256"
HOST_KEY = "ssh-ed25519"
CIPHER = "aes128-gcm@openssh.com"


_result_stream = None


def keep_stdout_for_the_result():
    """The result JSON alone goes to stdout; whatever a peer library prints
    goes to stderr instead."""
    global _result_stream
    if _result_stream is None:
        sys.stdout.flush()
        _result_stream = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)


def parse_args(metrics, extra=(), cipher=False):
    """The command line every driver shares; `cipher`: the driver can pin
    the cipher --cipher names (M10's variant), so it takes the option."""
    keep_stdout_for_the_result()
    p = argparse.ArgumentParser()
    for flag, text in extra:
        p.add_argument(flag, help=text)
    if cipher:
        p.add_argument("--cipher", default=CIPHER, help=f"the only cipher offered (default {CIPHER})")
    p.add_argument("--lab", required=True, help="lab.json written by otto-lab up")
    p.add_argument("--user", help="log in as this user instead of the lab's clean one")
    p.add_argument("--metric", required=True, choices=sorted(metrics))
    p.add_argument("--count", type=int, default=200, help="measured operations")
    p.add_argument("--warmup", type=int, default=10, help="operations run first and discarded")
    p.add_argument("--hosts", type=int, default=10, help="M6: logical hosts in the fan-out; M9: connections")
    p.add_argument("--sessions", type=int, default=4, help="M5: named sessions at once")
    p.add_argument("--seconds", type=float, default=10, help="M5: how long every session runs commands")
    p.add_argument("--file", help="M10: the local file to put, or the remote file to get")
    p.add_argument("--dest", help="M10: the directory the copy goes to")
    p.add_argument("--dir", help="M10 small files: the directory holding them")
    p.add_argument("--files", type=int, default=0, help="M10 small files: how many")
    p.add_argument("--inventory", help="M7: the hosts, good and bad (written by compare.py)")
    p.add_argument("--good-only", default="no", help="M7: yes runs the inventory's good hosts alone")
    p.add_argument("--output-file", help="M2 warm, M3: `cat` this lab file instead of running `true`")
    p.add_argument("--output-bytes", type=int, default=0, help="M2 warm, M3: the bytes --output-file must print")
    args = p.parse_args()
    if bool(args.output_file) != (args.output_bytes > 0):
        p.error("--output-file and --output-bytes go together")
    if args.output_file and args.metric not in ("m2warm", "m3"):
        p.error("--output-file applies to m2warm and m3 only")
    if args.output_file and getattr(args, "pty", None) == "yes":
        p.error("--output-file runs without a PTY (a PTY turns \\n into \\r\\n)")
    return args


def measured_command(args):
    """PLAN 3's output-volume variants of M2 warm and M3: `cat` of a
    printable lab file of --output-bytes bytes, or `true`."""
    return f"cat {shlex.quote(args.output_file)}" if args.output_file else "true"


def check_output(output, args):
    """Dies unless the command printed exactly --output-bytes bytes (with
    the variant): a truncated or lost output cannot pass. `output` may be
    text: the variant's files are ASCII, a byte per character."""
    if args.output_bytes and len(output) != args.output_bytes:
        raise SystemExit(f"{len(output)} bytes of output, {args.output_bytes} expected")


def output_note(args):
    return f"{args.output_bytes} bytes of output checked per command" if args.output_file else ""


# PLAN M10's small files: --files of them in --dir, named f00000, f00001,
# ... (bench/peers/README.md), each SMALL_FILE_BYTES long. compare.py makes
# them with these names too.
SMALL_FILE_BYTES = 4096


def small_file_paths(directory, count):
    return [os.path.join(directory, f"f{i:05d}") for i in range(count)]


def small_files_of(args):
    """The small files' paths from --dir and --files; exits without them."""
    if not args.dir or args.files < 1:
        raise SystemExit("m10stat and m10read need --dir and --files")
    return small_file_paths(args.dir, args.files)


def small_files_note(args, read, how):
    return f"{args.files} files of {SMALL_FILE_BYTES // 1024} KiB, {'read all' if read else 'stat all'}, {how}"


def cipher_note(lab):
    """The notes' clause naming the cipher: the only one offered, so the
    connection has it or does not exist."""
    return f"cipher {lab.cipher}"


def cpu_us():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime) * 1e6


def now_us():
    return time.monotonic_ns() / 1e3


class Region:
    """Times each operation and counts the CPU of the measured stretches:
    from start() (or begin_at the first measured operation) to stop(), and
    across resume()/pause() pairs where setup must be left out."""

    def __init__(self):
        self.samples = []
        self.cpu_total = 0.0
        self._since = None
        # Fan-outs: host answers over the measured runs, and how many were
        # wrong (an error, a timeout, a wrong output): a figure, not a crash.
        self.host_runs = 0
        self.host_failures = 0
        self.failure_example = ""

    def hosts_answered(self, total, wrong, example=""):
        self.host_runs += total
        self.host_failures += wrong
        if wrong and not self.failure_example:
            self.failure_example = str(example)[:200]

    def resume(self):
        if self._since is None:
            self._since = cpu_us()

    def pause(self):
        if self._since is not None:
            self.cpu_total += cpu_us() - self._since
            self._since = None

    start = resume
    stop = pause

    def begin_at(self, i, warmup):
        """Starts the CPU count at the first measured operation."""
        if i == warmup:
            self.resume()

    def add(self, wall_us):
        self.samples.append(wall_us)


async def sessions_at_once(count, seconds, region, open_one, run_one):
    """PLAN M5: `count` sessions, each running `true` back to back for
    `seconds`, all at once; a sample per command. Returns commands/s."""
    sessions = [await open_one(k) for k in range(count)]
    for s in sessions:
        await run_one(s)
    region.start()
    t0 = now_us()
    end = t0 + seconds * 1e6

    async def loop(session):
        while now_us() < end:
            started = now_us()
            await run_one(session)
            region.add(now_us() - started)

    import asyncio  # noqa: PLC0415 - only the async drivers need it

    await asyncio.gather(*(loop(s) for s in sessions))
    took = now_us() - t0
    region.stop()
    return len(region.samples) / (took / 1e6), sessions


def emit(peer, version, metric, region, ops=None, notes="", unit="us", extra=None):
    out = _result_stream or sys.stdout
    json.dump(
        {
            "peer": peer,
            "version": version,
            "metric": metric,
            "unit": unit,
            "samples": region.samples,
            "ops": ops if ops is not None else len(region.samples),
            "cpu_us": region.cpu_total,
            "notes": notes,
            **({"host_runs": region.host_runs, "host_failures": region.host_failures,
                "failure_example": region.failure_example} if region.host_runs else {}),
            **(extra or {}),
        },
        out,
    )
    out.write("\n")
    out.flush()


class Framing:
    """PLAN 4.1 (F): each command is followed by a printf of a sentinel that
    carries the session nonce, the command's index and its exit code."""

    def __init__(self, nonce=None):
        self.nonce = nonce or f"{os.getpid():x}{time.monotonic_ns() & 0xFFFFFF:x}"
        self.index = 0

    def frame(self, command):
        self.index += 1
        text = f"{command}\nprintf '\\n__S_%s_%s_%s__\\n' {self.nonce} {self.index} \"$?\"\n"
        # \r?: a PTY turns each newline into CR LF.
        end = re.compile(rf"\r?\n__S_{self.nonce}_{self.index}_([0-9]+)__\r?\n".encode())
        return text.encode(), end


def parse_framed(buffer, end, start=0):
    """(output, exit code, rest) once `end` is in `buffer` (at `start` or
    later), else None."""
    m = end.search(buffer, start)
    if not m:
        return None
    return buffer[: m.start()], int(m.group(1)), buffer[m.end():]


# PLAN M11: what a probe of `cat /proc/loadavg` must print: three load
# numbers first (then runnable/total tasks and the last pid).
LOADAVG = re.compile(r"^\d+\.\d+ \d+\.\d+ \d+\.\d+ ")


class Polling:
    """PLAN M11's figures: tick k is due at t0 + k * interval; its lateness is
    dispatch - due, and its results are all in at `done`. Probes are checked
    and counted here, so every driver judges them alike."""

    def __init__(self, hosts, ticks, interval_s=1.0):
        self.hosts = hosts
        self.ticks = ticks
        self.interval_us = interval_s * 1e6
        self.t0 = None
        self.dispatch = {}  # tick index -> when its work started
        self.done = {}  # tick index -> when its last result came in
        self.extra = 0  # dispatches that were no tick of the schedule
        self.probes = self.skipped = self.failed = 0
        self.failure_example = ""

    def start(self):
        self.t0 = now_us()

    def due(self, index):
        return self.t0 + index * self.interval_us

    def probe(self, output):
        """Counts one probe; `output` is its text, or what went wrong."""
        self.probes += 1
        if isinstance(output, str) and LOADAVG.match(output):
            return True
        self.failed += 1
        self.failure_example = self.failure_example or repr(output)[:200]
        return False

    def skip(self, count=1):
        """A host still busy with an earlier tick, left out of this one."""
        self.skipped += count

    def figures(self, region, label):
        """Puts each tick's lateness into `region` and returns the notes."""
        late, in_late, merged, previous = [], [], 0, None
        for k in sorted(self.dispatch):
            late.append(self.dispatch[k] - self.due(k))
            if k in self.done:
                in_late.append(self.done[k] - self.due(k))
            # A tick that fired within half an interval of the one before.
            if previous is not None and self.dispatch[k] - previous < self.interval_us / 2:
                merged += 1
            previous = self.dispatch[k]
        region.samples = late
        region.hosts_answered(self.probes + self.skipped, self.failed, self.failure_example)
        missed = sum(1 for k in range(self.ticks) if k not in self.dispatch)
        seconds = self.ticks * self.interval_us / 1e6
        ordered = sorted(late)

        def at(values, q):
            values = sorted(values)
            return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else 0

        return (f"hosts={self.hosts}; CPU {region.cpu_total / (seconds * 1e6) * 100:.2f}% of a core over "
                f"{seconds:.0f} s; lateness p99 {at(ordered, 0.99):.0f} us, max {ordered[-1] if ordered else 0:.0f} us;"
                f" drift at the last tick {late[-1] if late else 0:.0f} us; all results in: p50 {at(in_late, 0.5):.0f}"
                f" us, p99 {at(in_late, 0.99):.0f} us late; missed {missed}, merged {merged + self.extra} ticks;"
                f" {self.skipped} skipped, {self.failed} failed of {self.probes + self.skipped} probes; {label}")


# More than a sentinel's length (\r\n__S_<nonce>_<index>_<code>__\r\n).
SENTINEL_ROOM = 128


class FramedShell:
    """A shell on a pipe (`bash --noprofile --norc` on an exec channel, or
    an `ssh -T` child process), driven with F. `process` has stdin.write()
    and an awaitable stdout.read(), as asyncssh's processes and asyncio's
    subprocesses both do."""

    def __init__(self, process):
        self.process = process
        self.framing = Framing()
        self.buffer = bytearray()  # grows in place: a 1 MiB output arrives in many reads

    async def run(self, command):
        """Runs `command`; returns its output once its sentinel is in."""
        data, end = self.framing.frame(command)
        self.process.stdin.write(data)
        start = 0
        while True:
            parsed = parse_framed(self.buffer, end, start)
            if parsed:
                output, code, self.buffer = parsed
                if code != 0:
                    raise SystemExit(f"{command} exited {code}")
                return output
            # A large output arrives in many reads: search only the new
            # bytes and a sentinel's length before them again.
            start = max(0, len(self.buffer) - SENTINEL_ROOM)
            chunk = await self.process.stdout.read(65536)
            if not chunk:
                raise SystemExit("the shell ended")
            self.buffer += chunk

    async def run_pipelined(self, command, count):
        """PLAN M4: `count` framed `command`s written back to back without
        waiting for any answer, then their sentinels read in order; returns
        once the last exit code is in. The reads run beside the writes: a
        writer that waited for its drain while nobody read the shell's
        output would stall once the pipes or the SSH window are full."""
        frames = [self.framing.frame(command) for _ in range(count)]

        async def write_all():
            for data, _ in frames:
                self.process.stdin.write(data)
                await self.process.stdin.drain()

        async def read_all():
            for k, (_, end) in enumerate(frames):
                while True:
                    parsed = parse_framed(self.buffer, end)
                    if parsed:
                        break
                    chunk = await self.process.stdout.read(65536)
                    if not chunk:
                        raise SystemExit("the shell ended")
                    self.buffer += chunk
                _, code, self.buffer = parsed
                if code != 0:
                    raise SystemExit(f"{command} (number {k + 1}) exited {code}")

        await asyncio.gather(write_all(), read_all())


async def measure_pipelined(shell, count, region):
    """PLAN M4 on a FramedShell: one framed `true` first (the shell is up),
    then one sample from the first submit to the last exit code."""
    await shell.run("true")
    region.start()
    t0 = now_us()
    await shell.run_pipelined("true", count)
    region.add(now_us() - t0)
    region.stop()
    return f"one sample: {count} commands back to back"


def first_and_last(samples, n=10):
    """PLAN M12's 1 MiB variant: the mean of the first and of the last `n`
    samples, which tells whether matching slows as output piles up."""
    if not samples:
        return "no samples"
    n = min(n, len(samples))
    first, last = sum(samples[:n]) / n, sum(samples[-n:]) / n
    return (f"first {n}: {first / 1e3:.2f} ms, last {n}: {last / 1e3:.2f} ms per exchange"
            f" (last/first {last / first:.2f})")


# PLAN M12's 1 MiB variant: exchange i prints 1 MiB of lines that cannot
# match, then a marker. The marker's format and number are apart in the
# command, so a terminal's echo of the command never matches it.
BIG_OUTPUT = 1 << 20


def big_exchange(i):
    """(the command line of exchange i, the regex of its marker)."""
    command = f"yes x | head -c {BIG_OUTPUT}; printf '__M_%s__\\n' {i}\n"
    return command, rf"__M_{i}__\r?\n"


# --- PLAN M9: memory per connection ------------------------------------------

SETTLE_S = 2.0  # memory is read after this long with nothing to do
OPEN_BATCH = 20  # connections opened at once, as otto-bench opens them


def vmrss_kib():
    """This process's resident memory: what an in-process peer's
    connections cost lives here."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name == "VmRSS":
                return int(value.split()[0])
    raise SystemExit("/proc/self/status has no VmRSS")


def descendants(root):
    """The pids of `root`'s children, their children, and so on."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        # The command name, in parentheses, may hold spaces: the fields
        # after its last ")" are the state, then the parent's pid.
        parent = int(stat[stat.rindex(")") + 1:].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pss_kib(pid):
    """One process's proportional set size (each shared page split among
    the processes that map it); 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_tree_kib(extra_pids=()):
    """A process-per-host peer's memory: PSS summed over this process, its
    descendants and `extra_pids` (daemons that left the tree, such as
    ControlMaster's masters). PSS, not RSS: N ssh processes share their
    code, which RSS would count N times."""
    pids = {os.getpid(), *descendants(os.getpid()), *extra_pids}
    return sum(pss_kib(p) for p in pids)


async def memory_per_connection(count, open_some, memory):
    """PLAN M9: opens one connection, lets it settle, reads `memory()`;
    opens the other count - 1, OPEN_BATCH at a time, settles, reads it
    again. `open_some(indices)` opens those connections, checks each one
    answers, and returns them: they stay referenced, and open, until the
    caller lets them go. Returns (KiB with 1, KiB with count, connections)."""
    import asyncio  # noqa: PLC0415 - only the async drivers need it

    if count < 2:
        raise SystemExit("M9 needs --hosts 2 or more")
    kept = list(await open_some(range(1)))
    await asyncio.sleep(SETTLE_S)
    before = memory()
    for start in range(1, count, OPEN_BATCH):
        kept += await open_some(range(start, min(count, start + OPEN_BATCH)))
    await asyncio.sleep(SETTLE_S)
    return before, memory(), kept


def emit_memory(peer, version, metric, count, before, after, kind, notes=""):
    """M9's result: one sample, (KiB with `count` connections - KiB with 1)
    / (count - 1); `kind` names the memory (VmRSS or PSS)."""
    region = Region()
    region.add((after - before) / (count - 1))
    text = f"{kind}, N={count}: {before} -> {after} KiB"
    emit(peer, version, metric, region, ops=count, notes=f"{text}; {notes}" if notes else text, unit="KiB")


# --- PLAN M7: fan-out isolation ---------------------------------------------

# What each kind of bad host must be reported as. Every peer gets the same
# deadlines: connect 5 s, banner + key exchange 5 s, authentication 5 s,
# command 30 s, no retries.
EXPECTED_KIND = {"dead": "refused", "hang": "timeout", "auth": "auth"}
CONNECT_S = 5
COMMAND_S = 30


class Inventory:
    """The hosts of an M7 run, in order, as compare.py writes them:
    {"hosts": [{"name", "address", "port", "user", "key", "kind"}, ...]}.
    kind: good; dead (nothing listens on the port); hang (a listener that
    accepts and never sends a banner); auth (the lab's sshd, offered a key it
    does not authorize)."""

    def __init__(self, path, good_only=False):
        if not path:
            raise SystemExit("m7 needs --inventory")
        with open(path, encoding="utf-8") as f:
            hosts = json.load(f)["hosts"]
        self.hosts = [h for h in hosts if h["kind"] == "good" or not good_only]

    def good(self):
        return [h for h in self.hosts if h["kind"] == "good"]


def error_kind(error):
    """refused, timeout, auth or other: what a host's failure says, by its
    type first and its message else (libraries word these differently)."""
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, TimeoutError):
        return "timeout"
    text = (f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)).lower()
    if "permission denied" in text or "auth" in text:
        return "auth"
    if "refused" in text:
        return "refused"
    if "timed out" in text or "timeout" in text:
        return "timeout"
    return "other"


class Isolation:
    """Tallies M7 runs: T_good (the last good host's completion, from the
    start of the fan-out), good hosts that failed, and per bad kind how many
    were reported with the expected error kind and the slowest report."""

    def __init__(self, inventory, region):
        self.inventory = inventory
        self.region = region
        self.expected = socket.gethostname()
        self.bad = {}

    def record(self, outcomes):
        """`outcomes`: host name -> (µs from the fan-out's start to that
        host's result, the answer or the error). Returns T_good in µs."""
        t_good, wrong, example = 0.0, 0, ""
        for h in self.inventory.hosts:
            t, answer = outcomes.get(h["name"], (None, "no result"))
            if h["kind"] == "good":
                if t is not None:
                    t_good = max(t_good, t)
                if t is None or answer != self.expected:
                    wrong += 1
                    example = example or f"{h['name']}: {answer!r}"[:200]
                continue
            kind = "answered" if t is not None and answer == self.expected else error_kind(answer)
            tally = self.bad.setdefault(h["kind"], {"expected": EXPECTED_KIND[h["kind"]], "hosts": 0,
                                                    "right_kind": 0, "slowest_us": 0.0, "seen": {}})
            tally["hosts"] += 1
            tally["right_kind"] += kind == tally["expected"]
            tally["seen"][kind] = tally["seen"].get(kind, 0) + 1
            if t is not None:
                tally["slowest_us"] = max(tally["slowest_us"], t)
            if kind != tally["expected"] and "example" not in tally:
                tally["example"] = f"{h['name']}: {answer}"[:200]
        self.region.hosts_answered(len(self.inventory.good()), wrong, example)
        self.region.add(t_good)
        return t_good

    def fields(self):
        return {"t_good_us": list(self.region.samples), "good_failures": self.region.host_failures,
                "bad": self.bad}

    def notes(self):
        return f"hosts={len(self.inventory.hosts)}, good={len(self.inventory.good())}"

    def ssh_config(self, path, known_hosts):
        """An OpenSSH client configuration naming the inventory's hosts."""
        lines = []
        for h in self.inventory.hosts:
            lines += ssh_config_host(h["name"], h["address"], h["port"], h["user"], h["key"], known_hosts)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path
