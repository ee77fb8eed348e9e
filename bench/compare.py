"""Runs otto and its peers side by side on the same lab (PLAN 3, 4) and
writes every figure as JSON, a Markdown table and a PNG chart per metric
group.

Each measurement is one run of a peer driver (bench/peers/README.md); the
work is split into rounds, and within a round every metric runs each peer in
turn, the order rotating from round to round, so that a slow minute of the
machine falls on all of them alike. Figures per (metric, variant, peer):
median and p99 wall time per operation, controller CPU per operation (the
driver and the children it reaped), and both as ratios to otto's.

    python3 bench/compare.py --lab LAB.json --otto-peer BUILD/bench/otto-peer --out DIR [--quick]
"""

import argparse
import hashlib
import json
import os
import platform
import random
import socket
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")

# The peers: how to start each driver, with the options a variant adds.
DRIVERS = {
    "otto": lambda a: [a.otto_peer],
    "otto+callbacks": lambda a: [a.otto_peer, "--callbacks", "yes"],
    "otto+pty": lambda a: [a.otto_peer, "--pty", "yes"],
    # The raw-libssh floor (PLAN 4.2): the M3 denominator, not a competitor.
    "libssh-floor": lambda a: [a.floor_peer],
    "libssh-floor+pty": lambda a: [a.floor_peer, "--pty", "yes"],
    "asyncssh": lambda a: [sys.executable, os.path.join(PEERS, "asyncssh_peer.py")],
    "asyncssh+pty": lambda a: [sys.executable, os.path.join(PEERS, "asyncssh_peer.py"), "--pty", "yes"],
    "otto-sh": lambda a: [sys.executable, os.path.join(PEERS, "otto_sh_peer.py")],
    "parallel-ssh": lambda a: [sys.executable, os.path.join(PEERS, "parallel_ssh_peer.py")],
    "rmote": lambda a: [sys.executable, os.path.join(PEERS, "rmote_peer.py")],
    "openssh": lambda a: [sys.executable, os.path.join(PEERS, "openssh_peer.py")],
    "openssh+cm": lambda a: [sys.executable, os.path.join(PEERS, "openssh_peer.py"), "--control-master", "yes"],
    "pdsh": lambda a: [sys.executable, os.path.join(PEERS, "openssh_peer.py"), "--tool", "pdsh"],
    "clush": lambda a: [sys.executable, os.path.join(PEERS, "openssh_peer.py"), "--tool", "clush"],
}

# What runs: (group, metric, variant label, driver metric, extra options,
# peers, operations per round (full, quick), warm-up per run).
M10_MIB = {"full": 256, "quick": 4}


