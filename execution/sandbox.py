"""Run one untrusted program in a fresh bubblewrap sandbox, inside its own control group.

The chain a run starts, each link doing one thing before it ``exec``s the next:

1. ``sh`` (on the host, as root): writes its pid into the run's control groups, so everything it
   becomes and forks is capped and counted;
2. ``prlimit``: CPU seconds (a backstop: the executor stops a run at its CPU limit from the
   group's clock), file size, open files, processes, no core dumps;
3. ``setpriv``: an unprivileged uid and gid of its own per executor slot, no supplementary
   groups, no capabilities, no new privileges;
4. ``bwrap``: new user, PID, network, IPC, UTS and cgroup namespaces (so no network but a
   loopback of its own), no further user namespaces, read-only system directories, a private
   size-capped ``/tmp``, the run's directory at ``/box``, no environment from the worker, a
   new session (the terminal cannot be reached), and the system calls of
   :mod:`execution.seccomp` refused; when the executor dies, so does the sandbox.

The program's stdout and stderr are pipes the executor reads with a byte cap (an output flood
is stopped the moment it passes the cap, and what came before is kept); a third pipe, whose
number the trusted driver is told on its command line, carries the driver's reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from execution import seccomp
from execution.cgroups import Cgroups, RunGroup

# Read from the host, bound read-only: what compilers and runtimes need, nothing of the host's
# own (no /home, /root, /var, /etc/passwd, sockets or the executor's files).
SYSTEM_DIRS: tuple[str, ...] = ("/usr",)
SYSTEM_LINKS: tuple[tuple[str, str], ...] = (
    ("usr/bin", "/bin"),
    ("usr/sbin", "/sbin"),
    ("usr/lib", "/lib"),
    ("usr/lib64", "/lib64"),
    ("usr/lib32", "/lib32"),
)
# Files and folders of /etc that toolchains read (the JDK's configuration, Debian's
# alternatives that /usr/bin/java and friends point through, the dynamic linker's cache).
ETC_PATHS: tuple[str, ...] = (
    "/etc/alternatives",
    "/etc/java-17-openjdk",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
)
PATH = "/usr/local/bin:/usr/bin:/bin"
BOX = "/box"
_POLL_SECONDS = 0.01
_READ_CHUNK = 65536
_REAP_SECONDS = 1.0
# Exit codes of ``sh`` and ``bwrap`` that mean the sandbox itself failed, not the program.
LAUNCH_FAILED = 125


@dataclass(frozen=True, slots=True)
class Limits:
    cpu_seconds: float
    wall_seconds: float
    memory_bytes: int
    processes: int = 64
    open_files: int = 64
    file_bytes: int = 16 * 1024 * 1024
    output_bytes: int = 64 * 1024
    report_bytes: int = 16 * 1024 * 1024
    tmp_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Identity:
    """The unprivileged uid and gid a slot's sandboxes run as."""

    uid: int
    gid: int


