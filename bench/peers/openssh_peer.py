"""OpenSSH's `ssh` client, alone or sharing connections through
ControlMaster (`--control-master`), and the fan-out tools pdsh and clush
(`--tool`), on the same sshd: M2 cold and warm, M3 over one `ssh -T` shell
driven over pipes with F, M4 that F pipelined, M5 (ControlMaster only) S
such shells through one master, M6 cold and warm fan-outs of `echo $HOSTNAME`,
M9 memory per connection (PSS of the driver, its ssh children and the
masters)."""

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile

from peer_common import (FramedShell, Inventory, Isolation, Lab, Region, check_output, emit, emit_memory,
                         measure_pipelined, measured_command, memory_per_connection, now_us, output_note, parse_args,
                         pss_tree_kib, sessions_at_once)

METRICS = {"m2cold", "m2warm", "m3", "m4", "m5", "m6cold", "m6warm", "m7", "m9", "m9conn"}
FANOUT = 64  # the tuned concurrency of PLAN 4.2 for process-per-host tools


def version(tool):
    if tool == "ssh":
        out = subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr
        return out.split(",")[0].strip()
    if tool == "pdsh":
        out = subprocess.run(["pdsh", "-V"], capture_output=True, text=True)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    out = subprocess.run(["clush", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).strip()


class OpenSsh:
    def __init__(self, lab, args, workdir):
        self.lab = lab
        self.args = args
        self.control = os.path.join(workdir, "cm") if args.control_master else None
        if self.control:
            os.makedirs(self.control, exist_ok=True)
        self.config = lab.ssh_config(os.path.join(workdir, "ssh_config"), max(args.hosts, 1), self.control)

    def ssh(self, *rest):
        return ["ssh", "-F", self.config, *rest]

    def warm_masters(self, names):
        """Opens (and checks) one master connection per host."""
        for name in names:
            subprocess.run(self.ssh(name, "true"), check=True)
            subprocess.run(self.ssh("-O", "check", name), check=True, capture_output=True)

    def stop_masters(self, names):
        for name in names:
            subprocess.run(self.ssh("-O", "exit", name), capture_output=True)


async def run_quiet(argv, env=None):
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
    )
    out, err = await process.communicate()
    return process.returncode, out, err


async def oneshot_loop(client, args, region):
    command = measured_command(args)
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        code, out, err = await run_quiet(client.ssh("h0000", command))
        t = now_us() - t0
        if code != 0:
            raise SystemExit(f"ssh {command} exited {code}: {err.decode(errors='replace')}")
        check_output(out, args)
        if i >= args.warmup:
            region.add(t)


async def m3(client, args, region):
    """F over `ssh -T`: FramedShell, as the other Python peers run it."""
    process = await open_shell(client)
    shell = FramedShell(process)
    command = measured_command(args)
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        output = await shell.run(command)
        t = now_us() - t0
        check_output(output, args)
        if i >= args.warmup:
            region.add(t)
    process.stdin.close()
    await process.wait()


async def open_shell(client):
    """One `ssh -T h0000 bash --noprofile --norc` over pipes, as M3's."""
    return await asyncio.create_subprocess_exec(*client.ssh("-T", "h0000", "bash --noprofile --norc"),
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)


async def close_shells(processes, region):
    """Ends the shells inside the measured CPU: an `ssh` child's CPU is
    counted once it is reaped, as M3's is."""
    region.resume()
    for process in processes:
        process.stdin.close()
        await process.wait()
    region.pause()


async def m4(client, args, region):
    """PLAN M4: F pipelined over one `ssh -T` shell (FramedShell)."""
    process = await open_shell(client)
    notes = await measure_pipelined(FramedShell(process), args.count, region)
    await close_shells([process], region)
    return notes


async def m5(client, args, region):
    """PLAN M5 through ControlMaster: S `ssh -T` shells over the one master,
    each running the M3 loop at once."""
    processes = []

    async def open_one(_):
        processes.append(await open_shell(client))
        return FramedShell(processes[-1])

    try:
        rate, _ = await sessions_at_once(args.sessions, args.seconds, region, open_one, lambda s: s.run("true"))
    finally:
        await close_shells(processes, region)
    return f"sessions={args.sessions}; {rate:.0f} commands/s together"


def check_fanout(outputs, names):
    """(hosts, those that did not answer exit 0 with this machine's name,
    an example)."""
    expected = socket.gethostname()
    wrong = [n for n in names if outputs.get(n, (None, None)) != (0, expected)]
    return len(names), len(wrong), f"{wrong[0]}: {outputs.get(wrong[0])}" if wrong else ""


