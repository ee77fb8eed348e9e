"""M10's files on tmpfs: the large one checked by SHA-256 outside the timed
region, and the small ones the drivers stat and read."""

import hashlib
import os
import shutil
import sys
import tempfile

from comparison.plan import PEERS

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


class Files:
    """M10's files on tmpfs: a random source, a remote directory the lab's
    user may write, a local directory for gets, and `small_files` files of
    4 KiB for stat all and read all."""

    def __init__(self, mib, small_files=0):
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.dir = tempfile.mkdtemp(prefix="otto-compare.", dir=base)
        os.chmod(self.dir, 0o755)
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

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def make_small_files(directory, count):
    """`count` files of 4 KiB of letters, readable by the lab's account."""
    os.mkdir(directory)
    os.chmod(directory, 0o755)
    block = bytes(ord("a") + i % 26 for i in range(SMALL_FILE_BYTES))
    for path in small_file_paths(directory, count):
        with open(path, "wb") as f:
            f.write(block)
        os.chmod(path, 0o644)