@dataclass(slots=True)
class Capture:
    """What came out of one pipe, up to its cap."""

    cap: int
    data: bytearray = field(default_factory=bytearray)
    exceeded: bool = False

    def take(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if len(chunk) > room:
            self.data += chunk[: max(room, 0)]
            self.exceeded = True
        else:
            self.data += chunk


@dataclass(frozen=True, slots=True)
class Outcome:
    exit_code: int | None
    signal: int | None
    cpu_seconds: float
    wall_seconds: float
    memory_peak: int
    memory_exceeded: bool
    cpu_exceeded: bool
    wall_exceeded: bool
    output_exceeded: bool
    stdout: bytes
    stderr: bytes
    reports: bytes

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.limit_hit

    @property
    def limit_hit(self) -> bool:
        return (
            self.memory_exceeded or self.cpu_exceeded or self.wall_exceeded or self.output_exceeded
        )


class SandboxError(RuntimeError):
    """The sandbox could not be set up: an infrastructure fault, never the student's."""


@dataclass(frozen=True, slots=True)
class Sandbox:
    """How this executor builds sandboxes: the tools, and the groups it creates runs in."""

    cgroups: Cgroups
    bwrap: str = "/usr/bin/bwrap"
    setpriv: str = "/usr/bin/setpriv"
    prlimit: str = "/usr/bin/prlimit"
    shell: str = "/bin/sh"

    async def run(
        self,
        argv: Sequence[str],
        *,
        box: Path,
        limits: Limits,
        identity: Identity,
        writable_box: bool = False,
        stdin: Path | None = None,
        env: dict[str, str] | None = None,
        report_fd_arg: str | None = None,
    ) -> Outcome:
        """Run ``argv`` in a new sandbox with ``box`` at ``/box``.

        ``report_fd_arg``: when given, a pipe for the driver's reports is opened and
        ``report_fd_arg=<its fd>`` is appended to ``argv``.
        """
        group = self.cgroups.create(limits.memory_bytes, limits.processes)
        read_reports, write_reports = os.pipe() if report_fd_arg else (-1, -1)
        filter_fd = _filter_pipe()
        try:
            command = list(argv)
            if report_fd_arg:
                command.append(f"{report_fd_arg}={write_reports}")
            launch = self._command(
                command, box, limits, identity, writable_box, group, env, filter_fd
            )
            return await self._supervise(
                launch, limits, group, stdin, read_reports, write_reports, filter_fd
            )
        finally:
            # The ends the sandbox holds were closed here once it started (or failed to); an
            # fd closed twice could be another run's by then.
            if read_reports >= 0:
                os.close(read_reports)
            group.remove()

    def _command(
        self,
        argv: list[str],
        box: Path,
        limits: Limits,
        identity: Identity,
        writable_box: bool,
        group: RunGroup,
        env: dict[str, str] | None,
        filter_fd: int,
    ) -> list[str]:
        # Each group file, up to "--", takes the shell's pid; the rest is the command to become.
        join = 'for f; do shift; [ "$f" = -- ] && break; echo $$ > "$f" || exit 125; done'
        files = [str(path) for path in group.procs_files()]
        cpu = math.ceil(limits.cpu_seconds) + 1
        rlimits = [
            self.prlimit,
            f"--cpu={cpu}:{cpu + 1}",
            f"--fsize={limits.file_bytes}",
            f"--nofile={limits.open_files}",
            f"--nproc={limits.processes}",
            "--core=0",
            "--",
        ]
        drop = [
            self.setpriv,
            f"--reuid={identity.uid}",
            f"--regid={identity.gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--no-new-privs",
            "--",
        ]
        sandbox = [
            self.bwrap,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--seccomp",
            str(filter_fd),
            "--clearenv",
            "--setenv",
            "PATH",
            PATH,
            "--setenv",
            "HOME",
            "/tmp",
            "--setenv",
            "LANG",
            "C.UTF-8",
        ]
        for name, value in (env or {}).items():
            sandbox += ["--setenv", name, value]
        for directory in SYSTEM_DIRS:
            sandbox += ["--ro-bind", directory, directory]
        for target, link in SYSTEM_LINKS:
            if Path("/" + target).exists():
                sandbox += ["--symlink", target, link]
        for path in ETC_PATHS:
            sandbox += ["--ro-bind-try", path, path]
        sandbox += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            str(limits.tmp_bytes),
            "--tmpfs",
            "/tmp",
            "--bind" if writable_box else "--ro-bind",
            str(box),
            BOX,
            "--chdir",
            BOX,
            "--",
        ]
        return [
            self.shell,
            "-c",
            f'{join}; exec "$@"',
            "launch",
            *files,
            "--",
            *rlimits,
            *drop,
            *sandbox,
            *argv,
        ]

    async def _supervise(
        self,
        launch: list[str],
        limits: Limits,
        group: RunGroup,
        stdin: Path | None,
        read_reports: int,
        write_reports: int,
        filter_fd: int,
    ) -> Outcome:
        started = time.monotonic()
        source = -1
        try:
            source = os.open(stdin or os.devnull, os.O_RDONLY)
            process = await asyncio.create_subprocess_exec(
                *launch,
                stdin=source,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=(filter_fd, *((write_reports,) if write_reports >= 0 else ())),
                start_new_session=True,
            )
        except OSError as error:
            raise SandboxError(f"cannot start {shlex.join(launch[:1])}: {error}") from error
        finally:
            for fd in (source, filter_fd, write_reports):
                if fd >= 0:
                    os.close(fd)
        stdout, stderr = Capture(limits.output_bytes), Capture(limits.output_bytes)
        reports = Capture(limits.report_bytes)
        flood = asyncio.Event()
        assert process.stdout is not None
        assert process.stderr is not None
        readers = [
            asyncio.ensure_future(_drain(process.stdout, stdout, flood)),
            asyncio.ensure_future(_drain(process.stderr, stderr, flood)),
        ]
        if read_reports >= 0:
            readers.append(asyncio.ensure_future(_drain_fd(read_reports, reports, flood)))
        cpu_exceeded = wall_exceeded = False
        deadline = started + limits.wall_seconds
        exited = asyncio.ensure_future(process.wait())
        try:
            while not exited.done():
                done, _ = await asyncio.wait({exited}, timeout=_POLL_SECONDS)
                if done:
                    break
                if flood.is_set():
                    break
                if group.cpu_seconds() > limits.cpu_seconds:
                    cpu_exceeded = True
                    break
                if time.monotonic() >= deadline:
                    wall_exceeded = True
                    break
        finally:
            if not exited.done():
                # The sandbox's processes first, bwrap's outer process last: it reaps them and
                # exits by itself, where killing it first would leave them to the host's init.
                group.kill_all(spare=process.pid)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(exited), _REAP_SECONDS)
                if not exited.done():
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
            await exited
            # Whatever a killed tree had in flight is in the pipes, or never will be.
            group.kill_all()
            await asyncio.gather(*readers)
        wall = time.monotonic() - started
        code = process.returncode
        signal_number = -code if code is not None and code < 0 else None
        cpu = group.cpu_seconds()
        return Outcome(
            exit_code=code if code is not None and code >= 0 else None,
            signal=signal_number,
            cpu_seconds=cpu,
            wall_seconds=wall,
            memory_peak=group.memory_peak(),
            memory_exceeded=group.oom_killed(),
            cpu_exceeded=cpu_exceeded or cpu > limits.cpu_seconds,
            wall_exceeded=wall_exceeded,
            output_exceeded=stdout.exceeded or stderr.exceeded or reports.exceeded,
            stdout=bytes(stdout.data),
            stderr=bytes(stderr.data),
            reports=bytes(reports.data),
        )


