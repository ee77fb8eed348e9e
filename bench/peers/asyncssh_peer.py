"""asyncssh, the transport under the original Python otto, on PLAN 3's
metrics it can do: M1 connect+auth, M2 cold and warm one-shots, M3 round
trips in a persistent shell with F, M10 put and get over SFTP."""

import asyncio
import os

import asyncssh

from peer_common import CIPHER, HOST_KEY, KEX, Framing, Lab, Region, emit, now_us, parse_args, parse_framed

METRICS = {"m1", "m2cold", "m2warm", "m3", "m10put", "m10get"}


def connect(lab):
    return asyncssh.connect(
        lab.host,
        port=lab.port,
        username=lab.user,
        client_keys=[lab.key],
        known_hosts=lab.known_hosts,
        agent_path=None,
        kex_algs=[KEX],
        server_host_key_algs=[HOST_KEY],
        encryption_algs=[CIPHER],
        compression_algs=None,
        config=None,
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
    async with connect(lab) as conn:
        await conn.run("true")  # the connection's first channel is used
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            t0 = now_us()
            result = await conn.run("true")
            t = now_us() - t0
            if result.exit_status != 0:
                raise SystemExit(f"true exited {result.exit_status}")
            if i >= args.warmup:
                region.add(t)


async def m3(lab, args, region):
    async with connect(lab) as conn:
        process = await conn.create_process("bash --noprofile --norc", encoding=None)
        framing = Framing()
        buffer = b""
        for i in range(args.warmup + args.count):
            region.begin_at(i, args.warmup)
            data, end = framing.frame("true")
            t0 = now_us()
            process.stdin.write(data)
            while True:
                parsed = parse_framed(buffer, end)
                if parsed:
                    break
                chunk = await process.stdout.read(65536)
                if not chunk:
                    raise SystemExit("the shell ended")
                buffer += chunk
            t = now_us() - t0
            _, code, buffer = parsed
            if code != 0:
                raise SystemExit(f"true exited {code}")
            if i >= args.warmup:
                region.add(t)
        process.stdin.write_eof()


async def m10(lab, args, region, put):
    if not args.file or not args.dest:
        raise SystemExit("M10 needs --file and --dest")
    async with connect(lab) as conn:
        async with conn.start_sftp_client() as sftp:
            for i in range(args.warmup + args.count):
                region.begin_at(i, args.warmup)
                t0 = now_us()
                if put:
                    await sftp.put(args.file, args.dest)
                else:
                    await sftp.get(args.file, args.dest)
                t = now_us() - t0
                if i >= args.warmup:
                    region.add(t)


async def main():
    args = parse_args(METRICS)
    lab = Lab(args.lab, args.user)
    region = Region()
    if args.metric == "m1":
        await m1(lab, args, region)
    elif args.metric == "m2cold":
        await m2cold(lab, args, region)
    elif args.metric == "m2warm":
        await m2warm(lab, args, region)
    elif args.metric == "m3":
        await m3(lab, args, region)
    else:
        await m10(lab, args, region, put=args.metric == "m10put")
    region.stop()
    emit("asyncssh", asyncssh.__version__, args.metric, region)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    asyncio.run(main())
