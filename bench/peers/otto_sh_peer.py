"""The original Python otto (otto-sh), driven through its own public API on
the same sshd: `run` in its persistent session (M3), `exec` one-shots (M2
warm, and cold on a fresh host), `put`/`get` (M10), its monitor's
MetricCollector (M11).

otto-sh reads its own lab format (hosts grouped under elements, a `labs`
table), so the driver writes one for the lab's server into `--workdir`.

--transport telnet (m3, m12) puts that host on the lab's telnet shell
server (no login) instead; --transport local (m3) runs on otto-sh's own
local host."""

import asyncio
import contextlib
import getpass
import json
import logging
import os
import re
import socket
import tempfile
from importlib import metadata
from pathlib import Path

import otto
from otto.labs.loader import load_lab
from otto.logger.mode import LogMode

from peer_common import (COMMAND_S, CONNECT_S, Inventory, Isolation, Lab, Polling, Region, big_exchange, check_output,
                         cipher_note, emit, emit_memory, first_and_last, measured_command, memory_per_connection,
                         now_us, output_note, parse_args, sessions_at_once, vmrss_kib)

# No M4: `run` waits for each command's result (a sequence runs one after
# another), so the API has no way to submit commands without waiting.
METRICS = {"m2cold", "m2warm", "m3", "m5", "m6cold", "m6warm", "m7", "m9", "m9conn", "m10put", "m10get", "m11", "m12",
           "m12big"}

# Commands and their output reach no log sink: otto's own driver runs
# without a log callback, so neither pays for logging.
QUIET = LogMode.NEVER

# PLAN 3's variants off SSH: M3 over telnet and on the local shell, M12
# over telnet.
TRANSPORT_METRICS = {"ssh": METRICS, "telnet": {"m3", "m12"}, "local": {"m3"}}

# PLAN 1.4's PATH for the local shell (otto's driver sets the same).
LOCAL_PATH = "/usr/local/bin:/usr/bin:/bin"
TRANSPORT_NOTES = {
    "telnet": "telnet: BusyBox telnetd's /bin/sh, no login, on its terminal (telnetlib3)",
    "local": f"local: bash --norc --noprofile on pipes, started with env PATH={LOCAL_PATH} HOME=<empty dir> LANG=C",
}


