"""Running one driver: plainly or under callgrind, bounded in time, and the
servers' core busy time read from /proc/stat."""

import json
import os
import shutil
import subprocess
import tempfile
import time

from comparison.plan import CALLGRIND_GROUPS, DRIVERS, option


CALLGRIND = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]


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


def run_driver(args, peer, metric, extra, count, warmup, prefix=()):
    common = ["--lab", args.lab, "--metric", metric, "--count", str(count), "--warmup", str(warmup)]
    argv = list(prefix) + DRIVERS[peer](args) + common + extra
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
