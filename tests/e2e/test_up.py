"""``peerprep up`` as a user runs it: a real process tree on free ports and a fresh data dir."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from workers.temporal_server import free_port

PEERPREP = str(Path(sys.executable).parent / "peerprep")
STARTUP_SECONDS = 60
STOP_SECONDS = 10


def _environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PEERPREP_")}
    env.pop("SUPABASE_JWT_SECRET", None)
    env.update(extra)
    return env


def _eventually(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _port_open(port: int) -> bool:
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
    """One ``peerprep up`` process tree in its own process group."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.temporal_port = free_port()
        self.ui_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"{data_dir.name}-up.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            PEERPREP,
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
                command, stdout=log, stderr=log, env=_environment(), start_new_session=True
            )
        _eventually(self._healthy, STARTUP_SECONDS, f"peerprep up to be healthy (log: {self.log})")

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
        _eventually(lambda: not _group_alive(pgid), STOP_SECONDS, "the process tree to exit")
        return time.monotonic() - started

    def kill_tree(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(STOP_SECONDS)
        pgid = self.process.pid
        _eventually(lambda: not _group_alive(pgid), STOP_SECONDS, "the killed tree to vanish")

    def cleanup(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_SECONDS)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(tmp_path / "data")
    yield running
    running.cleanup()


def test_up_serves_api_docs_and_temporal_ui_then_stops_on_sigterm(stack: Stack) -> None:
    stack.start()
    health = httpx.get(f"{stack.base_url}/health").json()
    assert health["dependencies"]["temporal"]["status"] == "ok"
    assert httpx.get(f"{stack.base_url}/docs").status_code == 200
    listing = httpx.get(f"{stack.base_url}/questions", params={"pageSize": 100}).json()
    assert listing["total"] >= 60
    assert httpx.get(f"http://127.0.0.1:{stack.ui_port}/").status_code == 200
    assert (stack.data_dir / "peerprep.db").exists()
    assert (stack.data_dir / "temporal.db").exists()

    took = stack.terminate()
    assert took < STOP_SECONDS
    assert stack.process is not None
    assert stack.process.returncode == 0
    assert not _port_open(stack.temporal_port)
    assert not _port_open(stack.port)


def test_up_keeps_all_data_across_sigterm_and_sigkill_restarts(stack: Stack) -> None:
    stack.start()
    account = {"email": "restart@example.com", "password": "restart-pass-1", "username": "restart"}
    assert httpx.post(f"{stack.base_url}/auth/signup", json=account).status_code == 201
    credentials = {"email": account["email"], "password": account["password"]}

    stack.terminate()
    stack.start()
    assert httpx.post(f"{stack.base_url}/auth/login", json=credentials).status_code == 200

    # A kill -9 of the whole tree leaves no stale lock or orphan behind to stop the next start.
    stack.kill_tree()
    stack.start()
    login = httpx.post(f"{stack.base_url}/auth/login", json=credentials)
    assert login.status_code == 200
    # Tokens stay valid across restarts: the development secret is kept in the data dir.
    token = login.json()["access_token"]
    stack.kill_tree()
    stack.start()
    me = httpx.get(f"{stack.base_url}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == account["email"]
    stack.terminate()


def test_cli_creates_an_admin_who_can_manage_questions(stack: Stack) -> None:
    env = _environment(PEERPREP_NEW_USER_PASSWORD="admin-pass-123")
    created = subprocess.run(
        [
            PEERPREP,
            "users",
            "create",
            "boss@example.com",
            "--admin",
            "--data-dir",
            str(stack.data_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert "admin" in created.stdout
    stack.start()
    login = httpx.post(
        f"{stack.base_url}/auth/login",
        json={"email": "boss@example.com", "password": "admin-pass-123"},
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    question = {
        "title": "Admin-made question",
        "description": "Return the answer.",
        "difficulty": "easy",
        "topics": ["Math"],
    }
    response = httpx.post(f"{stack.base_url}/questions", json=question, headers=headers)
    assert response.status_code == 201, response.text
    stack.terminate()


def test_web_refuses_to_start_in_production_without_a_real_secret(tmp_path: Path) -> None:
    result = subprocess.run(
        [PEERPREP, "web", "--data-dir", str(tmp_path), "--port", str(free_port())],
        env=_environment(PEERPREP_ENV="production", PEERPREP_JWT_SECRET="changeme"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "PEERPREP_JWT_SECRET" in result.stderr


def test_help_documents_every_command() -> None:
    result = subprocess.run(
        [PEERPREP, "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    for command in ("up", "web", "worker", "migrate", "seed", "users"):
        assert command in result.stdout
