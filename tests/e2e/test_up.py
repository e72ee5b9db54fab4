"""``peerprep up`` as a user runs it: a real process tree on free ports and a fresh data dir."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from settings import Settings
from tests.helpers.faults import Fault, fired
from tests.helpers.handmade import enqueue_by_hand
from tests.helpers.up_process import (
    PEERPREP,
    STARTUP_SECONDS,
    STOP_SECONDS,
    Stack,
    environment,
    eventually,
    port_open,
)
from tests.helpers.waiting import eventually as eventually_async
from workers.temporal_server import free_port


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
    assert not port_open(stack.temporal_port)
    assert not port_open(stack.port)


def test_up_stops_on_sigterm_while_a_round_keeps_failing_to_reach_the_database(
    tmp_path: Path,
) -> None:
    # The SDK waits for a retrying local activity however long it takes; the stop must not.
    stack = Stack(
        tmp_path / "data",
        fault=Fault.ROOMS_UNREACHABLE,
        PEERPREP_WORKER_SHUTDOWN_GRACE_SECONDS="0.5",
    )
    try:
        stack.start()
        asyncio.run(_two_waiting_students(f"127.0.0.1:{stack.temporal_port}"))
        eventually(
            lambda: fired(Fault.ROOMS_UNREACHABLE) in stack.log.read_text(),
            STARTUP_SECONDS,
            "the round to fail",
        )
        assert stack.terminate() < STOP_SECONDS
        assert stack.process is not None
        assert stack.process.returncode == 0
        assert "stopping without it" in stack.log.read_text()
    finally:
        stack.cleanup()


async def _two_waiting_students(temporal_address: str) -> None:
    client = await Client.connect(temporal_address)
    matchmaker = client.get_workflow_handle(Settings().matchmaker_id)
    # Healthy means Temporal answers; the web tier starts the matchmaker in the background.
    await eventually_async(_running(matchmaker), bool, "the matchmaker to be started")
    for _ in range(2):
        await enqueue_by_hand(matchmaker, "easy", "Arrays")


def _running(workflow: WorkflowHandle[Any, Any]) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        try:
            await workflow.describe()
            return True
        except RPCError:
            return False

    return probe


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
    env = environment(PEERPREP_NEW_USER_PASSWORD="admin-pass-123")
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


@pytest.mark.parametrize("command", ["worker", "web"])
def test_a_worker_or_web_tier_on_its_own_refuses_documents_the_other_cannot_read(
    tmp_path: Path, command: str
) -> None:
    # The sessions' attempts would be recorded without their final code.
    port = ["--port", str(free_port())] if command == "web" else []
    result = subprocess.run(
        [PEERPREP, command, *port, "--data-dir", str(tmp_path)],
        env=environment(PEERPREP_DOCUMENT_STORE="leveldb"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "PEERPREP_DOCUMENT_STORE=sql" in result.stderr
    assert not (tmp_path / "documents").exists()


def test_web_refuses_to_start_in_production_without_a_real_secret(tmp_path: Path) -> None:
    result = subprocess.run(
        [PEERPREP, "web", "--data-dir", str(tmp_path), "--port", str(free_port())],
        env=environment(
            PEERPREP_ENV="production", PEERPREP_JWT_SECRET="changeme", PEERPREP_DOCUMENT_STORE="sql"
        ),
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
