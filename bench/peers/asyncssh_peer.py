"""asyncssh, the transport under the original Python otto, on PLAN 3's
metrics it can do: M1 connect+auth, M2 cold and warm one-shots, M3 round
trips in a persistent shell with F, M9 memory per connection, M10 put and
get over SFTP and stat all and read all of its small files, M11 polling with a scheduling loop of the driver's own,
M4 pipelined F, M5 S shells at once, M12 (and its 1 MiB variant) with
readuntil on a PTY."""

import asyncio
import os
import re
import socket

import asyncssh

from peer_common import (COMMAND_S, SMALL_FILE_BYTES, FramedShell, HOST_KEY, Inventory, Isolation, KEX, Lab,
                         Polling, Region, big_exchange, check_output, cipher_note, emit, emit_memory, first_and_last,
                         measure_pipelined, measured_command, memory_per_connection, now_us, output_note, parse_args,
                         sessions_at_once, small_files_note, small_files_of, vmrss_kib)

METRICS = {"m1", "m2cold", "m2warm", "m3", "m4", "m5", "m6cold", "m6warm", "m7", "m9", "m9conn", "m10put", "m10get",
           "m10stat", "m10read", "m11", "m12", "m12big"}
DEADLINE_S = 5


def connect(lab, port=None):
    return asyncssh.connect(
        lab.host,
        port=port or lab.port,
        username=lab.user,
        client_keys=[lab.key],
        known_hosts=lab.known_hosts,
        agent_path=None,
        kex_algs=[KEX],
        server_host_key_algs=[HOST_KEY],
        encryption_algs=[lab.cipher],
        compression_algs=None,
        config=None,
        connect_timeout=DEADLINE_S,
        login_timeout=DEADLINE_S,
    )


async def m1(lab, args, region):
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        conn = await connect(lab)
        t = now_us() - t0
        conn.close()
        await conn.wait_closed()
        if i >= args.warmup:
            region.add(t)


async def m2cold(lab, args, region):
    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        async with connect(lab) as conn:
            result = await conn.run("true")
        t = now_us() - t0
        if result.exit_status != 0:
            raise SystemExit(f"true exited {result.exit_status}")
        if i >= args.warmup:
            region.add(t)


async def m2warm(lab, args, region):
    command = measured_command(args)
    async with connect(lab) as conn:
        await conn.run("true")  # the connection's first channel is used
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            t0 = now_us()
            # Text, asyncssh's default; the files are ASCII, one byte a character.
            result = await conn.run(command)
            t = now_us() - t0
            if result.exit_status != 0:
                raise SystemExit(f"{command} exited {result.exit_status}")
            check_output(result.stdout, args)
            if i >= args.warmup:
                region.add(t)


async def open_shell(conn, pty):
    """`bash --noprofile --norc` on an exec channel or, with `pty`, on a
    PTY with echo off and the PLAN 4.1 bootstrap first, as otto's SSH
    sessions run, so the output holds only what the commands print."""
    process = await conn.create_process("bash --noprofile --norc", encoding=None,
                                        **({"term_type": "dumb"} if pty else {}))
    if pty:
        process.stdin.write(b"stty -echo; bind 'set enable-bracketed-paste off' 2>/dev/null; "
                            b"export TERM=dumb PAGER=cat PS1= PS2=\n")
    return process


async def m4(lab, args, region):
    async with connect(lab) as conn:
        process = await open_shell(conn, pty=False)
        notes = await measure_pipelined(FramedShell(process), args.count, region)
        process.stdin.write_eof()
    return notes


async def m12big(lab, args, region):
    """PLAN M12's 1 MiB variant: a shell on a PTY; each exchange prints 1 MiB
    that cannot match, then its marker, read by readuntil with the marker's
    regex (max_separator_len: only the new data and the marker's length
    before it are searched again as output arrives)."""
    async with connect(lab) as conn:
        process = await open_shell(conn, pty=True)
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            command, marker = big_exchange(i)
            t0 = now_us()
            process.stdin.write(command.encode())
            await process.stdout.readuntil(re.compile(marker.encode()), max_separator_len=64)
            t = now_us() - t0
            if i >= args.warmup:
                region.add(t)
        process.stdin.write_eof()
    return first_and_last(region.samples)


async def m3(lab, args, region):
    async with connect(lab) as conn:
        # With a PTY, as otto's SSH sessions run: echo off and the PLAN 4.1
        # bootstrap first, so the framing sees only the output.
        process = await open_shell(conn, args.pty == "yes")
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
        process.stdin.write_eof()


def check_answers(answers):
    """(hosts, wrong answers, an example of one)."""
    expected = socket.gethostname()
    wrong = [a for a in answers if a != expected]
    return len(answers), len(wrong), repr(wrong[0]) if wrong else ""


