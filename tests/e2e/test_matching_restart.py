"""A waiting request survives SIGKILL of the whole system: restart, reconnect, get matched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.socket_peer import SocketPeer
from tests.helpers.up_process import Stack
from workflows.events import MATCHING_NAMESPACE

RECOVERY_SECONDS = 45.0


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(tmp_path / "data")
    yield running
    running.cleanup()


def _signup(stack: Stack, name: str) -> tuple[str, str]:
    response = httpx.post(
        f"{stack.base_url}/auth/signup",
        json={"email": f"{name}@example.com", "password": "long-enough-1", "username": name},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["user"]["user_id"], body["access_token"]


async def test_a_waiting_request_survives_sigkill_of_the_whole_system(stack: Stack) -> None:
    stack.start()
    alice_id, alice_token = _signup(stack, "alice")
    bob_id, bob_token = _signup(stack, "bob")
    join = {"difficulty": "medium", "topics": ["Graphs"]}

    before = SocketPeer(stack.base_url, MATCHING_NAMESPACE)
    await before.connect({"token": alice_token})
    await before.emit("join-queue", {"userId": alice_id, **join})
    assert (await before.wait_for("joined-queue"))["ok"] is True

    stack.kill_tree()
    await before.disconnect()
    stack.start()

    alice = SocketPeer(stack.base_url, MATCHING_NAMESPACE)
    bob = SocketPeer(stack.base_url, MATCHING_NAMESPACE)
    try:
        await alice.connect({"token": alice_token})
        # Told where the request stands: still in the queue, first in line.
        status = await alice.wait_for("joined-queue", within=RECOVERY_SECONDS)
        assert status["position"] == 1
        await bob.connect({"token": bob_token})
        await bob.emit("join-queue", {"userId": bob_id, **join})
        to_alice = await alice.wait_for("matched", within=RECOVERY_SECONDS)
        to_bob = await bob.wait_for("matched", within=RECOVERY_SECONDS)
        assert to_alice["roomId"] == to_bob["roomId"]
        assert to_alice["matchedUserId"] == bob_id
    finally:
        await alice.disconnect()
        await bob.disconnect()
    stack.terminate()
