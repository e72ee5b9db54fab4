"""The sandbox against what a hostile submission tries: escapes, and every limit, for real."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from execution.sandbox import Capture, Identity, Limits, Outcome, Sandbox, _drain_fd
from execution.workspace import Workspace
from tests.helpers.judging import PYTHON

LIMITS = Limits(cpu_seconds=2.0, wall_seconds=4.0, memory_bytes=128 * 1024 * 1024)


async def run_python(
    sandbox: Sandbox,
    box: Path,
    identity: Identity,
    code: str,
    *args: str,
    limits: Limits = LIMITS,
    writable_box: bool = False,
    name: str = "main.py",
) -> Outcome:
    Workspace.write(box, name, code.encode())
    return await sandbox.run(
        [PYTHON, "-S", name, *args],
        box=box,
        limits=limits,
        identity=identity,
        writable_box=writable_box,
    )


def lines(outcome: Outcome) -> list[str]:
    return outcome.stdout.decode().splitlines()


def processes_of(uid: int) -> list[str]:
    listing = subprocess.run(
        ["ps", "-o", "pid=,comm=", "-u", str(uid)], capture_output=True, text=True, check=False
    )
    return listing.stdout.split("\n")[:-1]


# Escape ------------------------------------------------------------------------------------------


async def test_host_files_and_the_worker_s_environment_are_out_of_reach(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    os.environ["PEERPREP_SECRET_FOR_TEST"] = "hunter2"
    try:
        outcome = await run_python(
            sandbox,
            box,
            identity,
            """
import os
for path in ("/etc/passwd", "/etc/shadow", "/root", "/home", "/work", "/var", "/proc/1/environ",
             os.path.expanduser("~root")):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        print("read", path)
    except OSError as error:
        print("no", path, type(error).__name__)
print("env", sorted(os.environ))
print("root", sorted(os.listdir("/")))
""",
        )
    finally:
        del os.environ["PEERPREP_SECRET_FOR_TEST"]
    said = lines(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    # /proc/1 is the sandbox's own first process, whose environment is the sandbox's.
    assert [line for line in said if line.startswith("read")] == ["read /proc/1/environ"]
    assert said[-2] == "env ['HOME', 'LANG', 'PATH', 'PWD']"
    assert (
        said[-1]
        == "root ['bin', 'box', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr']"
    )


async def test_the_code_runs_unprivileged_and_cannot_gain_privileges(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    outcome = await run_python(
        sandbox,
        box,
        identity,
        """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
print("uid", os.getuid(), os.geteuid(), "caps", status["CapEff"].strip(), status["CapBnd"].strip())
CLONE_NEWNS, CLONE_NEWUSER, PTRACE_ATTACH = 0x00020000, 0x10000000, 16
attempts = {
    "setuid": lambda: libc.setuid(0),
    "unshare": lambda: libc.unshare(CLONE_NEWUSER),
    "unshare-ns": lambda: libc.unshare(CLONE_NEWNS),
    "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
    "ptrace": lambda: libc.ptrace(PTRACE_ATTACH, 1, None, None),
}
for name, call in attempts.items():
    print(name, "allowed" if call() == 0 else "refused")
""",
    )
    said = lines(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    assert said[0] == f"uid {identity.uid} {identity.uid} caps 0000000000000000 0000000000000000"
    assert said[1:] == [
        "setuid refused",
        "unshare refused",
        "unshare-ns refused",
        "mount refused",
        "ptrace refused",
    ]


async def test_no_service_of_the_host_is_reachable_and_a_listener_counts_zero_connections(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        outcome = await run_python(
            sandbox,
            box,
            identity,
            """
import socket, sys
for port in sys.argv[1:]:
    try:
        socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
        print(port, "reached")
    except OSError:
        print(port, "closed")
try:
    socket.getaddrinfo("pypi.org", 443)
    print("dns works")
except OSError:
    print("no dns")
