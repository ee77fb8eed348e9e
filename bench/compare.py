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
import json
import os
import re
import signal
import sys
import time

from comparison.figures import judge_targets, summarize
from comparison.files import Files, OutputFiles
from comparison.isolation import IsolationLab, m7_figures, peer_runs
from comparison.plan import M10_MIB, M10_SMALL_FILES, OUTPUT_SIZES, first_round_only, run_count, work_plan
from comparison.report import lab_description, machine, write_charts, write_markdown
from comparison.runner import CLOCK_TICKS, cpu_ticks, run_measurement, server_cpus


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lab", help="lab.json written by otto-lab up")
    p.add_argument("--otto-peer", help="the otto-peer program")
    p.add_argument("--floor-peer", help="the libssh-floor program (the raw-libssh floor)")
    p.add_argument("--out", help="directory for results.json, results.md and the charts")
    p.add_argument("--quick", action="store_true", help="a smoke run: few operations, one round")
    p.add_argument("--rounds", type=int, help="rounds (default 3; 1 with --quick)")
    p.add_argument("--fanout", default=None,
                   help="M6 host counts, comma-separated (default 10,100,500, 500 in the first round only; 10 quick)")
    p.add_argument("--only", help="metric groups to run, comma-separated (e.g. M3,M6)")
    p.add_argument("--m7-hosts", default=None,
                   help="M7 host counts, comma-separated (default 100; 20 quick); 500 is the bigger variant")
    p.add_argument("--run-timeout", type=int, default=900, help="seconds one driver run may take")
    p.add_argument("--run-id", default=time.strftime("%Y%m%d-%H%M%S"))
    p.add_argument("--render", metavar="DIR",
                   help="measure nothing: judge the targets of DIR/results.json again and rewrite its table and "
                        "charts (after a change to the report or the targets)")
    args = p.parse_args()
    missing = [o for o in ("lab", "otto_peer", "floor_peer", "out") if not args.render and not getattr(args, o)]
    if missing:
        p.error("needed unless --render: " + ", ".join("--" + o.replace("_", "-") for o in missing))
    return args


def exit_on_term(signum, _frame):
    """A stop from the harness (its timeout, an interrupt) unwinds like an
    exit, so that the files, listeners and drivers this run made are
    removed by the `finally` blocks that own them."""
    sys.exit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, exit_on_term)
    args = parse_args()
    if args.render:
        return render(args.render)
    profile = "quick" if args.quick else "full"
    rounds = args.rounds or (1 if args.quick else 3)
    sizes = [int(n) for n in (args.fanout or ("10" if args.quick else "10,100,500")).split(",")]
    only = {g.strip().upper() for g in args.only.split(",")} if args.only else None
    m7_sizes = [int(n) for n in (args.m7_hosts or ("20" if args.quick else "100")).split(",")]
    plan = [w for w in work_plan(sizes, args.quick, m7_sizes) if only is None or w[0] in only]
    os.makedirs(args.out, exist_ok=True)
    runs, errors = run_rounds(args, plan, profile, rounds, m7_sizes)
    variants = figures_of(plan, runs)
    report = {
        "run_id": args.run_id,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "profile": profile,
        "rounds": rounds,
        "lab": lab_description(args.lab),
        "machine": machine(),
        "fanout_sizes": sizes,
        "m7_sizes": m7_sizes,
        "variants": variants,
        "targets": judge_targets(variants, sizes, m7_sizes),
        "errors": errors,
    }
    return write_report(args.out, report)


def run_rounds(args, plan, profile, rounds, m7_sizes):
    """Every row of the plan, each peer in turn, round after round; returns
    the driver results by (row, peer) and what failed."""
    files = Files(M10_MIB[profile], M10_SMALL_FILES[profile]) if any(w[1].startswith("m10") for w in plan) else None
    outputs = OutputFiles(OUTPUT_SIZES.values()) if any("--output-bytes" in w[3] for w in plan) else None
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
                    options += outputs.options(extra) if outputs else []
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
                            # The size first: PLAN 6's M10 target reads it from there.
                            result["notes"] = "; ".join(filter(None, [files.size_note(metric), result.get("notes")]))
                        result["round"] = r
                        runs.setdefault((index, peer), []).append(result)
    finally:
        if files:
            files.close()
        if outputs:
            outputs.close()
        if isolation:
            isolation.close()
    return runs, errors


def figures_of(plan, runs):
    """Each row's figures per peer, with the ratios to otto's."""
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
    return variants


def render(out):
    """--render: the targets judged again and the table and charts written
    again from a results directory's results.json."""
    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        report = json.load(f)
    sizes = report.get("fanout_sizes") or hosts_in(report["variants"], "m6cold")
    m7_sizes = report.get("m7_sizes") or hosts_in(report["variants"], "m7")
    report["targets"] = judge_targets(report["variants"], sizes, m7_sizes)
    return write_report(out, report)


def hosts_in(variants, metric):
    """The host counts of a metric's rows ("cold fan-out, 100 hosts"), for
    results written before the report recorded them."""
    found = (re.search(r"(\d+) hosts", v["variant"]) for v in variants if v["metric"] == metric)
    return sorted({int(m.group(1)) for m in found if m})


def write_report(out, report):
    """results.json, results.md and the charts; prints the table. Exit
    status 1 when a peer has no figure for a row."""
    report["errors"] = report.get("errors", []) + write_charts(out, report)
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    write_markdown(os.path.join(out, "results.md"), report)
    with open(os.path.join(out, "results.md"), encoding="utf-8") as f:
        print(f.read())
    missing = [f"{v['group']} {v['variant']}: {peer}" for v in report["variants"] for peer, fig in v["peers"].items()
               if "error" in fig]
    if missing:
        print("compare: no figures for " + "; ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
