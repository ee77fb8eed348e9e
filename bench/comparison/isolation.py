"""M7, fan-out isolation: the inventory of good and bad hosts, the silent
listener that plays the hanging ones, and each peer's figures (T_good with
and without the bad hosts, the error kinds)."""

import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

from comparison.plan import BENCH_DIR, bad_positions, option
from comparison.report import fmt_ratio
from comparison.runner import server_cpus, wait_until_quiet


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
        self.listener = subprocess.Popen([sys.executable, os.path.join(BENCH_DIR, "silent_listener.py")],
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