def write_elements(workdir, hosts):
    """An otto-sh lab "bench" in `workdir`: one element per (name, host),
    since otto-sh names hosts after their element."""
    os.makedirs(workdir, exist_ok=True)
    doc = {
        "labs": {"bench": {}},
        "elements": [{"name": name, "labs": ["bench"], "hosts": [host]} for name, host in hosts],
    }
    with open(os.path.join(workdir, "lab.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    return workdir


def write_lab(lab, workdir, count=1):
    """An otto-sh lab "bench" with `count` SSH hosts on the lab's servers,
    the cipher pinned (otto-sh hands `encryption_algs` to asyncssh)."""
    return write_elements(workdir, [
        (name, {
            "ip": lab.host,
            "creds": [{"login": lab.user}],
            "valid_terms": ["ssh"],
            "ssh_options": {
                "port": lab.port_of(i),
                "client_keys": [lab.key],
                "known_hosts": lab.known_hosts,
                "encryption_algs": [lab.cipher],
            },
        })
        for i, name in enumerate(lab.host_names(count))
    ])


def write_telnet_lab(lab, workdir):
    """An otto-sh lab "bench" whose one host is the lab's telnet shell
    server: no login step (the console gives a shell at once), logged as
    the user telnetd runs as."""
    if lab.telnet_port is None:
        raise SystemExit("the lab has no telnet server without a login (otto-lab up --telnet-shell 1)")
    return write_elements(workdir, [("telnet", {
        "ip": lab.host,
        "creds": [{"login": getpass.getuser()}],
        "valid_terms": ["telnet"],
        "telnet_options": {"port": lab.telnet_port, "login": False},
    })])


@contextlib.contextmanager
def local_environment(home):
    """PLAN 1.4's environment (env -i PATH=... HOME=<empty dir> LANG=C) for
    what starts inside: otto-sh's local host takes no shell or environment,
    its session runs `bash --norc --noprofile` with the driver's own, so
    the driver's is that while the session starts."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(PATH=LOCAL_PATH, HOME=home, LANG="C")
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def write_inventory_lab(inventory, lab, workdir):
    """An otto-sh lab "bench" of the M7 inventory's hosts, each with its own
    port, user and key, and the shared deadlines: asyncssh's connect and
    login timeouts (its connect_timeout already bounds the whole handshake;
    login_timeout goes through `extra`, otto-sh's pass-through)."""
    write_elements(workdir, [
        (h["name"], {
            "ip": h["address"],
            "creds": [{"login": h["user"]}],
            "valid_terms": ["ssh"],
            "ssh_options": {
                "port": h["port"],
                "client_keys": [h["key"]],
                "known_hosts": lab.known_hosts,
                "encryption_algs": [lab.cipher],
                "connect_timeout": CONNECT_S,
                "extra": {"login_timeout": CONNECT_S},
            },
        })
        for h in inventory.hosts
    ])


async def m7(lab, args, region, workdir):
    """M6 cold over the inventory through `do_for_all_hosts`: each host's
    `run` (a result or an exception per host), its completion time noted by
    the function the fan-out calls."""
    isolation = Isolation(Inventory(args.inventory, args.good_only == "yes"), region)
    write_inventory_lab(isolation.inventory, lab, workdir)
    for i in range(args.warmup + args.count):
        otto_lab = load_lab("bench", search_paths=[Path(workdir)])
        async with otto.open_context(lab=otto_lab, log_command_output=False) as ctx:
            done = {}

            async def one(host):
                try:
                    return await host.run("echo $HOSTNAME", timeout=COMMAND_S, log=QUIET)
                finally:
                    done[host.id] = now_us() - t0

            if i >= args.warmup:
                region.resume()
            t0 = now_us()
            results = await ctx.do_for_all_hosts(one, pattern=re.compile(r"h[0-9]{4}"))
            region.pause()
        if i >= args.warmup:
            isolation.record({name: (done.get(name), answer_of(r)) for name, r in results.items()})
    return isolation


def answer_of(result):
    """The host's output when `run` succeeded, else what went wrong."""
    if isinstance(result, BaseException):
        return result
    return result.value[0].value.strip() if result.is_ok else repr(result)[:200]


def the_host(otto_lab, transport="ssh"):
    """The lab's one remote host, or otto-sh's own local host."""
    if transport == "local":
        return otto_lab.hosts["local"]
    for host_id, host in otto_lab.hosts.items():
        if host_id != "local":
            return host
    raise SystemExit("otto-sh loaded no remote host")


async def open_session(host, transport, home):
    """Opens and bootstraps the host's persistent session; the local one
    in PLAN 1.4's environment."""
    with local_environment(home) if transport == "local" else contextlib.nullcontext():
        check(await host.run("true", log=QUIET), "run")


def check(result, what):
    if not result.is_ok:
        raise SystemExit(f"otto-sh {what} failed: {result}")


async def measure(host, args, region, operation, what, output_of=None):
    """`operation` timed, checked, and with `output_of` its output counted
    (PLAN 3's output-volume variants)."""
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        result = await operation()
        t = now_us() - t0
        check(result, what)
        if output_of:
            check_output(output_of(result), args)  # text: the files are ASCII, one byte a character
        if i >= args.warmup:
            region.add(t)


async def fan_out(ctx, count):
    """run_on_all_hosts over the lab's SSH hosts (the local host left out)."""
    results = await ctx.run_on_all_hosts("echo $HOSTNAME", pattern=re.compile(r"h[0-9]{4}"))
    expected = socket.gethostname()
    wrong = [r for r in results.values() if isinstance(r, BaseException) or not r.is_ok
             or r.value[0].value.strip() != expected]
    return count, len(wrong) + max(0, count - len(results)), repr(wrong[0])[:200] if wrong else ""


async def fanout_metric(args, region, workdir):
    """Cold: a fresh context each round, connections made inside the timed
    fan-out. Warm: the round's connections opened and sessions bootstrapped
    by a first fan-out, then the timed one. CPU counts the timed part only."""
    for i in range(args.warmup + args.count):
        otto_lab = load_lab("bench", search_paths=[Path(workdir)])
        async with otto.open_context(lab=otto_lab, log_command_output=False) as ctx:
            if args.metric == "m6warm":
                await fan_out(ctx, args.hosts)
            if i >= args.warmup:
                region.resume()
            t0 = now_us()
            answered = await fan_out(ctx, args.hosts)
            t = now_us() - t0
            region.pause()
        if i >= args.warmup:
            region.add(t)
            region.hosts_answered(*answered)


async def polling_metric(args, region, workdir):
    """PLAN M11 through otto-sh's own polling: its monitor's MetricCollector
    running its LoadParser (`cat /proc/loadavg`) on every host each second.
    The collector keeps no schedule: each tick starts when both the last
    tick's collection and a 1 s sleep are over, and its first loop tick
    follows the initial collection at once (counted as merged). A tick's
    dispatch is stamped on entry to the collector's per-tick body; probes
    are checked by a LoadParser that also counts them."""
    from datetime import timedelta  # noqa: PLC0415 - M11 alone needs these

    from otto.monitor import MetricCollector, MonitorTarget
    from otto.monitor.parsers import LoadParser

    poll = Polling(args.hosts, int(args.seconds))

    class CheckedLoad(LoadParser):
        def parse(self, output, *, ctx):
            poll.probe(output)
            return super().parse(output, ctx=ctx)

    class StampedCollector(MetricCollector):
        dispatches = 0

        async def _collect_bucket(self, entries, timeout):
            started = now_us()
            self.dispatches += 1
            ticks = sorted(poll.dispatch)
            if ticks and started - poll.dispatch[ticks[-1]] < poll.interval_us / 2:
                poll.extra += 1  # not a tick of the schedule: no index
                index = None
            else:
                index = len(ticks)
                poll.dispatch[index] = started
            await super()._collect_bucket(entries, timeout)
            if index is not None:
                poll.done[index] = now_us()

    otto_lab = load_lab("bench", search_paths=[Path(workdir)])
    async with otto.open_context(lab=otto_lab, log_command_output=False) as ctx:
        await fan_out(ctx, args.hosts)  # connections open, sessions bootstrapped
        targets = [MonitorTarget(host=h, parsers={LoadParser.command: CheckedLoad()})
                   for host_id, h in otto_lab.hosts.items() if host_id != "local"]
        collector = StampedCollector(targets=targets)
        region.start()
        poll.start()
        await collector.run(interval=timedelta(seconds=1), duration=timedelta(seconds=args.seconds))
        region.stop()
    # A probe that raised never reached the parser: a failure all the same.
    unparsed = collector.dispatches * args.hosts - poll.probes
    poll.probes += unparsed
    poll.failed += unparsed
    return poll.figures(region, "its MetricCollector; dispatch stamped where its tick body starts")


async def m12big(host, args, region):
    """PLAN M12's 1 MiB variant with `send`/`expect` in the host's session:
    each exchange prints 1 MiB that cannot match, then its marker."""
    await host.run("true")
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        command, marker = big_exchange(i)
        t0 = now_us()
        await host.send(command, log=QUIET)
        await host.expect(re.compile(marker), timeout=60)
        t = now_us() - t0
        if i >= args.warmup:
            region.add(t)
    return first_and_last(region.samples)


async def memory_metric(lab, args, workdir):
    """PLAN M9 in this process: --hosts hosts of one context, each with its
    persistent session opened by a `run("true")` (m9), or with only one
    `exec("true")` done on its connection (m9conn)."""
    otto_lab = load_lab("bench", search_paths=[Path(workdir)])
    async with otto.open_context(lab=otto_lab, log_command_output=False):
        hosts = [otto_lab.hosts[name] for name in lab.host_names(args.hosts)]

        async def open_one(host):
            if args.metric == "m9":
                check(await host.run("true", log=QUIET), "run")
            else:
                check(await host.exec("true", log=QUIET), "exec")
            return host

        async def open_some(indices):
            return await asyncio.gather(*(open_one(hosts[k]) for k in indices))

        before, after, _ = await memory_per_connection(args.hosts, open_some, vmrss_kib)
        for host in hosts:
            await host.close()
    emit_memory("otto-sh", metadata.version("otto-sh"), args.metric, args.hosts, before, after, "VmRSS",
                "" if args.metric == "m9" else "connection only, after one exec('true')")


async def main():
    args = parse_args(METRICS, extra=[("--workdir", "where the otto-sh lab file is written"),
                                      ("--transport", "ssh (default), telnet (m3, m12) or local (m3)")], cipher=True)
    transport = args.transport or "ssh"
    if args.metric not in TRANSPORT_METRICS.get(transport, ()):
        raise SystemExit(f"--transport {transport}: not for {args.metric} (telnet: m3, m12; local: m3)")
    lab = Lab(args.lab, args.user, args.cipher)
    if args.metric == "m7":
        region = Region()
        isolation = await m7(lab, args, region, args.workdir or os.path.join(lab.dir, "otto-sh-m7"))
        emit("otto-sh", metadata.version("otto-sh"), args.metric, region, notes=isolation.notes(),
             extra=isolation.fields())
        return
    count = args.hosts if args.metric.startswith(("m6", "m9")) or args.metric == "m11" else 1
    workdir = args.workdir or os.path.join(lab.dir, "otto-sh")
    workdir = write_telnet_lab(lab, workdir) if transport == "telnet" else write_lab(lab, workdir, count)
    region = Region()
    if args.metric.startswith("m9"):
        await memory_metric(lab, args, workdir)
        return
    if args.metric.startswith("m6"):
        await fanout_metric(args, region, workdir)
        emit("otto-sh", metadata.version("otto-sh"), args.metric, region, notes=f"hosts={args.hosts}")
        return
    if args.metric == "m11":
        notes = await polling_metric(args, region, workdir)
        emit("otto-sh", metadata.version("otto-sh"), args.metric, region, notes=notes)
        return
    otto_lab = load_lab("bench", search_paths=[Path(workdir)])
    # The local shell's empty home; removed at the end (or at exit).
    home = tempfile.TemporaryDirectory(prefix="otto-sh-home.")
    async with otto.open_context(lab=otto_lab, log_command_output=False):
        host = the_host(otto_lab, transport)
        notes = TRANSPORT_NOTES.get(transport, "")
        if args.metric == "m5":

            async def run_one(session):
                check(await session.run("true", log=QUIET), "session run")

            rate, sessions = await sessions_at_once(args.sessions, args.seconds, region,
                                                    lambda k: host.open_session(f"s{k}"), run_one)
            notes = f"sessions={args.sessions}; {rate:.0f} commands/s together"
            for s in sessions:
                await s.close()
        elif args.metric == "m3":
            await open_session(host, transport, home.name)
            command = measured_command(args)
            await measure(host, args, region, lambda: host.run(command, log=QUIET), "run",
                          lambda results: results.only.value)
            notes = "; ".join(filter(None, [notes, output_note(args)]))
        elif args.metric == "m12":
            await open_session(host, transport, home.name)
            await host.send("bc -q\n", log=QUIET)
            for i in range(args.warmup + args.count):
                region.begin_at(i, args.warmup)
                answer = re.compile(r"(?<![0-9+])%d\r?\n" % (i + 1))
                t0 = now_us()
                await host.send(f"{i}+1\n", log=QUIET)
                await host.expect(answer, timeout=30)
                t = now_us() - t0
                if i >= args.warmup:
                    region.add(t)
        elif args.metric == "m12big":
            notes = await m12big(host, args, region)
        elif args.metric == "m2warm":
            await host.exec("true")
            command = measured_command(args)
            await measure(host, args, region, lambda: host.exec(command, log=QUIET), "exec",
                          lambda result: result.value)
            notes = output_note(args)
        elif args.metric == "m2cold":

            async def cold():
                fresh = the_host(load_lab("bench", search_paths=[Path(workdir)]))
                try:
                    return await fresh.exec("true", log=QUIET)
                finally:
                    await fresh.close()

            await measure(host, args, region, cold, "cold exec")
        else:
            if not args.file or not args.dest:
                raise SystemExit("M10 needs --file and --dest (a directory)")
            src = Path(args.file)
            transfer = host.put if args.metric == "m10put" else host.get

            def op():
                return transfer(src, Path(args.dest), show_progress=False)
            await measure(host, args, region, op, args.metric)
            notes = cipher_note(lab)
        region.stop()
        await host.close()
    home.cleanup()
    emit("otto-sh", metadata.version("otto-sh"), args.metric, region, notes=notes)


if __name__ == "__main__":
    logging.disable(logging.CRITICAL)
    asyncio.run(main())
