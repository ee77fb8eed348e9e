"""From driver runs to figures: medians, percentiles, CPU per operation, and
PLAN 6's targets judged on them."""

import statistics

from comparison.isolation import M7_DEADLINE_S
from comparison.plan import FIRST_ROUND_ONLY_HOSTS, M3_LABEL


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


def find(variants, metric, peer, variant_prefix="", exact=False):
    for v in variants:
        label = v["variant"]
        if v["metric"] == metric and (label == variant_prefix if exact else label.startswith(variant_prefix)):
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

    # PLAN 6's M3 targets are about SSH: the SSH row, not telnet or local.
    def ssh_m3(peer):
        return find(variants, "m3", peer, M3_LABEL, exact=True)

    otto_m3 = ssh_m3("otto")
    otto_sh_m3 = ssh_m3("otto-sh")
    add("M3 p50: otto-sh / otto", otto_sh_m3["median_us"] / otto_m3["median_us"] if otto_m3 and otto_sh_m3 else None,
        5, True, "ratio of medians")
    best_m3 = min((f["cpu_us_per_op"] for f in (otto_m3, ssh_m3("otto+callbacks")) if f),
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
        # The main cipher's row (PLAN 6), not the chacha20 variant's.
        f = find(variants, metric, "otto", f"{name} of one random file", exact=True)
        mib = float(f["notes"].split()[0]) if f and f.get("notes") else None
        rate = mib / (f["median_us"] / 1e6) if f and mib else None
        add(f"M10 {name}, MiB/s", rate, 500, True, "one file; the sftp ratio is measured by bench/run.sh (M10)")
    # PLAN 6: otto's M3 over the raw-libssh floor's, p50 and p99 each, for
    # both ways of waiting: the caller blocked on its own thread (two thread
    # handoffs per command) and the next command submitted from the last
    # one's callback (one thread, as the floor runs); for information only
    # (the target is the PTY-less row against F), the same on a PTY and
    # against the floor framed like otto, which prices otto's engine apart
    # from its protocol's frame.
    rows = (("otto", "libssh-floor", True, "the caller waiting on its thread"),
            ("otto+callbacks", "libssh-floor", True, "commands chained from callbacks on the loop thread"),
            ("otto", "libssh-floor+group", False, "the floor framed like otto; informational, not judged"),
            ("otto+callbacks", "libssh-floor+group", False, "the floor framed like otto; informational, not judged"),
            ("otto+pty", "libssh-floor+pty", False, "on a PTY; informational, not judged"))
    for peer, floor, judged, how in rows:
        mine, base = ssh_m3(peer), ssh_m3(floor)
        if (peer, floor) != ("otto", "libssh-floor") and not (mine and base):
            continue
        for key, stat in (("median_us", "p50"), ("p99_us", "p99")):
            value = mine[key] / base[key] if mine and base and mine.get(key) and base.get(key) else None
            add(f"M3 {stat}: {peer} / {floor}", value, 1.3, False, f"ratio of {stat}s; {how}", judged)
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
