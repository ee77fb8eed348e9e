"""The report: the machine, the Markdown table and the PNG charts."""

import json
import os
import platform


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
            pretty = (line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME"))
            os_name = next(pretty, "")
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


def scaled(v, steps):
    """`v` in the first of `steps` (threshold, divisor, format) it reaches;
    "-" when missing."""
    if v is None:
        return "-"
    for threshold, divisor, fmt in steps:
        if abs(v) >= threshold:
            return fmt.format(v / divisor)
    return "-"


def fmt_us(v):
    return scaled(v, ((1e6, 1e6, "{:.2f} s"), (1e3, 1e3, "{:.2f} ms"), (0, 1, "{:.0f} µs")))


def fmt_kib(v):
    return scaled(v, ((1024, 1024, "{:.2f} MiB"), (0, 1, "{:.1f} KiB")))


def fmt_instr(v):
    return scaled(v, ((1e6, 1e6, "{:.2f} M instr"), (1e3, 1e3, "{:.1f} k instr"), (0, 1, "{:.0f} instr")))


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
              "- libssh-floor is the raw-libssh floor (PLAN 4.2), libssh called directly with nothing around it:"
              " the denominator, not a competitor; its ratio below 1 is what otto costs on top of libssh",
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