def _filter_pipe() -> int:
    """A pipe holding the seccomp program, for bwrap to read (it fits the pipe's buffer)."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, seccomp.program())
    finally:
        os.close(write_end)
    return read_end


async def _drain(stream: asyncio.StreamReader, capture: Capture, flood: asyncio.Event) -> None:
    # Past the cap it reads on and drops, so the pipe reaches its end once the tree is killed.
    while chunk := await stream.read(_READ_CHUNK):
        _keep(chunk, capture, flood)


def _keep(chunk: bytes, capture: Capture, flood: asyncio.Event) -> None:
    if not capture.exceeded:
        capture.take(chunk)
        if capture.exceeded:
            flood.set()


async def _drain_fd(fd: int, capture: Capture, flood: asyncio.Event) -> None:
    """Read a pipe that stays the caller's to close, to its end.

    A pipe transport would own the descriptor, and the two loops disagree on what that means:
    uvloop closes it, later, from libuv's close callback, by which time its number may be another
    run's. A reader callback leaves the descriptor where it is on either loop.
    """
    loop = asyncio.get_running_loop()
    os.set_blocking(fd, False)
    ended: asyncio.Future[None] = loop.create_future()

    def readable() -> None:
        try:
            chunk = os.read(fd, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            loop.remove_reader(fd)
            if not ended.done():
                ended.set_result(None)
        else:
            _keep(chunk, capture, flood)

    loop.add_reader(fd, readable)
    try:
        await ended
    finally:
        loop.remove_reader(fd)
