"""The files the drivers read or write on the lab's side, on tmpfs: M10's
large file, checked by SHA-256 outside the timed region, and its small ones
the drivers stat and read; and the printable text the output-volume
variants of M2 warm and M3 `cat` (PLAN 3)."""

import base64
import hashlib
import os
import shutil
import sys
import tempfile

from comparison.plan import PEERS, option

# The small files' names and size, as the drivers know them.
sys.path.insert(0, PEERS)
from peer_common import SMALL_FILE_BYTES, small_file_paths  # noqa: E402


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# The metrics that stat or read M10's small files.
SMALL_METRICS = ("m10stat", "m10read")


class LabDirectory:
    """A directory on tmpfs (where there is one) that the lab's user may
    read, removed by close()."""

    def __init__(self):
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.dir = tempfile.mkdtemp(prefix="otto-compare.", dir=base)
        os.chmod(self.dir, 0o755)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Files(LabDirectory):
    """M10's files on tmpfs: a random source, a remote directory the lab's
    user may write, a local directory for gets, and `small_files` files of
    4 KiB for stat all and read all."""

    def __init__(self, mib, small_files=0):
        super().__init__()
        self.source = os.path.join(self.dir, "source.bin")
        with open(self.source, "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))
        os.chmod(self.source, 0o644)
        self.digest = sha256(self.source)
        self.remote = os.path.join(self.dir, "remote")
        self.local = os.path.join(self.dir, "local")
        for d in (self.remote, self.local):
            os.mkdir(d)
            os.chmod(d, 0o777)
        self.mib = mib
        self.small_files = small_files
        self.small = os.path.join(self.dir, "small")
        make_small_files(self.small, small_files)

    def options(self, metric):
        if metric in SMALL_METRICS:
            return ["--dir", self.small, "--files", str(self.small_files)]
        if metric == "m10put":
            return ["--file", self.source, "--dest", self.remote]
        shutil.copy(self.source, os.path.join(self.remote, "source.bin"))
        os.chmod(os.path.join(self.remote, "source.bin"), 0o644)
        return ["--file", os.path.join(self.remote, "source.bin"), "--dest", self.local]

    def size_note(self, metric):
        """The notes' first clause for the large file's rows (PLAN 6's M10
        target reads the size from there); the small files' drivers name
        their files in their own notes."""
        return None if metric in SMALL_METRICS else f"{self.mib} MiB"

    def check_and_clear(self, metric):
        """The copy is byte-identical (outside the timed region), then gone.
        The small files are not copied: each driver checks what it read."""
        if metric in SMALL_METRICS:
            return True
        copy = os.path.join(self.remote if metric == "m10put" else self.local, "source.bin")
        ok = os.path.exists(copy) and sha256(copy) == self.digest
        for d in (self.remote, self.local):
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
        return ok


def make_small_files(directory, count):
    """`count` files of 4 KiB of letters, readable by the lab's account."""
    os.mkdir(directory)
    os.chmod(directory, 0o755)
    block = bytes(ord("a") + i % 26 for i in range(SMALL_FILE_BYTES))
    for path in small_file_paths(directory, count):
        with open(path, "wb") as f:
            f.write(block)
        os.chmod(path, 0o644)


# The output-volume variants' lines: 63 printable characters and a newline.
LINE = 64


def printable_text(size):
    """`size` bytes (a multiple of LINE) of base64 of random bytes, in lines
    of LINE bytes: text no terminal or decoder alters, and no line so long
    that a reader's line handling would be what is measured. The last line
    has no newline: what a command's final newline becomes is each
    library's choice (otto's session results and otto-sh drop it, as the
    shell's $(...) does), and the drivers check the bytes the file holds."""
    if size % LINE:
        raise ValueError(f"{size} is not a multiple of {LINE}")
    body = base64.b64encode(os.urandom(size)).decode("ascii")
    width = LINE - 1
    text = "".join(body[k * width:(k + 1) * width] + "\n" for k in range(size // LINE))
    return (text[:-1] + body[-1]).encode("ascii")


class OutputFiles(LabDirectory):
    """The files the output-volume variants `cat`, one per size, made once
    before the rows run and readable by the lab's user."""

    def __init__(self, sizes):
        super().__init__()
        self.paths = {}
        for size in sizes:
            path = os.path.join(self.dir, f"output-{size}.txt")
            with open(path, "wb") as f:
                f.write(printable_text(size))
            os.chmod(path, 0o644)
            self.paths[size] = path

    def options(self, extra):
        """--output-file for a row's --output-bytes, none without one."""
        size = option(extra, "--output-bytes")
        return ["--output-file", self.paths[int(size)]] if size else []
