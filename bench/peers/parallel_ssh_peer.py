"""parallel-ssh (its default client, ssh2-python over libssh2): M1 and M2
with `SSHClient`, M6 cold and warm with `ParallelSSHClient` +
`run_command(stop_on_errors=False)` + `join`, M9 with `SSHClient`s and
`open_shell`, M10 with `copy_file` / `copy_remote_file` (SFTP), M11 with a
polling loop of the driver's own. It cannot pin the key exchange or
cipher, nor check host keys against a file: the server's preferences
apply."""

import asyncio
import os
import socket
import sys
import time
from importlib import metadata

from pssh.clients import ParallelSSHClient, SSHClient
from pssh.config import HostConfig

from peer_common import (CONNECT_S, Inventory, Isolation, Lab, Polling, Region, emit, emit_memory,
                         memory_per_connection, now_us, parse_args, vmrss_kib)

METRICS = {"m1", "m2cold", "m2warm", "m6cold", "m6warm", "m7", "m9", "m9conn", "m10put", "m10get", "m11"}
FANOUT = 64


def client(lab, port=None):
    return SSHClient(lab.host, user=lab.user, port=port or lab.port, pkey=lab.key, num_retries=0, timeout=5,
                     allow_agent=False)


def run_true(c):
    out = c.run_command("true")
    c.wait_finished(out)
    if out.exit_code != 0:
        raise SystemExit(f"true exited {out.exit_code}")


def loop(args, region, operation):
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        answered = operation()
        t = now_us() - t0
        if i >= args.warmup:
            region.add(t)
            if isinstance(answered, tuple):
                region.hosts_answered(*answered)


def m1(lab):
    c = client(lab)  # connects and authenticates
    c.disconnect()


def m2cold(lab):
    c = client(lab)
    run_true(c)
    c.disconnect()


def fanout_client(lab, names):
    configs = [HostConfig(port=lab.port_of(i), user=lab.user, private_key=lab.key, num_retries=0, timeout=5,
                          allow_agent=False) for i in range(len(names))]
    # Every logical host is the same address; parallel-ssh keys hosts by
    # position, so repeated addresses are fine.
    return ParallelSSHClient([lab.host] * len(names), host_config=configs, pool_size=FANOUT, num_retries=0,
                             timeout=5, allow_agent=False)


def fan_out(pclient, count):
    """(hosts, wrong answers, an example)."""
    expected = socket.gethostname()
    output = pclient.run_command("echo $HOSTNAME", stop_on_errors=False)
    pclient.join(output)
    wrong, example = count - len(output), ""
    for host_output in output:
        lines = list(host_output.stdout or [])
        if host_output.exception is not None or host_output.exit_code != 0 or lines != [expected]:
            wrong += 1
            example = example or repr(host_output.exception or lines)
    return count, wrong, example


def m7(args, region):
    """M6 cold over the inventory: `run_command(stop_on_errors=False)` +
    `join`, each host with its own port, user and key, 5 s timeout, no
    retries. run_command returns once every host has connected or failed,
    so the caller holds no host's result before the slowest bad host's
    deadline: every host's time is the call's."""
    isolation = Isolation(Inventory(args.inventory, args.good_only == "yes"), region)
    hosts = isolation.inventory.hosts
    for i in range(args.warmup + args.count):
        # The alias names the host in its output (outputs come in no set
        # order, and every host is the same address).
        configs = [HostConfig(port=h["port"], user=h["user"], private_key=h["key"], num_retries=0, timeout=CONNECT_S,
                              allow_agent=False, alias=h["name"]) for h in hosts]
        pclient = ParallelSSHClient([h["address"] for h in hosts], host_config=configs, pool_size=FANOUT,
                                    num_retries=0, timeout=CONNECT_S, allow_agent=False)
        region.begin_at(i, args.warmup)
        t0 = now_us()
        output = pclient.run_command("echo $HOSTNAME", stop_on_errors=False)
        pclient.join(output)
        t = now_us() - t0
        if i >= args.warmup:
            isolation.record({o.alias: (t, answer_of(o)) for o in output})
    return isolation


def answer_of(host_output):
    if host_output.exception is not None:
        return host_output.exception
    lines = list(host_output.stdout or [])
    return lines[0] if host_output.exit_code == 0 and len(lines) == 1 else f"exit {host_output.exit_code}: {lines}"


