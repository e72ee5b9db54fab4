"""``peerprep up`` as a real process tree on free ports, driven as a user or an operator would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.helpers.faults import Fault
from workers.temporal_server import free_port

PEERPREP = str(Path(sys.executable).parent / "peerprep")
# Where processes start: a faulty peerprep runs as a module of this checkout's tests package.
CHECKOUT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
STOP_SECONDS = 10


def peerprep(fault: Fault | None = None) -> list[str]:
    """The command that starts ``peerprep``; with ``fault``, one whose worker suffers it."""
    if fault is None:
        return [PEERPREP]
    return [sys.executable, "-m", "tests.helpers.faulty_peerprep", "--fault", fault]


def environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PEERPREP_")}
    env.pop("SUPABASE_JWT_SECRET", None)
    # Documents start empty, so that tests can say what they hold.
    env["PEERPREP_STARTER_CODE"] = "false"
    env.update(extra)
    return env


def eventually(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies of an already-exited group still answer signal 0; look for a live member.
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


class Stack:
    """One ``peerprep up`` process tree in its own process group (its worker suffers ``fault``)."""

    def __init__(self, data_dir: Path, *, fault: Fault | None = None, **env: str) -> None:
        self.data_dir = data_dir
        self.fault = fault
        self.env = env
        self.port = free_port()
        self.temporal_port = free_port()
        self.ui_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"{data_dir.name}-up.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the tree and wait until it is healthy. A port taken between ``free_port`` and
        the embedded Temporal server's bind (another test's process got there first) is not
        this test's failure: the Temporal ports are picked again, at most twice."""
        for _attempt in range(2):
            seen = self._temporal_log_size()
            try:
                self._start_once()
                return
            except AssertionError:
                if not self._temporal_port_was_taken(since=seen):
                    raise
                self.temporal_port, self.ui_port = free_port(), free_port()
        self._start_once()

    def _temporal_log_size(self) -> int:
        log = self.data_dir / "temporal.log"
        return log.stat().st_size if log.exists() else 0

    def _temporal_port_was_taken(self, since: int) -> bool:
        log = self.data_dir / "temporal.log"
        if not log.exists():
            return False
        with log.open("rb") as file:
            file.seek(since)
            return b"address already in use" in file.read()

    def _start_once(self) -> None:
        command = [
            *peerprep(self.fault),
            "up",
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
            "--temporal-port",
            str(self.temporal_port),
            "--temporal-ui-port",
            str(self.ui_port),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=log,
                env=environment(**self.env),
                cwd=CHECKOUT,
                start_new_session=True,
            )
        eventually(self._healthy, STARTUP_SECONDS, f"peerprep up to be healthy (log: {self.log})")

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"peerprep up exited early:\n{self.log.read_text()}")
        try:
            return httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def terminate(self) -> float:
        """SIGTERM the main process only, as a service manager would; seconds until all is gone."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(STOP_SECONDS)
        pgid = self.process.pid
        eventually(lambda: not _group_alive(pgid), STOP_SECONDS, "the process tree to exit")
        return time.monotonic() - started

    def kill_tree(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(STOP_SECONDS)
        pgid = self.process.pid
        eventually(lambda: not _group_alive(pgid), STOP_SECONDS, "the killed tree to vanish")

    def cleanup(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_SECONDS)