""",
            str(port),
            "7233",  # Temporal
            "6379",  # Redis
            "5432",  # PostgreSQL
        )
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    assert outcome.exit_code == 0, outcome.stderr
    assert lines(outcome) == [
        f"{port} closed",
        "7233 closed",
        "6379 closed",
        "5432 closed",
        "no dns",
    ]


async def test_links_planted_in_the_box_are_not_followed_when_it_is_removed(
    sandbox: Sandbox, workspace: Workspace, identity: Identity, tmp_path: Path
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    box = workspace.create(identity)
    outcome = await run_python(
        sandbox,
        box,
        identity,
        f"""
import os
os.symlink({str(precious)!r}, "dir-link")
os.symlink({str(precious / "keep.txt")!r}, "file-link")
os.mkdir("nested")
os.symlink("/", "nested/root-link")
""",
        writable_box=True,
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert (box / "dir-link").is_symlink()
    workspace.remove(box)
    assert not box.exists()
    assert (precious / "keep.txt").read_text() == "mine"


async def test_daemons_new_sessions_and_stopped_processes_end_at_the_wall_limit(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    limits = Limits(cpu_seconds=5.0, wall_seconds=1.0, memory_bytes=128 * 1024 * 1024)
    started = time.monotonic()
    outcome = await run_python(
        sandbox,
        box,
        identity,
        """
import os, signal, time
if os.fork() == 0:          # a daemon: its own session, its parent gone
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
    os._exit(0)
if os.fork() == 0:          # a child that stops itself
    os.kill(os.getpid(), signal.SIGSTOP)
    os._exit(0)
os.kill(os.getpid(), signal.SIGSTOP)
""",
        limits=limits,
    )
    elapsed = time.monotonic() - started
    assert outcome.wall_exceeded
    assert elapsed < limits.wall_seconds + 1.0
    assert processes_of(identity.uid) == []


async def test_tmp_is_private_to_each_run(sandbox: Sandbox, box: Path, identity: Identity) -> None:
    write = await run_python(
        sandbox, box, identity, "open('/tmp/left-behind', 'w').write('x'); print('written')"
    )
    assert lines(write) == ["written"]
    read = await run_python(
        sandbox, box, identity, "import os; print(os.listdir('/tmp'))", name="look.py"
    )
    assert lines(read) == ["[]"]


# Limits ------------------------------------------------------------------------------------------


async def test_an_infinite_loop_stops_within_ten_percent_of_the_cpu_limit(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    limits = Limits(cpu_seconds=1.0, wall_seconds=10.0, memory_bytes=128 * 1024 * 1024)
    outcome = await run_python(sandbox, box, identity, "while True: pass", limits=limits)
    assert outcome.cpu_exceeded
    assert not outcome.wall_exceeded
    assert 1.0 <= outcome.cpu_seconds <= 1.1


@pytest.mark.parametrize(
    "code",
    [
        "x = bytearray(2 * 1024**3)\nx[::4096] = b'1' * len(x[::4096])",
        "chunks = []\nwhile True: chunks.append(bytearray(b'1' * 1024 * 1024))",
    ],
    ids=["two-gigabytes-at-once", "a-slow-leak"],
)
async def test_memory_past_the_limit_is_a_memory_limit_kill(
    sandbox: Sandbox, box: Path, identity: Identity, code: str
) -> None:
    outcome = await run_python(sandbox, box, identity, code)
    assert outcome.memory_exceeded
    assert not outcome.ok
    assert outcome.memory_peak <= LIMITS.memory_bytes


async def test_a_fork_bomb_is_contained_and_a_concurrent_run_still_finishes(
    sandbox: Sandbox, workspace: Workspace, identity: Identity
) -> None:
    bomb_box = workspace.create(identity)
    other = Identity(identity.uid + 1, identity.gid + 1)
    calm_box = workspace.create(other)
    limits = Limits(cpu_seconds=2.0, wall_seconds=2.0, memory_bytes=128 * 1024 * 1024)
    try:
        bomb, calm = await asyncio.gather(
            run_python(
                sandbox,
                bomb_box,
                identity,
                "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass",
                limits=limits,
            ),
            run_python(sandbox, calm_box, other, "import time; time.sleep(0.5); print('done')"),
        )
    finally:
        workspace.remove(bomb_box)
        workspace.remove(calm_box)
    assert not bomb.ok
    assert lines(calm) == ["done"]
    assert processes_of(identity.uid) == []


async def test_an_output_flood_stops_at_once_and_keeps_what_came_before(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    outcome = await run_python(
        sandbox,
        box,
        identity,
        "import os\nos.write(1, b'first line\\n')\nwhile True: os.write(1, b'y' * 65536)",
    )
    assert outcome.output_exceeded
    assert outcome.stdout.startswith(b"first line\ny")
    assert len(outcome.stdout) == LIMITS.output_bytes
    assert outcome.wall_seconds < 1.0


async def test_a_disk_fill_stays_in_the_sandbox_s_capped_tmp(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    outcome = await run_python(
        sandbox,
        box,
        identity,
        """