async def m6cold(lab, args, region):
    async def one(index):
        async with connect(lab, lab.port_of(index)) as conn:
            result = await conn.run("echo $HOSTNAME")
            return result.stdout.strip() if result.exit_status == 0 else result

    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        answers = await asyncio.gather(*(one(k) for k in range(args.hosts)), return_exceptions=True)
        t = now_us() - t0
        if i >= args.warmup:
            region.add(t)
            region.hosts_answered(*check_answers(answers))


async def m6warm(lab, args, region):
    conns = await asyncio.gather(*(connect(lab, lab.port_of(k)) for k in range(args.hosts)))

    async def one(conn):
        result = await conn.run("echo $HOSTNAME")
        return result.stdout.strip() if result.exit_status == 0 else result

    try:
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            t0 = now_us()
            answers = await asyncio.gather(*(one(c) for c in conns), return_exceptions=True)
            t = now_us() - t0
            if i >= args.warmup:
                region.add(t)
                region.hosts_answered(*check_answers(answers))
    finally:
        for c in conns:
            c.close()


async def m7(lab, args, region):
    """M6 cold over the inventory's hosts, good and bad: each host's own
    connect (its key, its port) under the same 5 s connect and login
    deadlines, the command under 30 s; every host's completion time."""
    isolation = Isolation(Inventory(args.inventory, args.good_only == "yes"), region)

    async def one(host, t0):
        try:
            conn = await asyncssh.connect(
                host["address"], port=host["port"], username=host["user"], client_keys=[host["key"]],
                known_hosts=lab.known_hosts, agent_path=None, kex_algs=[KEX], server_host_key_algs=[HOST_KEY],
                encryption_algs=[lab.cipher], compression_algs=None, config=None, connect_timeout=DEADLINE_S,
                login_timeout=DEADLINE_S)
            async with conn:
                result = await conn.run("echo $HOSTNAME", timeout=COMMAND_S)
            answer = result.stdout.strip() if result.exit_status == 0 else f"exit {result.exit_status}"
        except Exception as e:  # noqa: BLE001 - a host's failure is its result
            answer = e
        return host["name"], (now_us() - t0, answer)

    for i in range(args.warmup + args.count):
        region.begin_at(i, args.warmup)
        t0 = now_us()
        outcomes = await asyncio.gather(*(one(h, t0) for h in isolation.inventory.hosts))
        if i >= args.warmup:
            isolation.record(dict(outcomes))
    return isolation


async def m5(lab, args, region):
    async with connect(lab) as conn:

        async def open_one(_):
            return FramedShell(await conn.create_process("bash --noprofile --norc", encoding=None))

        rate, _ = await sessions_at_once(args.sessions, args.seconds, region, open_one, lambda s: s.run("true"))
    return f"sessions={args.sessions}; {rate:.0f} commands/s together"


async def m12(lab, args, region):
    """`bc -q` on a PTY: send `i+1`, read until the answer line. The PTY
    echoes the typed line, whose `+` keeps it from matching."""
    async with connect(lab) as conn:
        process = await conn.create_process("bc -q", term_type="dumb", encoding=None)
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            answer = re.compile(rb"(?<![0-9+])%d\r?\n" % (i + 1))
            t0 = now_us()
            process.stdin.write(b"%d+1\n" % i)
            await process.stdout.readuntil(answer, max_separator_len=16)
            t = now_us() - t0
            if i >= args.warmup:
                region.add(t)
        process.stdin.write(b"quit\n")


async def m10(lab, args, region, put):
    if not args.file or not args.dest:
        raise SystemExit("M10 needs --file and --dest")
    dest = os.path.join(args.dest, os.path.basename(args.file))  # --dest is a directory
    async with connect(lab) as conn:
        async with conn.start_sftp_client() as sftp:
            for i in range(args.warmup + args.count):
                region.begin_at(i, args.warmup)
                t0 = now_us()
                if put:
                    await sftp.put(args.file, dest)
                else:
                    await sftp.get(args.file, dest)
                t = now_us() - t0
                if i >= args.warmup:
                    region.add(t)
    return cipher_note(lab)


async def stat_small_file(sftp, path):
    attrs = await sftp.stat(path)
    if attrs.size != SMALL_FILE_BYTES:
        raise SystemExit(f"stat {path}: {attrs.size} bytes, not {SMALL_FILE_BYTES}")


async def read_small_file(sftp, path):
    async with sftp.open(path, "rb") as f:
        data = await f.read()
    if len(data) != SMALL_FILE_BYTES:
        raise SystemExit(f"read {path}: {len(data)} bytes, not {SMALL_FILE_BYTES}")


async def m10small(lab, args, region, read):
    """PLAN M10's small files: a gather of every stat (or open + read +
    close) on one SFTP client, all in flight; a sample is the whole pass and
    the ops are the files."""
    paths = small_files_of(args)
    one = read_small_file if read else stat_small_file
    async with connect(lab) as conn:
        async with conn.start_sftp_client() as sftp:
            for i in range(args.warmup + args.count):
                region.begin_at(i, args.warmup)
                t0 = now_us()
                await asyncio.gather(*(one(sftp, p) for p in paths))
                t = now_us() - t0
                if i >= args.warmup:
                    region.add(t)
    how = "a gather of open + read + close" if read else "a gather of stat"
    return small_files_note(args, read, f"{how}, all in flight; {cipher_note(lab)}")


