"""SIGKILL of the whole system in the middle of typing: nothing a peer saw is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.rooms import Editor
from tests.helpers.socket_peer import SocketPeer
from tests.helpers.up_process import Stack
from workflows.events import COLLAB_NAMESPACE, MATCHING_NAMESPACE

RECOVERY_SECONDS = 45.0


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(tmp_path / "data")
    yield running
    running.cleanup()


async def _signup(stack: Stack, name: str) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=stack.base_url) as http:
        response = await http.post(
            "/auth/signup",
            json={"email": f"{name}@example.com", "password": "long-enough-1", "username": name},
        )
    body = response.json()
    return body["user"]["user_id"], body["access_token"]


async def _editor(stack: Stack, token: str, room: str) -> Editor:
    peer = SocketPeer(stack.base_url, COLLAB_NAMESPACE)
    await peer.connect({"token": token, "sessionId": room})
    await peer.wait_for("collab:chat:history", within=RECOVERY_SECONDS)
    editor = Editor(peer)
    editor.catch_up()
    return editor


async def test_every_relayed_update_language_and_chat_survive_sigkill(stack: Stack) -> None:
    stack.start()
    alice_id, alice_token = await _signup(stack, "ann")
    bob_id, bob_token = await _signup(stack, "ben")
    matching = []
    for user_id, token in ((alice_id, alice_token), (bob_id, bob_token)):
        peer = SocketPeer(stack.base_url, MATCHING_NAMESPACE)
        await peer.connect({"token": token})
        await peer.emit("join-queue", {"userId": user_id, "difficulty": "easy", "topics": ["Math"]})
        matching.append(peer)
    room = (await matching[0].wait_for("matched"))["roomId"]
    for peer in matching:
        await peer.disconnect()

    alice, bob = await _editor(stack, alice_token, room), await _editor(stack, bob_token, room)
    await alice.peer.emit("collab:language:set", {"language": "cpp"})
    await alice.peer.emit("collab:chat:send", {"text": "before the crash"})
    await bob.peer.wait_for("collab:chat")

    async def keep_typing() -> None:
        for index in range(400):
            await alice.type(len(str(alice.text)), f"{index};")
            await asyncio.sleep(0.005)

    typing = asyncio.create_task(keep_typing())
    await bob.peer.wait_for(
        "collab:update", lambda _data: len(bob.peer.events("collab:update")) > 20
    )
    stack.kill_tree()
    typing.cancel()
    bob.catch_up()
    seen_by_bob = str(bob.text)
    assert seen_by_bob
    await alice.peer.disconnect()
    await bob.peer.disconnect()

    stack.start()
    back = await _editor(stack, bob_token, room)
    recovered = str(back.text)
    # Every update relayed to the peer had been persisted first.
    assert recovered.startswith(seen_by_bob)
    assert back.peer.events("collab:language") == [{"language": "cpp"}]
    chat = back.peer.events("collab:chat:history")[0]
    assert [line["text"] for line in chat] == ["before the crash"]
    async with httpx.AsyncClient(base_url=stack.base_url) as http:
        state = await http.get(
            f"/sessions/{room}", headers={"Authorization": f"Bearer {bob_token}"}
        )
    assert state.status_code == 200
    assert state.json()["active"] is True
    await back.peer.disconnect()
    stack.terminate()