def m11(lab, args, region):
    """PLAN M11, approximated: parallel-ssh has no scheduler, so a loop of
    the driver's own sleeps until each tick is due, then runs `cat
    /proc/loadavg` on every host and joins. The calls block: a tick that
    outlasts the interval makes the next one late; no host is skipped."""
    pclient = fanout_client(lab, lab.host_names(args.hosts))
    fan_out(pclient, args.hosts)  # every connection open
    poll = Polling(args.hosts, int(args.seconds))
    region.start()
    poll.start()
    for k in range(poll.ticks):
        time.sleep(max(0.0, (poll.due(k) - now_us()) / 1e6))
        poll.dispatch[k] = now_us()
        output = pclient.run_command("cat /proc/loadavg", stop_on_errors=False)
        pclient.join(output)
        poll.done[k] = now_us()
        for host_output in output:
            lines = list(host_output.stdout or [])
            ok = host_output.exception is None and host_output.exit_code == 0
            poll.probe(" ".join(lines) if ok else (host_output.exception or lines))
        for _ in range(args.hosts - len(output)):
            poll.probe("no output for the host")
    region.stop()
    return poll.figures(region, "approximated: a blocking loop of the driver's own, run_command + join per tick")


def m9(lab, args):
    """PLAN M9 in this process: --hosts `SSHClient`s, one at a time (a
    client connects in its constructor), each with one `open_shell()` (the
    account's login shell, no PTY) that has echoed a line back (m9), or with
    only one `run_command('true')` done (m9conn)."""

    def open_one(k):
        c = client(lab, lab.port_of(k))
        if args.metric == "m9conn":
            run_true(c)
            return c, None
        shell = c.open_shell(read_timeout=5)
        shell.run("echo ready")
        line = next(iter(shell.stdout), None)
        if line != "ready":
            raise SystemExit(f"the shell answered {line!r}, not 'ready'")
        return c, shell

    async def open_some(indices):
        return [open_one(k) for k in indices]

    before, after, kept = asyncio.run(memory_per_connection(args.hosts, open_some, vmrss_kib))
    for c, _ in kept:
        c.disconnect()
    emit_memory("parallel-ssh", metadata.version("parallel-ssh"), args.metric, args.hosts, before, after, "VmRSS",
                "default client (libssh2)"
                + ("; connection only, after one run_command('true')" if args.metric == "m9conn"
                   else "; open_shell: login shell, no PTY"))


def main():
    args = parse_args(METRICS)
    lab = Lab(args.lab, args.user)
    region = Region()
    if args.metric == "m7":
        isolation = m7(args, region)
        region.stop()
        emit("parallel-ssh", metadata.version("parallel-ssh"), args.metric, region,
             notes=isolation.notes() + ", all results at once when run_command returns", extra=isolation.fields())
        return 0
    if args.metric.startswith("m9"):
        return m9(lab, args)
    if args.metric == "m1":
        loop(args, region, lambda: m1(lab))
    elif args.metric == "m2cold":
        loop(args, region, lambda: m2cold(lab))
    elif args.metric == "m2warm":
        c = client(lab)
        run_true(c)
        loop(args, region, lambda: run_true(c))
        c.disconnect()
    elif args.metric == "m6cold":
        names = lab.host_names(args.hosts)
        loop(args, region, lambda: fan_out(fanout_client(lab, names), len(names)))
    elif args.metric == "m6warm":
        names = lab.host_names(args.hosts)
        pclient = fanout_client(lab, names)
        fan_out(pclient, len(names))
        loop(args, region, lambda: fan_out(pclient, len(names)))
    elif args.metric == "m11":
        notes = m11(lab, args, region)
        emit("parallel-ssh", metadata.version("parallel-ssh"), args.metric, region, notes=notes)
        return
    else:
        if not args.file or not args.dest:
            raise SystemExit("M10 needs --file and --dest (a directory)")
        dest = os.path.join(args.dest, os.path.basename(args.file))
        c = client(lab)
        if args.metric == "m10put":
            loop(args, region, lambda: c.copy_file(args.file, dest))
        else:
            loop(args, region, lambda: c.copy_remote_file(args.file, dest))
        c.disconnect()
    region.stop()
    notes = f"hosts={args.hosts}" if args.metric.startswith("m6") else "default client (libssh2)"
    if args.metric.startswith("m10"):
        # No --cipher: the clients take no cipher, so M10's cipher variant
        # leaves parallel-ssh out.
        notes += "; cipher not pinned (the library's and the server's choice)"
    emit("parallel-ssh", metadata.version("parallel-ssh"), args.metric, region, notes=notes)


if __name__ == "__main__":
    sys.exit(main())
