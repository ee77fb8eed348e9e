"""rmote: Python bootstrapped over `ssh -T` on the target, then remote
method calls over that pipe. It has no shell session, so its M3 is a
sequential remote-method round trip (`Hostname.get`, labelled RPC) and its
M4 a `gather` of such calls on one connection; M2 is `Exec.shell("true")`
on a fresh connection (cold, bootstrap included) or an open one (warm);
M6 a `gather` of fresh connections, each bounded by `asyncio.wait_for`
(rmote has no timeouts of its own); M9 with --hosts open protocols."""

import asyncio
import contextlib
import os
import shutil
import socket
import tempfile
from importlib import metadata

from rmote.protocol import Protocol
from rmote.tools.exec import Exec
from rmote.tools.hostname import Hostname

from peer_common import (COMMAND_S, Inventory, Isolation, Lab, Region, emit, emit_memory, memory_per_connection, now_us,
                         parse_args, pss_tree_kib)

METRICS = {"m2cold", "m2warm", "m3", "m4", "m6cold", "m7", "m9"}
DEADLINE_S = 5


def connect(config, name):
    return Protocol.from_ssh(name, ssh_options=["-F", config])


async def m2cold(config, args, region):
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        async with await connect(config, "h0000") as proto:
            await proto(Exec.shell, "true")
        t = now_us() - t0
        if i >= args.warmup:
            region.add(t)


async def on_open_connection(config, args, region, call):
    async with await connect(config, "h0000") as proto:
        await call(proto)
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            t0 = now_us()
            await call(proto)
            t = now_us() - t0
            if i >= args.warmup:
                region.add(t)


async def m4(config, args, region):
    """`count` calls submitted at once on one connection; one sample: the
    whole batch (first submit to last answer)."""
    async with await connect(config, "h0000") as proto:
        await proto(Hostname.get)
        region.start()
        t0 = now_us()
        names = await asyncio.gather(*(proto(Hostname.get) for _ in range(args.count)))
        region.add(now_us() - t0)
        if len(names) != args.count:
            raise SystemExit("calls went missing")


async def m6cold(lab, config, args, region):
    names = lab.host_names(args.hosts)
    expected = socket.gethostname()

    async def one(name):
        async def work():
            async with await connect(config, name) as proto:
                # rmote's shell is /bin/sh, where $HOSTNAME is unset.
                done = await proto(Exec.shell, "hostname", capture_output=True)
                return done.stdout.decode().strip()

        return await asyncio.wait_for(work(), DEADLINE_S)

    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        answers = await asyncio.gather(*(one(n) for n in names), return_exceptions=True)
        t = now_us() - t0
        wrong = [a for a in answers if a != expected]
        if i >= args.warmup:
            region.add(t)
            region.hosts_answered(len(answers), len(wrong), repr(wrong[0]) if wrong else "")


async def m7(lab, args, region, workdir):
    """A gather over the inventory: each host's `from_ssh` bounded by
    `asyncio.wait_for(..., 5)`, its call by 30 s; rmote has no deadlines of
    its own. from_ssh only spawns `ssh`: the connection is made by the first
    call, bounded by the config's 5 s ConnectTimeout (connect and banner),
    and a failure comes back quoting what ssh said. Each host's time is its
    coroutine's end."""
    isolation = Isolation(Inventory(args.inventory, args.good_only == "yes"), region)
    config = isolation.ssh_config(os.path.join(workdir, "ssh_config_m7"), lab.known_hosts)

    async def one(name, t0):
        try:
            proto = await asyncio.wait_for(connect(config, name), DEADLINE_S)
            async with proto:
                # rmote's shell is /bin/sh, where $HOSTNAME is unset.
                done = await asyncio.wait_for(proto(Exec.shell, "hostname", capture_output=True), COMMAND_S)
            answer = done.stdout.decode().strip()
        except Exception as e:  # noqa: BLE001 - a host's failure is its result
            answer = e
        return name, (now_us() - t0, answer)

    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        outcomes = await asyncio.gather(*(one(h["name"], t0) for h in isolation.inventory.hosts))
        if i >= args.warmup:
            isolation.record(dict(outcomes))
    return isolation


async def m9(lab, config, args):
    """PLAN M9: --hosts open protocols, each a bootstrapped Python behind
    its own `ssh -T` child, checked with one `Hostname.get`. rmote has no
    shell: the connection is the bootstrapped protocol. Its memory: PSS of
    this process and its ssh children."""
    async with contextlib.AsyncExitStack() as stack:

        async def open_one(name):
            proto = await stack.enter_async_context(await connect(config, name))
            await proto(Hostname.get)
            return proto

        async def open_some(indices):
            return await asyncio.gather(*(open_one(lab.host_names(args.hosts)[k]) for k in indices))

        before, after, _ = await memory_per_connection(args.hosts, open_some, pss_tree_kib)
    emit_memory("rmote", metadata.version("rmote"), args.metric, args.hosts, before, after,
                "PSS of the driver and its ssh children",
                "no shell: a bootstrapped RPC connection, checked with Hostname.get")


async def main():
    args = parse_args(METRICS)
    lab = Lab(args.lab, args.user)
    workdir = tempfile.mkdtemp(prefix="otto-peer-rmote.")
    config = lab.ssh_config(os.path.join(workdir, "ssh_config"), max(args.hosts, 1))
    region = Region()
    try:
        if args.metric == "m7":
            isolation = await m7(lab, args, region, workdir)
            region.stop()
            emit("rmote", metadata.version("rmote"), args.metric, region, notes=isolation.notes(),
                 extra=isolation.fields())
            return
        if args.metric == "m9":
            return await m9(lab, config, args)
        if args.metric == "m2cold":
            await m2cold(config, args, region)
        elif args.metric == "m2warm":
            await on_open_connection(config, args, region, lambda p: p(Exec.shell, "true"))
        elif args.metric == "m3":
            await on_open_connection(config, args, region, lambda p: p(Hostname.get))
        elif args.metric == "m4":
            await m4(config, args, region)
        else:
            await m6cold(lab, config, args, region)
        region.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    notes = {"m3": "RPC: Hostname.get round trip, no shell", "m4": "one sample: a gather of --count calls"}
    emit("rmote", metadata.version("rmote"), args.metric, region, ops=args.count if args.metric == "m4" else None,
         notes=notes.get(args.metric, f"hosts={args.hosts}" if args.metric == "m6cold" else ""))


if __name__ == "__main__":
    asyncio.run(main())