async def fanout_ssh(client, names):
    """N `ssh` processes, at most FANOUT at once (the small launcher of PLAN
    4.2), each with the shared 5 s connect deadline of the config."""
    limit = asyncio.Semaphore(FANOUT)
    outputs = {}

    async def one(name):
        async with limit:
            code, out, _ = await run_quiet(client.ssh(name, "echo $HOSTNAME"))
            outputs[name] = (code, out.decode(errors="replace").strip())

    await asyncio.gather(*(one(n) for n in names))
    return outputs


def tool_command(tool, config, names):
    """pdsh's or clush's command line (and environment) for `echo $HOSTNAME`
    on `names` through the ssh configuration `config`, with PLAN 4.2's
    deadlines (connect 5 s, command 30 s) and fan-out."""
    if tool == "pdsh":
        env = dict(os.environ, PDSH_SSH_ARGS_APPEND=f"-F {config}")
        return ["pdsh", "-R", "ssh", "-f", str(FANOUT), "-t", "5", "-u", "30", "-w", ",".join(names),
                "echo $HOSTNAME"], env
    return ["clush", "-f", str(FANOUT), "-t", "5", "-u", "30", "-o", f"-F {config}", "-w", ",".join(names),
            "echo $HOSTNAME"], None


async def fanout_tool(tool, client, names):
    """pdsh or clush over the same hosts and ssh configuration."""
    argv, env = tool_command(tool, client.config, names)
    code, out, err = await run_quiet(argv, env)
    outputs = {}
    for line in out.decode(errors="replace").splitlines():
        name, _, text = line.partition(": ")
        outputs[name.strip()] = (0, text.strip())
    # pdsh and clush exit non-zero when a host failed: that host is then
    # missing from the outputs and counted there.
    if code != 0 and not outputs:
        raise SystemExit(f"{tool} exited {code}: {err.decode(errors='replace')[:500]}")
    return outputs


async def fanout(client, args, region, tool):
    names = client.lab.host_names(args.hosts)
    if args.metric == "m6warm":
        client.warm_masters(names)
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        outputs = await (fanout_ssh(client, names) if tool == "ssh" else fanout_tool(tool, client, names))
        t = now_us() - t0
        if i >= args.warmup:
            region.add(t)
            region.hosts_answered(*check_fanout(outputs, names))
    return names


async def m7_ssh(config, names, t0):
    """One `ssh` per host, at most FANOUT at once: each host's time is its
    process's end, its answer the output or, failed, what ssh said."""
    limit = asyncio.Semaphore(FANOUT)
    outcomes = {}

    async def one(name):
        async with limit:
            code, out, err = await run_quiet(["ssh", "-F", config, name, "echo $HOSTNAME"])
        text = out.decode(errors="replace").strip() if code == 0 else err.decode(errors="replace").strip()
        outcomes[name] = (now_us() - t0, text or f"exit {code}")

    await asyncio.gather(*(one(n) for n in names))
    return outcomes


async def m7_tool(tool, config, names, t0):
    """pdsh or clush: each host's time is that of the last line naming it
    (its answer on stdout, or ssh's and the tool's complaints on stderr)."""
    argv, env = tool_command(tool, config, names)
    process = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE, env=env)
    known = set(names)
    answers, complaints, times = {}, {}, {}
    line_of = re.compile(r"\b(h[0-9]{4}): ?(.*)")

    async def read(stream, is_stdout):
        async for raw in stream:
            m = line_of.search(raw.decode(errors="replace").rstrip("\n"))
            if not m or m.group(1) not in known:
                continue
            name, text = m.groups()
            times[name] = now_us() - t0
            if is_stdout:
                answers.setdefault(name, text.strip())
            else:
                complaints.setdefault(name, []).append(text.strip())

    await asyncio.gather(read(process.stdout, True), read(process.stderr, False))
    await process.wait()
    return {n: (times.get(n), answers.get(n) or " | ".join(complaints.get(n, [])) or "no line")
            for n in names}


async def m7(lab, args, region, tool, workdir):
    isolation = Isolation(Inventory(args.inventory, args.good_only == "yes"), region)
    config = isolation.ssh_config(os.path.join(workdir, "ssh_config_m7"), lab.known_hosts)
    names = [h["name"] for h in isolation.inventory.hosts]
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        outcomes = await (m7_ssh(config, names, t0) if tool == "ssh" else m7_tool(tool, config, names, t0))
        if i >= args.warmup:
            isolation.record(outcomes)
    return isolation


