"""M10's files on tmpfs, checked by SHA-256 outside the timed region."""

import hashlib
import os
import shutil
import tempfile


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Files:
    """M10's files on tmpfs: a random source, a remote directory the lab's
    user may write, and a local directory for gets."""

    def __init__(self, mib):
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

    def options(self, metric):
        if metric == "m10put":
            return ["--file", self.source, "--dest", self.remote]
        shutil.copy(self.source, os.path.join(self.remote, "source.bin"))
        os.chmod(os.path.join(self.remote, "source.bin"), 0o644)
        return ["--file", os.path.join(self.remote, "source.bin"), "--dest", self.local]

    def check_and_clear(self, metric):
        """The copy is byte-identical (outside the timed region), then gone."""
        copy = os.path.join(self.remote if metric == "m10put" else self.local, "source.bin")
        ok = os.path.exists(copy) and sha256(copy) == self.digest
        for d in (self.remote, self.local):
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
        return ok

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)