def work_plan(fanout_sizes, quick, m7_sizes=()):
    plan = [
        ("M1", "m1", "connect + auth", [], ["otto", "libssh-floor", "asyncssh", "parallel-ssh"], (40, 3), 2),
        ("M2", "m2cold", "cold one-shot `true`", [],
         ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh"], (40, 3), 2),
        ("M2", "m2warm", "warm one-shot `true`", [],
         ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh+cm"], (100, 5), 5),
        ("M3", "m3", "persistent-session round trip `true`", [],
         ["otto", "otto+callbacks", "otto+pty", "libssh-floor", "libssh-floor+pty", "asyncssh", "asyncssh+pty",
          "otto-sh", "rmote", "openssh", "openssh+cm"],
         (1000, 20), 50),
        ("M4", "m4", "10,000 commands back to back, per command", [],
         ["otto", "libssh-floor", "rmote", "asyncssh", "openssh", "openssh+cm"], (10000, 100), 0),
    ]
    seconds = "1" if quick else "10"
    for sessions in (1, 4, 8):
        plan.append(("M5", "m5", f"{sessions} named sessions at once, per command",
                     ["--sessions", str(sessions), "--seconds", seconds], ["otto", "asyncssh", "otto-sh", "openssh+cm"],
                     (1, 1), 0))
    for n in fanout_sizes:
        plan.append(("M6", "m6cold", f"cold fan-out, {n} hosts", ["--hosts", str(n)],
                     ["otto", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh", "pdsh", "clush"], (2, 1), 0))
        plan.append(("M6", "m6warm", f"warm fan-out, {n} hosts", ["--hosts", str(n)],
                     ["otto", "asyncssh", "otto-sh", "parallel-ssh", "openssh+cm"], (5, 1), 0))
    plan.append(("M12", "m12", "send `i+1` to `bc -q`, expect the answer", [], ["otto", "asyncssh", "otto-sh"],
                 (1000, 20), 20))
    plan.append(m12_big_row())
    # One transfer first on each connection: the first large write of a
    # connection runs at a fraction of the speed for every client alike
    # (measured: 85-130 ms for 4 MiB against 10-45 ms after), a server-side
    # warm-up, not what M10 compares.
    plan.append(("M10", "m10put", "put of one random file", [], ["otto", "asyncssh", "otto-sh", "parallel-ssh"],
                 (2, 1), 1))
    plan.append(("M10", "m10get", "get of one random file", [], ["otto", "asyncssh", "otto-sh", "parallel-ssh"],
                 (2, 1), 1))
    plan += polling_rows(quick)
    plan += memory_plan(quick)
    plan += m7_rows(m7_sizes)
    plan += instruction_rows(quick)
    return plan


def m12_big_row():
    """PLAN M12's variant: 1 MiB of output that cannot match before each
    marker; the drivers' notes compare the first exchanges with the last."""
    return ("M12", "m12big", "send, 1 MiB of unmatched output, expect the marker", [], ["otto", "asyncssh", "otto-sh"],
            (50, 3), 1)


# Rows measured in the first round only: one M11 run lasts a minute per
# peer, and repeating it every round would add many minutes for little.
FIRST_ROUND_ONLY = {"m11"}


def polling_rows(quick):
    """PLAN M11: a sample per tick, its lateness; ops are ticks, so CPU / op
    is CPU per tick and the drivers' notes carry CPU % and the rest."""
    hosts, seconds = (10, 5) if quick else (100, 60)
    return [("M11", "m11", f"poll {hosts} hosts every 1 s for {seconds} s, lateness per tick",
             ["--hosts", str(hosts), "--seconds", str(seconds)], ["otto", "otto-sh", "asyncssh", "parallel-ssh"],
             (1, 1), 0)]


def memory_plan(quick):
    """PLAN M9: memory per connection, N hosts spread over the lab's servers;
    one run per round gives one figure, in KiB. rmote has no connection
    without its bootstrapped Python, so no connection-only row."""
    hosts = ["--hosts", "20" if quick else "200"]
    return [
        ("M9", "m9", "idle connection with one shell", hosts,
         ["otto", "otto+pty", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh", "openssh+cm"], (1, 1), 0),
        ("M9", "m9conn", "idle connection only", hosts,
         ["otto", "asyncssh", "otto-sh", "parallel-ssh", "openssh", "openssh+cm"], (1, 1), 0),
    ]


# PLAN M7: the peers that fan out with a result or an error per host.
M7_PEERS = ["otto", "asyncssh", "otto-sh", "parallel-ssh", "openssh", "pdsh", "clush", "rmote"]


def m7_rows(sizes):
    """M7 at each size: the fan-out with its bad hosts, then the same
    inventory's good hosts alone, in the same round (the T_good baseline).
    One fan-out per run; compare.py adds the inventory (IsolationLab)."""
    rows = []
    for n in sizes:
        good = n - len(bad_positions(n))
        rows.append(("M7", "m7", f"isolation, {n} hosts: {good} good, {n - good} bad",
                     ["--hosts", str(n), "--good-only", "no"], M7_PEERS, (1, 1), 0))
        rows.append(("M7", "m7", f"isolation baseline, the same {good} good hosts alone",
                     ["--hosts", str(n), "--good-only", "yes"], M7_PEERS, (1, 1), 0))
    return rows


# PLAN 2, M8: instructions per operation, counted by callgrind in the C
# drivers' measured regions (bench/peers/instr_region.h). The counts barely
# move with the load on the other core, so one run in the first round is
# enough; under valgrind a driver runs ~50x slower, hence the small counts.
CALLGRIND_GROUPS = {"M8"}
CALLGRIND = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
INSTR_PEERS = ["otto", "libssh-floor"]


def instruction_rows(quick):
    """M8's callgrind rows: per connect + auth (M1), per command (M3 and
    M4), per host (M6 cold, 10 hosts: one fan-out after one not counted).
    The counts are (full, quick) and not split among rounds."""
    return [
        ("M8", "m1", "instructions per connect + auth (callgrind)", [], INSTR_PEERS, (10, 2), 2),
        ("M8", "m3", "instructions per persistent-session command `true` (callgrind)", [],
         ["otto", "otto+pty", "libssh-floor"], (300, 20), 20),
        ("M8", "m4", "instructions per command, back to back (callgrind)", [], INSTR_PEERS, (2000, 100), 0),
        ("M8", "m6cold", "instructions per host, cold fan-out of 10 hosts (callgrind)", ["--hosts", "10"],
         INSTR_PEERS, (1, 1), 1),
    ]


# Fan-outs this large run in the first round only: a round of them costs
# minutes (hundreds of ssh processes or Python bootstraps for some peers).
FIRST_ROUND_ONLY_HOSTS = 500


def first_round_only(group, metric, extra=()):
    big = metric.startswith("m6") and int(option(extra, "--hosts") or 0) >= FIRST_ROUND_ONLY_HOSTS
    return metric in FIRST_ROUND_ONLY or group in CALLGRIND_GROUPS or big


def run_count(group, metric, counts, quick, rounds):
    """Operations per run: the round's share of the row's count, or all of
    it where one run stands for the row (M4's one sample, the callgrind
    rows)."""
    whole = counts[1 if quick else 0]
    return max(1, whole if metric == "m4" or group in CALLGRIND_GROUPS else whole // rounds)


def run_measurement(args, group, peer, metric, extra, count, warmup):
    """One driver run: under callgrind for its groups, plainly otherwise."""
    if group in CALLGRIND_GROUPS:
        return run_callgrind(args, peer, metric, extra, count, warmup)
    return run_driver(args, peer, metric, extra, count, warmup)


def run_callgrind(args, peer, metric, extra, count, warmup):
    """The driver under callgrind, counting its measured region only; the
    result becomes one sample in "instr": the instructions (Ir) of all its
    threads over the operations (commands, connects, or hosts for M6)."""
    out_dir = tempfile.mkdtemp(prefix="otto-compare-cg.")
    try:
        prefix = CALLGRIND + [f"--callgrind-out-file={os.path.join(out_dir, 'callgrind.out.%p')}"]
        result, how = run_driver(args, peer, metric, extra, count, warmup, prefix)
        if result is None:
            return None, how
        instructions = callgrind_instructions(out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    if not instructions:
        return None, "callgrind counted no instructions (a driver built without valgrind's headers?)"
    hosts = int(option(extra, "--hosts") or 1) if metric.startswith("m6") else 1
    operations = result["ops"] * hosts
    per = "host" if hosts > 1 else "operation"
    result.update({"unit": "instr", "samples": [instructions / operations], "ops": operations, "cpu_us": 0,
                   "notes": "; ".join(filter(None, [result.get("notes"),
                                                    f"callgrind: {instructions:,} Ir over {operations} {per}s"]))})
    return result, how


def callgrind_instructions(out_dir):
    """The Ir total of callgrind's output files in out_dir: each file's
    "totals:" line (its "summary:" line where it has none), summed over the
    files, one per process."""
    total = 0
    for name in os.listdir(out_dir):
        figures = {}
        with open(os.path.join(out_dir, name), encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("totals", "summary") and value.split():
                    figures[key] = int(value.split()[0])
        total += figures.get("totals", figures.get("summary", 0))
    return total


def bad_positions(n):
    """Index -> kind of the bad hosts among n: per block of 20, 2 dead, 1
    hanging and 1 auth-failing (10%, 5%, 5%), spread through the block."""
    pattern = {2: "dead", 7: "hang", 12: "dead", 17: "auth"}
    return {i: pattern[i % 20] for i in range(n) if i % 20 in pattern}


class IsolationLab:
    """PLAN M7's bad hosts beside the lab's good ones: a port nothing listens
    on (dead), a listener that accepts and never sends a banner (hang, its
    own process, stopped by pid), and the lab's sshd offered a key it does not
    authorize (auth: the right user, a fresh key absent from
    authorized_keys). Writes one inventory per size."""

    def __init__(self, lab_path, sizes):
        with open(lab_path, encoding="utf-8") as f:
            lab = json.load(f)
        self.dir = tempfile.mkdtemp(prefix="otto-compare-m7.")
        self.listener = None
        try:
            self.key = os.path.join(self.dir, "unauthorized_ed25519")
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "otto-m7-unauthorized", "-f",
                            self.key], check=True)
            self.dead_port = closed_port()
            self.hang_port = self.start_listener()
            ports = [int(s["port"]) for s in lab["ssh"]]
            user = (lab.get("password_user") or {}).get("name") or lab["user"]["name"]
            self.paths = {n: self.write(n, ports, user, lab["user"]["key"]) for n in sizes}
        except BaseException:
            self.close()
            raise

    def start_listener(self):
        self.listener = subprocess.Popen([sys.executable, os.path.join(HERE, "silent_listener.py")],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        # A server: on the servers' cores, away from the controller's.
        self.server_cpus = server_cpus()
        if self.server_cpus:
            os.sched_setaffinity(self.listener.pid, self.server_cpus)
        return int(self.listener.stdout.readline())

    def write(self, n, ports, user, key):
        kinds = bad_positions(n)
        hosts = []
        for i in range(n):
            kind = kinds.get(i, "good")
            port = {"dead": self.dead_port, "hang": self.hang_port}.get(kind, ports[i % len(ports)])
            hosts.append({"name": f"h{i:04d}", "address": "127.0.0.1", "port": port, "user": user,
                          "key": self.key if kind == "auth" else key, "kind": kind})
        path = os.path.join(self.dir, f"inventory-{n}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"hosts": hosts}, f, indent=1)
        return path

    def options(self, extra):
        """The inventory for a row's --hosts, once the bad hosts are checked
        to be what they claim (the dead port still refuses)."""
        n = int(extra[extra.index("--hosts") + 1])
        if self.listener.poll() is not None:
            raise SystemExit("M7: the silent listener ended")
        if not refuses(self.dead_port):
            raise SystemExit(f"M7: port {self.dead_port} no longer refuses connections")
        wait_until_quiet(self.server_cpus)
        return ["--inventory", self.paths[n]]

    def close(self):
        if self.listener is not None and self.listener.poll() is None:
            self.listener.terminate()
            try:
                self.listener.wait(5)
            except subprocess.TimeoutExpired:
                self.listener.kill()
                self.listener.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_until_quiet(cpus, busy_below=0.1, longest_s=3.0):
    """Waits (at most `longest_s`) until the servers' cores are nearly idle.
    A run with bad hosts ends with seconds of idle servers (waiting out the
    hanging hosts) while one of good hosts alone ends as its sshd are still
    tearing down: without this, a run after the latter starts on busy
    servers, and the T_good ratio leans below 1."""
    if not cpus:
        return
    end = time.monotonic() + longest_s
    before = cpu_ticks(cpus)
    while time.monotonic() < end:
        time.sleep(0.2)
        after = cpu_ticks(cpus)
        busy, total = after[0] - before[0], after[1] - before[1]
        if total > 0 and busy / total < busy_below:
            return
        before = after


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpus():
    """The servers' cores: those the controller (this process) is kept off;
    none when it runs unpinned."""
    return set(range(os.cpu_count() or 1)) - os.sched_getaffinity(0)


def cpu_ticks(cpus):
    """(busy, total) clock ticks of the given cores, from /proc/stat."""
    busy = total = 0
    with open("/proc/stat", encoding="utf-8") as f:
        for line in f:
            name, *fields = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
                ticks = [int(x) for x in fields[:8]]
                total += sum(ticks)
                busy += sum(ticks) - ticks[3] - ticks[4]  # less idle and iowait
    return busy, total


def closed_port():
    """A port that refuses connections: free now, and below the ephemeral
    range, so no bind to port 0 elsewhere will take it during the run."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="utf-8") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for port in random.sample(range(max(1024, low - 10000), low), 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        if refuses(port):
            return port
    raise SystemExit("M7: found no closed port")


def refuses(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Files:
    """M10's files on tmpfs: a random source, a remote directory the lab's
    user may write, and a local directory for gets."""

    def __init__(self, mib):
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.dir = tempfile.mkdtemp(prefix="otto-compare.", dir=base)
        os.chmod(self.dir, 0o755)
        self.source = os.path.join(self.dir, "source.bin")
        with open(self.source, "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))
        os.chmod(self.source, 0o644)
        self.digest = sha256(self.source)
        self.remote = os.path.join(self.dir, "remote")
        self.local = os.path.join(self.dir, "local")
        for d in (self.remote, self.local):
            os.mkdir(d)
            os.chmod(d, 0o777)
        self.mib = mib

    def options(self, metric):
        if metric == "m10put":
            return ["--file", self.source, "--dest", self.remote]
        shutil.copy(self.source, os.path.join(self.remote, "source.bin"))
        os.chmod(os.path.join(self.remote, "source.bin"), 0o644)
        return ["--file", os.path.join(self.remote, "source.bin"), "--dest", self.local]

    def check_and_clear(self, metric):
        """The copy is byte-identical (outside the timed region), then gone."""
        copy = os.path.join(self.remote if metric == "m10put" else self.local, "source.bin")
        ok = os.path.exists(copy) and sha256(copy) == self.digest
        for d in (self.remote, self.local):
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
        return ok

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def run_driver(args, peer, metric, extra, count, warmup, prefix=()):
    argv = list(prefix) + DRIVERS[peer](args) + ["--lab", args.lab, "--metric", metric, "--count", str(count), "--warmup",
                                  str(warmup)] + extra
    started = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=args.run_timeout)
    except subprocess.TimeoutExpired:
        return None, f"no result within {args.run_timeout} s"
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        return None, f"exit {done.returncode}: {' | '.join(tail)}"
    try:
        return json.loads(done.stdout.strip().splitlines()[-1]), f"{time.monotonic() - started:.1f} s"
    except (ValueError, IndexError):
        return None, f"no JSON result: {done.stdout[-200:]!r}"


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def summarize(runs):
    """Merges a peer's runs of one variant into its figures."""
    unit = runs[0].get("unit", "us") if runs else "us"
    if unit != "us":
        return summarize_quantity(runs, unit)
    samples, ops, cpu, versions, notes = [], 0, 0.0, set(), set()
    host_runs = host_failures = 0
    example = ""
    for r in runs:
        samples += r["samples"]
        ops += r["ops"]
        cpu += r["cpu_us"]
        versions.add(r["version"])
        if r.get("notes"):
            notes.add(r["notes"])
        host_runs += r.get("host_runs", 0)
        host_failures += r.get("host_failures", 0)
        example = example or r.get("failure_example", "")
    if host_failures:
        notes.add(f"{host_failures} of {host_runs} host answers failed, e.g. {example}")
    per_op = [s * len(r["samples"]) / r["ops"] for r in runs for s in r["samples"]] if runs else []
    # Per run: the wall time of its samples and the servers' busy time (a
    # fan-out's one sample against T_sshd, PLAN 6).
    per_run = [{"wall_us": sum(r["samples"]), "server_busy_us": r["server_busy_us"]}
               for r in runs if "server_busy_us" in r]
    return {
        "version": ", ".join(sorted(versions)),
        "runs": len(runs),
        "samples": len(samples),
        "ops": ops,
        "median_us": statistics.median(per_op) if per_op else None,
        "p99_us": percentile(per_op, 0.99) if len(per_op) >= 100 else None,
        "cpu_us_per_op": cpu / ops if ops else None,
        "notes": "; ".join(sorted(notes)),
        "host_runs": host_runs,
        "host_failures": host_failures,
        "per_run": per_run,
    }


def summarize_quantity(runs, unit):
    """A metric that is not a time (M9's KiB per connection): each run's
    samples are the figure itself, not a time to divide among operations.
    Its median goes under "median"; it has no p99 and no CPU."""
    values = [s for r in runs for s in r["samples"]]
    return {
        "version": ", ".join(sorted({r["version"] for r in runs})),
        "runs": len(runs),
        "samples": len(values),
        "ops": sum(r["ops"] for r in runs),
        "unit": unit,
        "median": statistics.median(values) if values else None,
        "median_us": None,
        "p99_us": None,
        "cpu_us_per_op": None,
        "notes": "; ".join(sorted({r["notes"] for r in runs if r.get("notes")})),
        "host_runs": 0,
        "host_failures": 0,
    }


def find(variants, metric, peer, variant_prefix=""):
    for v in variants:
        if v["metric"] == metric and v["variant"].startswith(variant_prefix):
            f = v["peers"].get(peer)
            if f and "error" not in f:
                return f
    return None


def judge_targets(variants, sizes, m7_sizes=()):
    """PLAN 6, where this run measures what a target needs: each with its
    value, limit and verdict; None when the figure is missing."""
    targets = []

    def add(name, value, limit, at_least, note="", judged=True):
        verdict = None if value is None or not judged else (value >= limit if at_least else value <= limit)
        targets.append({"target": name, "value": value, "limit": limit, "bound": ">=" if at_least else "<=",
                        "pass": verdict, "note": note})

    otto_m3 = find(variants, "m3", "otto")
    otto_sh_m3 = find(variants, "m3", "otto-sh")
    add("M3 p50: otto-sh / otto", otto_sh_m3["median_us"] / otto_m3["median_us"] if otto_m3 and otto_sh_m3 else None,
        5, True, "ratio of medians")
    best_m3 = min((f["cpu_us_per_op"] for f in (otto_m3, find(variants, "m3", "otto+callbacks")) if f),
                  default=None)
    add("M8 controller CPU per command (M3 loop), us", best_m3, 50, False,
        "the lower of otto waiting on its thread and otto+callbacks")
    for n in sizes:
        cold = find(variants, "m6cold", "otto", f"cold fan-out, {n} hosts")
        add(f"M8 controller CPU per host (M6 cold, {n} hosts), us", cold["cpu_us_per_op"] / n if cold else None, 2000,
            False, "connect + auth + command")
    for n in (n for n in sizes if n >= FIRST_ROUND_ONLY_HOSTS):
        cold = find(variants, "m6cold", "otto", f"cold fan-out, {n} hosts")
        add(f"M6 cold, {n} hosts: host failures", cold["host_failures"] if cold else None, 0, False,
            "in every run (the first round only at this size)")
        # Wall over the sshd-bound floor; at most 1 where the fan-out ends
        # within 1.1 x T_sshd + 0.5 s.
        worst = max((r["wall_us"] / (1.1 * r["server_busy_us"] + 0.5e6) for r in cold["per_run"]), default=None) \
            if cold else None
        add(f"M6 cold, {n} hosts: wall / (1.1 x T_sshd + 0.5 s)", worst, 1.0, False,
            "T_sshd: the servers' core busy time over the run (the worst run)")
    for metric, name in (("m10put", "put"), ("m10get", "get")):
        f = find(variants, metric, "otto")
        mib = float(f["notes"].split()[0]) if f and f.get("notes") else None
        rate = mib / (f["median_us"] / 1e6) if f and mib else None
        add(f"M10 {name}, MiB/s", rate, 500, True, "one file; the sftp ratio is measured by bench/run.sh (M10)")
    # PLAN 6: otto's M3 over the raw-libssh floor's, p50 and p99 each; the
    # same on a PTY for information only (the target is the PTY-less row).
    for peer, floor, judged in (("otto", "libssh-floor", True), ("otto+pty", "libssh-floor+pty", False)):
        mine, base = find(variants, "m3", peer), find(variants, "m3", floor)
        if not judged and not (mine and base):
            continue
        for key, stat in (("median_us", "p50"), ("p99_us", "p99")):
            value = mine[key] / base[key] if mine and base and mine.get(key) and base.get(key) else None
            add(f"M3 {stat}: {peer} / {floor}", value, 1.3, False,
                f"ratio of {stat}s" if judged else f"ratio of {stat}s on a PTY; informational, not judged",
                judged)
    m9 = find(variants, "m9", "otto")
    add("M9 idle connection with one shell, KiB", m9["median"] if m9 else None, 64, False,
        "VmRSS per connection, median over rounds")
    judge_m7(variants, m7_sizes, add)
    return targets


def judge_m7(variants, sizes, add):
    """PLAN 6's M7 target for otto, in its three parts."""
    for n in sizes:
        f = find(variants, "m7", "otto", f"isolation, {n} hosts") or {}
        bad = f.get("bad_hosts") or {}
        hosts = sum(t["hosts"] for t in bad.values())
        add(f"M7 T_good with bad hosts / without ({n} hosts)", f.get("t_good_ratio"), 1.05, False,
            "median over rounds of the ratio within each round")
        add(f"M7 bad hosts reported with the right error kind ({n} hosts), share",
            sum(t["right_kind"] for t in bad.values()) / hosts if hosts else None, 1.0, True,
            "dead: refused, hanging: timeout, auth-failing: authentication")
        add(f"M7 slowest bad-host report ({n} hosts), s",
            max(t["slowest_us"] for t in bad.values()) / 1e6 if bad else None, M7_DEADLINE_S + 0.5, False,
            "from the fan-out's start; every deadline is 5 s")
        add(f"M7 good-host failures ({n} hosts)", f.get("good_failures"), 0, False, "over all rounds")


M7_DEADLINE_S = 5


def m7_figures(plan, runs, variants):
    """M7's own figures per peer, on the row with bad hosts: T_good over
    T_good of the same good hosts alone (a ratio per round, both runs from
    that round; median and range), each bad kind reported with the expected
    error kind and its slowest report, and the good hosts that failed. They
    go into the notes too, the table staying the same for every metric."""
    for index, (_, metric, _, extra, peers, _, _) in enumerate(plan):
        if metric != "m7" or option(extra, "--good-only") == "yes":
            continue
        for peer in peers:
            f = variants[index]["peers"][peer]
            if "error" in f:
                continue
            with_bad = {r["round"]: r for r in runs.get((index, peer), [])}
            alone = {r["round"]: r for r in runs.get((m7_baseline_row(plan, index), peer), [])}
            ratios = [statistics.median(with_bad[k]["samples"]) / statistics.median(alone[k]["samples"])
                      for k in sorted(with_bad) if k in alone]
            f["t_good_ratio"] = statistics.median(ratios) if ratios else None
            f["t_good_ratio_range"] = [min(ratios), max(ratios)] if ratios else None
            f["bad_hosts"] = merge_bad([r.get("bad", {}) for r in with_bad.values()])
            f["good_failures"] = sum(r.get("good_failures", 0) for r in with_bad.values())
            f["notes"] = "; ".join(filter(None, [f["notes"], m7_note(f)]))


def peer_runs(plan, index, peers, r):
    """(peer, row, group, variant, options) for each run at this row of the
    plan: one per peer, except that an M7 row with bad hosts brings its
    baseline (the same good hosts alone) along for each peer, right before
    it in odd rounds and right after in even ones: the two runs the T_good
    ratio compares are then seconds apart, not a whole row of peers (on a
    busy machine, minutes of drift). The baseline row itself runs nothing."""
    _, metric, _, extra = plan[index][:4]
    if metric == "m7" and option(extra, "--good-only") == "yes":
        return
    partner = m7_baseline_row(plan, index) if metric == "m7" else None
    for peer in peers:
        rows = [index] if partner is None else ([index, partner] if r % 2 == 0 else [partner, index])
        for k in rows:
            yield peer, k, plan[k][0], plan[k][2], plan[k][3]


def m7_baseline_row(plan, index):
    """The index of the baseline row of the M7 row at `index`: same size,
    good hosts alone."""
    hosts = option(plan[index][3], "--hosts")
    return next(k for k, row in enumerate(plan) if row[1] == "m7" and option(row[3], "--hosts") == hosts
                and option(row[3], "--good-only") == "yes")


def option(extra, name):
    return extra[extra.index(name) + 1] if name in extra else None


def merge_bad(tallies):
    merged = {}
    for tally in tallies:
        for kind, t in tally.items():
            m = merged.setdefault(kind, {"expected": t["expected"], "hosts": 0, "right_kind": 0, "slowest_us": 0.0,
                                         "seen": {}})
            m["hosts"] += t["hosts"]
            m["right_kind"] += t["right_kind"]
            m["slowest_us"] = max(m["slowest_us"], t["slowest_us"])
            for seen, count in t["seen"].items():
                m["seen"][seen] = m["seen"].get(seen, 0) + count
            if t.get("example") and "example" not in m:
                m["example"] = t["example"]
    return merged


def m7_note(f):
    ratio = f["t_good_ratio"]
    parts = [f"T_good / good hosts alone: {fmt_ratio(ratio)}"
             + (f" ({f['t_good_ratio_range'][0]:.2f}-{f['t_good_ratio_range'][1]:.2f})" if ratio else "")]
    for kind in ("dead", "hang", "auth"):
        t = f["bad_hosts"].get(kind)
        if not t:
            continue
        text = f"{kind} -> {t['expected']}: {t['right_kind']}/{t['hosts']}, slowest {t['slowest_us'] / 1e6:.2f} s"
        if t["right_kind"] < t["hosts"]:
            text += f" (seen {t['seen']}; e.g. {t.get('example', '')})"
        parts.append(text)
    parts.append(f"good-host failures: {f['good_failures']}")
    return "; ".join(parts)


def lab_description(path):
    """What the lab was, without where it lived."""
    try:
        with open(path, encoding="utf-8") as f:
            lab = json.load(f)
        return f"{len(lab.get('ssh', []))} sshd on loopback"
    except (OSError, ValueError):
        return "unknown"


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    os_name = ""
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            os_name = next((line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME")), "")
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "os": os_name,
        "python": platform.python_version(),
        "affinity": sorted(os.sched_getaffinity(0)),
    }


def fmt_us(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f} s"
    if v >= 1e3:
        return f"{v / 1e3:.2f} ms"
    return f"{v:.0f} µs"


def fmt_kib(v):
    if v is None:
        return "-"
    if abs(v) >= 1024:
        return f"{v / 1024:.2f} MiB"
    return f"{v:.1f} KiB"


def fmt_instr(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M instr"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k instr"
    return f"{v:.0f} instr"


def fmt_median(f):
    """The median column: a time per operation, or a quantity in its own
    unit (KiB, instr)."""
    if f.get("unit", "us") == "KiB":
        return fmt_kib(f.get("median"))
    if f.get("unit", "us") == "instr":
        return fmt_instr(f.get("median"))
    return fmt_us(f["median_us"])


def fmt_ratio(v):
    return "-" if v is None else f"{v:.2f}x"


def write_markdown(path, report):
    lines = [f"# otto and its peers: {report['run_id']}", ""]
    m = report["machine"]
    lines += [f"- machine: {m['cpu']}, {m['cores']} cores, Linux {m['kernel']}, {m['os']}",
              f"- controller CPUs: {m['affinity']}; lab: {report['lab']}",
              f"- profile: {report['profile']}, {report['rounds']} rounds, peers' order rotating per round",
              "- ratio: the peer's figure / otto's (above 1: otto is faster or lighter)",
              "- KiB figures (M9) are memory per connection, in the median column; they have no p99 or CPU",
              "- instr figures (M8) are callgrind's instruction counts per operation, all threads of the driver,"
              " in the median column", ""]
    lines += ["| metric | variant | peer | version | median / op | p99 / op | CPU / op | median vs otto | CPU vs otto"
              " | ops | notes |",
              "|---|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for v in report["variants"]:
        for peer, f in v["peers"].items():
            if "error" in f:
                lines.append(f"| {v['group']} | {v['variant']} | {peer} | | FAILED | | | | | | {f['error']} |")
                continue
            lines.append(
                f"| {v['group']} | {v['variant']} | {peer} | {f['version']} | {fmt_median(f)} | "
                f"{fmt_us(f['p99_us'])} | {fmt_us(f['cpu_us_per_op'])} | {fmt_ratio(f.get('median_vs_otto'))} | "
                f"{fmt_ratio(f.get('cpu_vs_otto'))} | {f['ops']} | {f['notes']} |")
    lines += ["", "## Targets (PLAN 6)", "", "| target | value | limit | result | note |", "|---|---:|---:|---|---|"]
    for t in report["targets"]:
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        result = "n/a" if t["pass"] is None else ("pass" if t["pass"] else "FAIL")
        lines.append(f"| {t['target']} | {value} | {t['bound']} {t['limit']} | {result} | {t['note']} |")
    if report["errors"]:
        lines += ["", "## Errors", ""] + [f"- {e}" for e in report["errors"]]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def chart_panels(variants):
    """The charts of a metric group: (figure key, title, unit). A time gets
    its median wall and its CPU per operation; a quantity in another unit
    (M9's KiB) its median alone."""
    units = {f.get("unit", "us") for v in variants for f in v["peers"].values() if "error" not in f}
    if units and "us" not in units:
        unit = sorted(units)[0]
        return [("median", f"median ({unit} per {UNIT_PER.get(unit, 'operation')})", unit)]
    return [("median_us", "median wall / op", "µs"), ("cpu_us_per_op", "CPU / op", "µs")]


# What a quantity's median is counted per, in the charts.
UNIT_PER = {"KiB": "connection", "instr": "operation"}


def write_charts(out, report):
    """One PNG per metric group: median wall and CPU per operation, per
    variant and peer, on a log scale."""
    try:
        import matplotlib  # noqa: PLC0415 - optional: charts only

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return ["matplotlib is missing: no charts"]
    written = []
    groups = sorted({v["group"] for v in report["variants"]}, key=lambda g: int(g[1:]))
    for group in groups:
        variants = [v for v in report["variants"] if v["group"] == group]
        peers = []
        for v in variants:
            for p in v["peers"]:
                if p not in peers:
                    peers.append(p)
        panels = chart_panels(variants)
        fig, axes = plt.subplots(1, len(panels), figsize=(6 + 1.6 * len(variants), 4.5), squeeze=False)
        axes = axes[0]
        width = 0.8 / max(1, len(peers))
        for ax, (key, title, unit) in zip(axes, panels):
            for k, peer in enumerate(peers):
                xs, ys = [], []
                for i, v in enumerate(variants):
                    f = v["peers"].get(peer, {})
                    if (f.get(key) or 0) > 0:  # a log scale shows no zero or negative bar
                        xs.append(i + k * width)
                        ys.append(f[key])
                ax.bar(xs, ys, width, label=peer)
            ax.set_yscale("log")
            ax.set_ylabel(unit)
            ax.set_title(f"{group}: {title}")
            ax.set_xticks([i + width * (len(peers) - 1) / 2 for i in range(len(variants))])
            ax.set_xticklabels([v["variant"] for v in variants], rotation=15, ha="right", fontsize=7)
        axes[0].legend(fontsize=7)
        fig.tight_layout()
        path = os.path.join(out, f"{group.lower()}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(os.path.basename(path))
    report["charts"] = written
    return []


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lab", required=True, help="lab.json written by otto-lab up")
    p.add_argument("--otto-peer", required=True, help="the otto-peer program")
    p.add_argument("--floor-peer", required=True, help="the libssh-floor program (the raw-libssh floor)")
    p.add_argument("--out", required=True, help="directory for results.json, results.md and the charts")
    p.add_argument("--quick", action="store_true", help="a smoke run: few operations, one round")
    p.add_argument("--rounds", type=int, help="rounds (default 3; 1 with --quick)")
    p.add_argument("--fanout", default=None,
                   help="M6 host counts, comma-separated (default 10,100,500, 500 in the first round only; 10 quick)")
    p.add_argument("--only", help="metric groups to run, comma-separated (e.g. M3,M6)")
    p.add_argument("--m7-hosts", default=None,
                   help="M7 host counts, comma-separated (default 100; 20 quick); 500 is the bigger variant")
    p.add_argument("--run-timeout", type=int, default=900, help="seconds one driver run may take")
    p.add_argument("--run-id", default=time.strftime("%Y%m%d-%H%M%S"))
    args = p.parse_args()
    profile = "quick" if args.quick else "full"
    rounds = args.rounds or (1 if args.quick else 3)
    sizes = [int(n) for n in (args.fanout or ("10" if args.quick else "10,100,500")).split(",")]
    only = {g.strip().upper() for g in args.only.split(",")} if args.only else None
    m7_sizes = [int(n) for n in (args.m7_hosts or ("20" if args.quick else "100")).split(",")]
    plan = [w for w in work_plan(sizes, args.quick, m7_sizes) if only is None or w[0] in only]
    os.makedirs(args.out, exist_ok=True)

    files = Files(M10_MIB[profile]) if any(w[1].startswith("m10") for w in plan) else None
    runs = {}  # (index, peer) -> driver results
    errors = []
    isolation = None
    servers = server_cpus()
    try:
        if any(w[1] == "m7" for w in plan):
            isolation = IsolationLab(args.lab, m7_sizes)
        for r in range(rounds):
            for index, (group, metric, variant, extra, peers, counts, warmup) in enumerate(plan):
                if r > 0 and first_round_only(group, metric, extra):
                    continue
                count = run_count(group, metric, counts, args.quick, rounds)
                rotated = peers[r % len(peers):] + peers[: r % len(peers)]
                for peer, index, group, variant, extra in peer_runs(plan, index, rotated, r):
                    options = list(extra) + (files.options(metric) if files and metric.startswith("m10") else [])
                    options += isolation.options(extra) if isolation and metric == "m7" else []
                    busy_before = cpu_ticks(servers)[0] if servers else None
                    result, how = run_measurement(args, group, peer, metric, options, count, warmup)
                    if result is not None and servers:
                        # PLAN 6's T_sshd: the servers' core busy time over the run.
                        result["server_busy_us"] = (cpu_ticks(servers)[0] - busy_before) * 1e6 / CLOCK_TICKS
                    if result is not None and files and metric.startswith("m10") and not files.check_and_clear(metric):
                        result, how = None, "the copy differs from the source"
                    print(f"compare: round {r + 1}/{rounds} {group} {variant}: {peer}: "
                          f"{'ok' if result else 'FAILED'} ({how})", file=sys.stderr, flush=True)
                    if result is None:
                        errors.append(f"{group} {variant}, {peer}, round {r + 1}: {how}")
                        runs.setdefault((index, peer), [])
                    else:
                        if metric.startswith("m10"):
                            result["notes"] = f"{files.mib} MiB"
                        result["round"] = r
                        runs.setdefault((index, peer), []).append(result)
    finally:
        if files:
            files.close()
        if isolation:
            isolation.close()

    variants = []
    for index, (group, metric, variant, extra, peers, counts, warmup) in enumerate(plan):
        figures = {}
        for peer in peers:
            got = runs.get((index, peer), [])
            figures[peer] = summarize(got) if got else {"error": "no run succeeded"}
        base = figures.get("otto", {})
        for peer, f in figures.items():
            if "error" in f or "error" in base:
                continue
            if base.get("median_us") and f.get("median_us"):
                f["median_vs_otto"] = f["median_us"] / base["median_us"]
            if base.get("cpu_us_per_op") and f.get("cpu_us_per_op"):
                f["cpu_vs_otto"] = f["cpu_us_per_op"] / base["cpu_us_per_op"]
            if base.get("median") and f.get("median") is not None:
                f["median_vs_otto"] = f["median"] / base["median"]
        variants.append({"group": group, "metric": metric, "variant": variant, "peers": figures})
    m7_figures(plan, runs, variants)

    report = {
        "run_id": args.run_id,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "profile": profile,
        "rounds": rounds,
        "lab": lab_description(args.lab),
        "machine": machine(),
        "variants": variants,
        "targets": judge_targets(variants, sizes, m7_sizes),
        "errors": errors,
    }
    errors += write_charts(args.out, report)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    write_markdown(os.path.join(args.out, "results.md"), report)
    with open(os.path.join(args.out, "results.md"), encoding="utf-8") as f:
        print(f.read())
    missing = [f"{v['group']} {v['variant']}: {peer}" for v in variants for peer, fig in v["peers"].items()
               if "error" in fig]
    if missing:
        print("compare: no figures for " + "; ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