async def open_master(client, name):
    """Opens `name`'s ControlMaster with a first `true` (the master then
    goes to the background: ControlPersist) and returns the master's pid,
    which `ssh -O check` reports."""
    first = await asyncio.create_subprocess_exec(*client.ssh(name, "true"), stdin=asyncio.subprocess.DEVNULL,
                                                 stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    if await first.wait() != 0:
        raise SystemExit(f"ssh {name} true exited {first.returncode}")
    code, out, err = await run_quiet(client.ssh("-O", "check", name))
    found = re.search(rb"pid=([0-9]+)", out + err)
    if code != 0 or not found:
        raise SystemExit(f"ssh -O check {name}: {(out + err).decode(errors='replace')}")
    return int(found.group(1))


async def m9(client, args):
    """PLAN M9 for a process-per-host client: --hosts `ssh -T hNNNN bash
    --noprofile --norc` children, each shell checked with a framed `true`
    (m9); or connections alone (m9conn): `ssh -N`, checked by a LocalCommand
    that runs once the login succeeded. With ControlMaster, each host's
    master is opened first (by a `true`) and the shell goes through it; the
    connection alone is the master. Returns (KiB with 1, KiB with N, which
    memory, notes)."""
    names = client.lab.host_names(args.hosts)
    masters, children = [], []

    async def open_one(name):
        if client.control:
            masters.append(await open_master(client, name))
            if args.metric == "m9conn":
                return name
        if args.metric == "m9conn":
            child = await asyncio.create_subprocess_exec(
                *client.ssh("-N", "-o", "PermitLocalCommand=yes", "-o", "LocalCommand=echo up", name),
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE)
            children.append(child)
            line = await child.stdout.readline()
            if line != b"up\n":
                raise SystemExit(f"ssh -N {name}: no login ({line!r})")
            return child
        child = await asyncio.create_subprocess_exec(*client.ssh("-T", name, "bash --noprofile --norc"),
                                                     stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        children.append(child)
        await FramedShell(child).run("true")
        return child

    async def open_some(indices):
        return await asyncio.gather(*(open_one(names[k]) for k in indices))

    try:
        before, after, _ = await memory_per_connection(args.hosts, open_some, lambda: pss_tree_kib(masters))
    finally:
        for child in children:
            if child.returncode is None:
                child.terminate()
            await child.wait()
    what = "connection only: " + ("the masters (after one `true`)" if client.control else "`ssh -N`")
    if args.metric == "m9":
        what = "`ssh -T` shells" + (" through the masters" if client.control else "")
    kind = "PSS of the driver and its ssh children"
    if client.control:
        kind = "PSS of the driver, its ssh children and the masters"
    return before, after, kind, what


async def main():
    args = parse_args(
        METRICS,
        extra=[
            ("--tool", "ssh (default), pdsh or clush (M6 only)"),
            ("--control-master", "yes: share connections through ControlMaster"),
        ],
    )
    args.control_master = args.control_master == "yes"
    tool = args.tool or "ssh"
    if tool not in ("ssh", "pdsh", "clush") or (tool != "ssh" and args.metric not in ("m6cold", "m6warm", "m7")):
        raise SystemExit(f"--tool {tool}: pdsh and clush only fan out (m6cold, m6warm, m7)")
    if args.metric in ("m2warm", "m5", "m6warm") and not args.control_master:
        raise SystemExit(f"{args.metric} needs --control-master yes: plain ssh keeps no connection open")
    if not args.metric.startswith(("m6", "m9")):
        args.hosts = 1
    workdir = tempfile.mkdtemp(prefix="otto-peer-ssh.")
    lab = Lab(args.lab, args.user)
    client = OpenSsh(lab, args, workdir)
    region = Region()
    names = ["h0000"]
    memory = None
    notes = f"hosts={args.hosts}" if args.metric.startswith("m6") else ""
    try:
        if args.metric == "m7":
            isolation = await m7(lab, args, region, tool, workdir)
            region.stop()
            emit({"ssh": "openssh", "pdsh": "pdsh", "clush": "clush"}[tool], version(tool), args.metric, region,
                 notes=isolation.notes(), extra=isolation.fields())
            return
        if args.metric.startswith("m9"):
            memory = await m9(client, args)
        elif args.metric == "m2warm":
            client.warm_masters(names)
            await oneshot_loop(client, args, region)
        elif args.metric == "m2cold":
            await oneshot_loop(client, args, region)
        elif args.metric == "m3":
            if args.control_master:
                client.warm_masters(names)
            await m3(client, args, region)
        elif args.metric in ("m4", "m5"):
            if args.control_master:
                client.warm_masters(names)
            notes = await (m4 if args.metric == "m4" else m5)(client, args, region)
        else:
            names = await fanout(client, args, region, tool)
        region.stop()
    finally:
        if client.control:
            client.stop_masters(lab.host_names(args.hosts))
        shutil.rmtree(workdir, ignore_errors=True)
    ssh_name = "openssh" + ("+controlmaster" if args.control_master else "")
    peer = {"ssh": ssh_name, "pdsh": "pdsh", "clush": "clush"}[tool]
    if memory:
        emit_memory(peer, version(tool), args.metric, args.hosts, *memory)
        return
    emit(peer, version(tool), args.metric, region, notes=notes or output_note(args),
         ops=args.count if args.metric == "m4" else None)


if __name__ == "__main__":
    asyncio.run(main())