async def m11(lab, args, region):
    """PLAN M11, approximated: asyncssh has no scheduler, so this is the
    loop a user would write. Each tick sleeps until it is due, then starts
    an exec channel of `cat /proc/loadavg` on every connection not still
    busy with an earlier tick (a busy one is skipped, as otto's poll does)."""
    conns = await asyncio.gather(*(connect(lab, lab.port_of(k)) for k in range(args.hosts)))
    poll = Polling(args.hosts, int(args.seconds))

    async def probe(conn):
        result = await conn.run("cat /proc/loadavg")
        return result.stdout if result.exit_status == 0 else result

    async def collect(index, running):
        for answer in await asyncio.gather(*running, return_exceptions=True):
            poll.probe(answer)
        poll.done[index] = now_us()

    try:
        await asyncio.gather(*(probe(c) for c in conns))  # every connection's first channel used
        busy = [None] * len(conns)
        ticks = []
        region.start()
        poll.start()
        for k in range(poll.ticks):
            await asyncio.sleep(max(0.0, (poll.due(k) - now_us()) / 1e6))
            poll.dispatch[k] = now_us()
            running = []
            for i, conn in enumerate(conns):
                if busy[i] is not None and not busy[i].done():
                    poll.skip()
                    continue
                busy[i] = asyncio.create_task(probe(conn))
                running.append(busy[i])
            ticks.append(asyncio.create_task(collect(k, running)))
        await asyncio.gather(*ticks)
        region.stop()
    finally:
        for c in conns:
            c.close()
    return poll.figures(region, "approximated: an asyncio loop of the driver's own, an exec channel per probe")


async def m9(lab, args, shell):
    """PLAN M9 in this process: --hosts connections, each with one idle
    `bash --noprofile --norc` that has answered a framed `true` (`shell`),
    or with only its one `conn.run('true')` done."""
    conns = []

    async def open_one(k):
        conn = await connect(lab, lab.port_of(k))
        conns.append(conn)
        if not shell:
            result = await conn.run("true")
            if result.exit_status != 0:
                raise SystemExit(f"true exited {result.exit_status}")
            return conn
        framed = FramedShell(await conn.create_process("bash --noprofile --norc", encoding=None))
        await framed.run("true")
        return framed

    async def open_some(indices):
        return await asyncio.gather(*(open_one(k) for k in indices))

    try:
        before, after, _ = await memory_per_connection(args.hosts, open_some, vmrss_kib)
    finally:
        for conn in conns:
            conn.close()
    emit_memory("asyncssh", asyncssh.__version__, args.metric, args.hosts, before, after, "VmRSS",
                "" if shell else "connection only, after one conn.run('true')")


async def main():
    args = parse_args(METRICS, extra=[("--pty", "M3: yes runs the shell on a PTY")], cipher=True)
    lab = Lab(args.lab, args.user, args.cipher)
    region = Region()
    notes = f"hosts={args.hosts}" if args.metric.startswith("m6") else ""
    if args.metric.startswith("m9"):
        await m9(lab, args, shell=args.metric == "m9")
        return
    if args.metric == "m1":
        await m1(lab, args, region)
    elif args.metric == "m2cold":
        await m2cold(lab, args, region)
    elif args.metric == "m2warm":
        await m2warm(lab, args, region)
        notes = output_note(args)
    elif args.metric == "m3":
        await m3(lab, args, region)
        notes = output_note(args)
    elif args.metric == "m12":
        await m12(lab, args, region)
    elif args.metric == "m12big":
        notes = await m12big(lab, args, region)
    elif args.metric == "m4":
        notes = await m4(lab, args, region)
    elif args.metric == "m5":
        notes = await m5(lab, args, region)
    elif args.metric == "m6cold":
        await m6cold(lab, args, region)
    elif args.metric == "m6warm":
        await m6warm(lab, args, region)
    elif args.metric == "m7":
        isolation = await m7(lab, args, region)
        region.stop()
        emit("asyncssh", asyncssh.__version__, args.metric, region, notes=isolation.notes(),
             extra=isolation.fields())
        return
    elif args.metric == "m11":
        notes = await m11(lab, args, region)
    elif args.metric in ("m10stat", "m10read"):
        notes = await m10small(lab, args, region, read=args.metric == "m10read")
        region.stop()
        emit("asyncssh", asyncssh.__version__, args.metric, region, notes=notes,
             ops=len(region.samples) * args.files)
        return
    else:
        notes = await m10(lab, args, region, put=args.metric == "m10put")
    region.stop()
    emit("asyncssh", asyncssh.__version__, args.metric, region, notes=notes,
         ops=args.count if args.metric == "m4" else None)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    asyncio.run(main())