import errno
written = 0
try:
    for number in range(100):  # files under the file size limit, so the disk fills first
        with open(f"/tmp/fill-{number}", "wb") as sink:
            for _ in range(4):
                sink.write(b"z" * 1024 * 1024)
                sink.flush()
                written += 1
except OSError as error:
    print(errno.errorcode[error.errno], written <= 16)
try:
    open("/box/new", "wb")
except OSError as error:
    print(errno.errorcode[error.errno])
""",
    )
    assert lines(outcome) == ["ENOSPC True", "EROFS"]


async def test_non_utf8_output_is_kept_as_bytes(
    sandbox: Sandbox, box: Path, identity: Identity
) -> None:
    outcome = await run_python(
        sandbox, box, identity, "import os; os.write(1, b'\\xff\\xfe ok'); os.write(2, b'\\x80')"
    )
    assert outcome.ok
    assert outcome.stdout == b"\xff\xfe ok"
    assert outcome.stderr == b"\x80"


def test_runs_at_once_on_uvloop_each_keep_their_own_pipes(
    sandbox: Sandbox, workspace: Workspace, identity: Identity
) -> None:
    # uvloop closes the descriptors its pipe transports are given, asyncio's loop does not:
    # a descriptor closed twice was, by then, another run's.
    import uvloop

    async def one(number: int) -> bytes:
        box = workspace.create(identity)
        try:
            Workspace.write(
                box,
                "main.py",
                b"import os, sys\nfd = int(sys.argv[-1].split('=')[1])\n"
                b"os.write(fd, sys.argv[1].encode())\n",
            )
            outcome = await sandbox.run(
                [PYTHON, "-S", "main.py", str(number)],
                box=box,
                limits=LIMITS,
                identity=identity,
                report_fd_arg="--reports",
            )
            return outcome.reports
        finally:
            workspace.remove(box)

    async def all_at_once() -> list[bytes]:
        return await asyncio.gather(*(one(number) for number in range(8)))

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(all_at_once()) == [str(number).encode() for number in range(8)]


def test_reading_a_pipe_on_uvloop_closes_nothing_opened_after_it() -> None:
    # The descriptor numbers a read frees are the next ones handed out: nothing of the read may
    # close one of them afterwards, when it belongs to someone else.
    import uvloop

    async def read_then_open() -> tuple[bytes, list[int]]:
        read_end, write_end = os.pipe()
        os.write(write_end, b"report")
        os.close(write_end)
        capture = Capture(1024)
        try:
            await _drain_fd(read_end, capture, asyncio.Event())
        finally:
            os.close(read_end)
        opened = [fd for _ in range(4) for fd in os.pipe()]
        for _ in range(10):
            await asyncio.sleep(0.005)
        closed = [fd for fd in opened if not _is_open(fd)]
        for fd in opened:
            with contextlib.suppress(OSError):
                os.close(fd)
        return bytes(capture.data), closed

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(read_then_open()) == (b"report", [])


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True
