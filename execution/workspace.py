"""The host's side of a run's files: one fresh directory per sandbox, made and removed by the
executor, owned by the slot's uid so that no other slot's sandbox can read it."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

from execution.sandbox import Identity

# Directories are removed by file descriptor, never through a path a sandbox could have made a
# link of: that is what shutil.rmtree does wherever this is True (Linux, among others).
assert shutil.rmtree.avoids_symlink_attacks


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        # Sandboxes (other uids) must reach their own folder inside, and list nothing.
        root.chmod(0o711)

    def create(self, identity: Identity) -> Path:
        box = self.root / f"run-{uuid.uuid4().hex}"
        box.mkdir(mode=0o700)
        os.chown(box, identity.uid, identity.gid)
        return box

    @staticmethod
    def write(box: Path, name: str, data: bytes) -> Path:
        """A file the sandbox may read but not change (the host's, in the sandbox's folder)."""
        path = box / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        os.fchmod(fd, 0o644)  # whatever the executor's umask (peerprep up's keeps files private)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        return path

    @staticmethod
    def remove(box: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(box)
