"""What a comparison runs: the peers' drivers, the work plan (group, metric,
variant, options, peers, operations per round, warm-up) and the rows run in
the first round only."""

import os
import sys

# bench/, where the drivers and the silent listener live.
BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(BENCH_DIR, "peers")

# The peers: how to start each driver, with the options a variant adds.
DRIVERS = {
    "otto": lambda a: [a.otto_peer],
    "otto+callbacks": lambda a: [a.otto_peer, "--callbacks", "yes"],
    "otto+pty": lambda a: [a.otto_peer, "--pty", "yes"],
    # M7 with every handshake started at once (the context's limit off):
    # what the limit's queue adds to the reports of hosts waiting in it.
    "otto+nolimit": lambda a: [a.otto_peer, "--handshake-limit", "0"],
    # The raw-libssh floor (PLAN 4.2): the M3 denominator, not a competitor.
    "libssh-floor": lambda a: [a.floor_peer],
    "libssh-floor+pty": lambda a: [a.floor_peer, "--pty", "yes"],
    # The floor with otto's frame shape (a brace group, a begin line): what
    # the protocol's frame costs, apart from what otto's engine costs.
    "libssh-floor+group": lambda a: [a.floor_peer, "--frame", "group"],
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
# PLAN M10's small files of 4 KiB, stated all and read all.
M10_SMALL_FILES = {"full": 1000, "quick": 100}

# The SSH M3 row's label: PLAN 6's M3 targets read this row (by its label),
# not the telnet or local ones.
M3_LABEL = "persistent-session round trip `true`"

# PLAN 3's M3 and M12 off SSH: only otto and otto-sh drive telnet and a
# local shell (asyncssh, parallel-ssh, rmote and OpenSSH are SSH clients).
OFF_SSH_PEERS = ["otto", "otto-sh"]


def work_plan(fanout_sizes, quick, m7_sizes=()):
    plan = [
        ("M1", "m1", "connect + auth", [], ["otto", "libssh-floor", "asyncssh", "parallel-ssh"], (40, 3), 2),
        ("M2", "m2cold", "cold one-shot `true`", [],
         ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh"], (40, 3), 2),
        ("M2", "m2warm", "warm one-shot `true`", [],
         ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh+cm"], (100, 5), 5),
        ("M3", "m3", M3_LABEL, [],
         ["otto", "otto+callbacks", "otto+pty", "libssh-floor", "libssh-floor+group", "libssh-floor+pty", "asyncssh",
          "asyncssh+pty", "otto-sh", "rmote", "openssh", "openssh+cm"],
         (1000, 20), 50),
        ("M3", "m3", f"{M3_LABEL} over telnet", ["--transport", "telnet"], OFF_SSH_PEERS, (1000, 20), 50),
        ("M3", "m3", f"{M3_LABEL}, local shell", ["--transport", "local"], OFF_SSH_PEERS, (1000, 20), 50),
        ("M4", "m4", "10,000 commands back to back, per command", [],
         ["otto", "libssh-floor", "rmote", "asyncssh", "openssh", "openssh+cm"], (10000, 100), 0),
    ]
    seconds = "1" if quick else "10"
    for sessions in (1, 4, 8):
        plan.append(("M5", "m5", f"{sessions} named sessions at once, per command",
                     ["--sessions", str(sessions), "--seconds", seconds],
                     ["otto", "libssh-floor", "asyncssh", "otto-sh", "openssh+cm"], (1, 1), 0))
    for n in fanout_sizes:
        plan.append(("M6", "m6cold", f"cold fan-out, {n} hosts", ["--hosts", str(n)],
                     ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh", "pdsh",
                      "clush"], (2, 1), 0))
        plan.append(("M6", "m6warm", f"warm fan-out, {n} hosts", ["--hosts", str(n)],
                     ["otto", "asyncssh", "otto-sh", "parallel-ssh", "openssh+cm"], (5, 1), 0))
    plan.append(("M12", "m12", "send `i+1` to `bc -q`, expect the answer", [], ["otto", "asyncssh", "otto-sh"],
                 (1000, 20), 20))
    plan.append(("M12", "m12", "send `i+1` to `bc -q`, expect the answer, over telnet", ["--transport", "telnet"],
                 OFF_SSH_PEERS, (1000, 20), 20))
    plan.append(m12_big_row())
    # After the main M2 warm and M3 rows: PLAN 6's targets read a metric's first row.
    plan += output_volume_rows()
    plan += m10_rows()
    plan += m10_small_rows(quick)
    plan += polling_rows(quick)
    plan += memory_plan(quick)
    plan += m7_rows(m7_sizes)
    plan += instruction_rows(quick)
    return plan


# PLAN 3's output-volume variants: `cat` of a printable file of each size
# (comparison/files.py makes them) instead of `true`, the output's length
# checked by every driver. Not on a PTY, which turns each \n into \r\n;
# rmote runs no shell command in M3 and parallel-ssh's driver has no
# variant, so neither has these rows. Not judged against PLAN 6's targets.
OUTPUT_SIZES = {"1 KiB": 1024, "1 MiB": 1 << 20}
OUTPUT_M2_PEERS = ["otto", "libssh-floor", "asyncssh", "otto-sh", "openssh+cm"]
OUTPUT_M3_PEERS = ["otto", "otto+callbacks", "libssh-floor", "asyncssh", "otto-sh", "openssh", "openssh+cm"]


def output_volume_rows():
    """M2 warm and M3 with 1 KiB and 1 MiB of output per command; a 1 MiB
    round trip takes milliseconds, hence its smaller counts."""
    rows = []
    for label, size in OUTPUT_SIZES.items():
        big = size > 64 * 1024
        extra = ["--output-bytes", str(size)]
        rows.append(("M2", "m2warm", f"warm one-shot `cat`, {label} output", extra, OUTPUT_M2_PEERS,
                     (50, 3) if big else (100, 5), 3 if big else 5))
        rows.append(("M3", "m3", f"persistent-session round trip `cat`, {label} output", extra, OUTPUT_M3_PEERS,
                     (200, 5) if big else (1000, 20), 10 if big else 50))
    return rows


# PLAN M10's cipher variant: the peers that can pin a cipher other than
# PLAN 1.1's main one. parallel-ssh cannot (its clients offer no cipher
# option), so it has the main rows only, at whatever its library and the
# server agree on.
M10_CIPHER_PEERS = ["otto", "libssh-floor", "asyncssh", "otto-sh"]
M10_CHACHA = "chacha20-poly1305@openssh.com"


def m10_rows():
    """PLAN M10: get and put of one file with the main cipher, then again
    with chacha20-poly1305 (PLAN 6's M10 target reads the main rows, by
    their labels)."""
    peers = ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh"]
    chacha = ["--cipher", M10_CHACHA]
    # One transfer first on each connection: the first large write of a
    # connection runs at a fraction of the speed for every client alike
    # (measured: 85-130 ms for 4 MiB against 10-45 ms after), a server-side
    # warm-up, not what M10 compares.
    return [
        ("M10", "m10put", "put of one random file", [], peers, (2, 1), 1),
        ("M10", "m10get", "get of one random file", [], peers, (2, 1), 1),
        ("M10", "m10put", "put of one random file, chacha20", chacha, M10_CIPHER_PEERS, (2, 1), 1),
        ("M10", "m10get", "get of one random file, chacha20", chacha, M10_CIPHER_PEERS, (2, 1), 1),
    ]


# The peers that stat and read many files one call each. otto-sh and
# parallel-ssh have no per-file stat or read in their public APIs
# (bench/README.md says why).
M10_SMALL_PEERS = ["otto", "libssh-floor", "asyncssh"]


def m10_small_rows(quick):
    """PLAN M10's small files: a sample per run is the wall time for all
    of them (ops = files), after one pass not measured."""
    n = M10_SMALL_FILES["quick" if quick else "full"]
    return [
        ("M10", "m10stat", f"stat of {n:,} files of 4 KiB", [], M10_SMALL_PEERS, (3, 1), 1),
        ("M10", "m10read", f"read of {n:,} files of 4 KiB", [], M10_SMALL_PEERS, (3, 1), 1),
    ]


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
         ["otto", "otto+pty", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "rmote", "openssh", "openssh+cm"],
         (1, 1), 0),
        ("M9", "m9conn", "idle connection only", hosts,
         ["otto", "libssh-floor", "asyncssh", "otto-sh", "parallel-ssh", "openssh", "openssh+cm"], (1, 1), 0),
    ]


# PLAN M7: the peers that fan out with a result or an error per host.
M7_PEERS = ["otto", "otto+nolimit", "asyncssh", "otto-sh", "parallel-ssh", "openssh", "pdsh", "clush", "rmote"]


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


def bad_positions(n):
    """Index -> kind of the bad hosts among n: per block of 20, 2 dead, 1
    hanging and 1 auth-failing (10%, 5%, 5%), spread through the block."""
    pattern = {2: "dead", 7: "hang", 12: "dead", 17: "auth"}
    return {i: pattern[i % 20] for i in range(n) if i % 20 in pattern}


def option(extra, name):
    return extra[extra.index(name) + 1] if name in extra else None
