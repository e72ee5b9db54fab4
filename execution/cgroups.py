"""One control group per sandboxed process tree: its memory cap, its process cap, its CPU clock.

The kernel enforces the memory cap (an OOM kill inside the group, counted, so "memory limit" is a
verdict of its own in every language), the process cap (a fork bomb stops at it) and counts the
CPU time of every process in the tree (the executor stops a run at its CPU limit with that
count). cgroups v2 is used where the host has it with the controllers delegated; otherwise v1
(one hierarchy per controller). The executor's process, as root, writes each sandbox's first
process into the group before it drops its privileges (see :mod:`execution.sandbox`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CGROUP_FS = Path("/sys/fs/cgroup")
_KILL_ROUNDS = 200


class CgroupUnavailable(RuntimeError):
    """This host offers no control groups the executor can use; the message says why."""


class RunGroup(Protocol):
    """The control group of one sandboxed process tree."""

    def procs_files(self) -> list[Path]:
        """The files a process writes its pid into to join the group (every hierarchy's)."""

    def cpu_seconds(self) -> float: ...

    def memory_peak(self) -> int: ...

    def oom_killed(self) -> bool: ...

    def pids(self) -> list[int]: ...

    def kill_all(self, spare: int | None = None) -> None:
        """SIGKILL every process in the group but ``spare``, until none is left."""

    def remove(self) -> None: ...


def _read_int(path: Path, default: int = 0) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return default


def _read_pids(path: Path) -> list[int]:
    try:
        return [int(line) for line in path.read_text().split()]
    except OSError:
        return []


def _kill_until_empty(group: RunGroup, spare: int | None = None) -> None:
    for _ in range(_KILL_ROUNDS):
        pids = [pid for pid in group.pids() if pid != spare]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)


def _rmdir_when_empty(path: Path) -> None:
    for _ in range(_KILL_ROUNDS):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # still busy: its last processes are being reaped
            time.sleep(0.005)


@dataclass
class _V1Group:
    memory: Path
    pids_dir: Path
    cpuacct: Path

    def procs_files(self) -> list[Path]:
        return [
            self.memory / "cgroup.procs",
            self.pids_dir / "cgroup.procs",
            self.cpuacct / "cgroup.procs",
        ]

    def cpu_seconds(self) -> float:
        return _read_int(self.cpuacct / "cpuacct.usage") / 1e9

    def memory_peak(self) -> int:
        return _read_int(self.memory / "memory.max_usage_in_bytes")

    def oom_killed(self) -> bool:
        try:
            text = (self.memory / "memory.oom_control").read_text()
            fields = dict(line.split() for line in text.splitlines())
        except (OSError, ValueError):
            fields = {}
        if "oom_kill" in fields:
            return int(fields["oom_kill"]) > 0
        # Kernels before 4.13 do not count kills: having hit the cap is the best evidence.
        return _read_int(self.memory / "memory.failcnt") > 0

    def pids(self) -> list[int]:
        return sorted(
            set(_read_pids(self.memory / "cgroup.procs"))
            | set(_read_pids(self.pids_dir / "cgroup.procs"))
        )

    def kill_all(self, spare: int | None = None) -> None:
        _kill_until_empty(self, spare)

    def remove(self) -> None:
        self.kill_all()
        for path in (self.memory, self.pids_dir, self.cpuacct):
            _rmdir_when_empty(path)


@dataclass
class _V2Group:
    path: Path

    def procs_files(self) -> list[Path]:
        return [self.path / "cgroup.procs"]

    def cpu_seconds(self) -> float:
        try:
            for line in (self.path / "cpu.stat").read_text().splitlines():
                name, value = line.split()
                if name == "usage_usec":
                    return int(value) / 1e6
        except (OSError, ValueError):
            pass
        return 0.0

    def memory_peak(self) -> int:
        return _read_int(self.path / "memory.peak", _read_int(self.path / "memory.current"))

    def oom_killed(self) -> bool:
        try:
            for line in (self.path / "memory.events").read_text().splitlines():
                name, value = line.split()
                if name == "oom_kill":
                    return int(value) > 0
        except (OSError, ValueError):
            pass
        return False

    def pids(self) -> list[int]:
        return _read_pids(self.path / "cgroup.procs")

    def kill_all(self, spare: int | None = None) -> None:
        kill = self.path / "cgroup.kill"
        if spare is None and kill.exists():
            with contextlib.suppress(OSError):
                kill.write_text("1")
        _kill_until_empty(self, spare)

    def remove(self) -> None:
        self.kill_all()
        _rmdir_when_empty(self.path)


class Cgroups(Protocol):
    version: int

    def create(self, memory_bytes: int, processes: int) -> RunGroup: ...


def _own_path(controller: str) -> str:
    """This process's group in ``controller``'s v1 hierarchy ("" for v2's single one)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _number, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    return "/"


class CgroupsV1:
    version = 1

    def __init__(self, fs: Path = CGROUP_FS, parent: str = "peerprep-exec") -> None:
        self._parents: dict[str, Path] = {}
        for controller in ("memory", "pids", "cpuacct"):
            mount = fs / controller
            if not (mount / "cgroup.procs").exists():
                raise CgroupUnavailable(f"no cgroup v1 {controller} hierarchy at {mount}")
            # Under our own group, so whatever caps the executor caps its runs too.
            base = mount / _own_path(controller).lstrip("/") / parent
            try:
                base.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CgroupUnavailable(f"cannot create {base}: {error}") from error
            self._parents[controller] = base

    def create(self, memory_bytes: int, processes: int) -> RunGroup:
        name = f"run-{uuid.uuid4().hex}"
        paths = {controller: base / name for controller, base in self._parents.items()}
        for path in paths.values():
            path.mkdir()
        group = _V1Group(paths["memory"], paths["pids"], paths["cpuacct"])
        try:
            (group.memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            swap = group.memory / "memory.memsw.limit_in_bytes"
            if swap.exists():  # no swapping past the cap either
                swap.write_text(str(memory_bytes))
            (group.pids_dir / "pids.max").write_text(str(processes))
        except OSError:
            group.remove()
            raise
        return group


class CgroupsV2:
    version = 2

    def __init__(self, root: Path) -> None:
        controllers = root / "cgroup.subtree_control"
        try:
            enabled = set(controllers.read_text().split())
        except OSError as error:
            raise CgroupUnavailable(f"no cgroup v2 group at {root}: {error}") from error
        missing = {"memory", "pids", "cpu"} - enabled
        if missing:
            raise CgroupUnavailable(
                f"{root} does not delegate {', '.join(sorted(missing))} to its children"
            )
        self._root = root

    def create(self, memory_bytes: int, processes: int) -> RunGroup:
        group = _V2Group(self._root / f"run-{uuid.uuid4().hex}")
        group.path.mkdir()
        try:
            (group.path / "memory.max").write_text(str(memory_bytes))
            swap = group.path / "memory.swap.max"
            if swap.exists():
                swap.write_text("0")
            (group.path / "pids.max").write_text(str(processes))
        except OSError:
            group.remove()
            raise
        return group


def detect(v2_root: str = "") -> Cgroups:
    """The control groups this host offers: v2 under ``v2_root`` when given (a group whose
    subtree delegates memory, pids and cpu), else v2 at the root when it is the only
    hierarchy, else v1."""
    if v2_root:
        return CgroupsV2(Path(v2_root))
    if (CGROUP_FS / "cgroup.controllers").exists():
        return CgroupsV2(CGROUP_FS / _own_path("").lstrip("/"))
    return CgroupsV1()
