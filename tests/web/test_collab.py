"""``/collab`` end to end: real sockets, real LevelDB, the session workflow on the dev server, and
Python Yjs peers (pycrdt) editing the shared ``Y.Text`` named ``content``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pycrdt import Doc, Text

from documents.awareness import read_clients, removal
from storage import rooms
from storage.database import Database
from tests.helpers.accounts import Accounts, mint_token
from tests.helpers.live_stack import LiveStack
from tests.helpers.records import attempts_with_code, profile_of
from tests.helpers.rooms import Peers, join, matched_room, settled
from tests.helpers.waiting import eventually, until
from workflows.events import COLLAB_NAMESPACE

StackFactory = Callable[..., LiveStack]
FAST_HISTORY = {"history_burst_idle_seconds": 0.3, "history_burst_max_seconds": 1.0}


async def test_a_member_gets_state_language_connected_and_chat_history_in_order(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, _bob = await matched_room(stack, peers, accounts)
    editor = await join(stack, peers, alice, room)
    names = [name for name, _ in editor.peer.received]
    assert names[:4] == [
        "collab:state",
        "collab:language",
        "collab:connected",
        "collab:chat:history",
    ]
    assert isinstance(editor.peer.received[0][1], bytes)
    assert editor.peer.received[1][1] == {"language": "python"}
    assert editor.peer.received[2][1] == {"ok": True, "userId": str(alice.id), "sessionId": room}


async def test_concurrent_edits_converge_for_both_peers_and_the_server(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await asyncio.gather(
        *(one.type(0, f"a{i};") for i in range(20)), *(two.type(0, f"b{i};") for i in range(20))
    )
    total = sum(len(f"a{i};") + len(f"b{i};") for i in range(20))

    def both_caught_up() -> bool:
        one.catch_up()
        two.catch_up()
        return len(str(one.text)) == len(str(two.text)) == total

    await until(both_caught_up, "both peers to hold every edit", within=10)
    assert len(str(one.text)) == total
    assert str(one.text) == str(two.text)
    assert await stack.call(stack.documents.text(room)) == str(one.text)


@pytest.mark.parametrize(
    "auth",
    [
        "stranger",
        "no-session",
        "unknown-session",
        "bad-token",
    ],
)
async def test_only_members_get_in(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, auth: str
) -> None:
    stack = live_stack()
    room, alice, _bob = await matched_room(stack, peers, accounts)
    stranger = await accounts.signup()
    handshake: dict[str, Any] = {
        "stranger": {"token": stranger.token, "sessionId": room},
        "no-session": {"token": alice.token},
        "unknown-session": {"token": alice.token, "sessionId": "room-nope"},
        "bad-token": {"token": mint_token(alice.id, secret="z" * 40), "sessionId": room},
    }[auth]
    peer = peers(stack.base_url, COLLAB_NAMESPACE)
    await peer.connect(handshake)
    refused = await peer.wait_for("collab:error")
    assert refused["ok"] is False
    assert refused["message"]
    await until(lambda: not peer.client.connected, "the refused socket to be closed", within=5)
    assert peer.events("collab:state") == []


async def test_invalid_and_oversize_updates_are_refused_and_change_nothing(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(max_update_bytes=2048)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.type(0, "keep")
    await settled(two, "keep")
    for bad in (b"\x01\x02garbage", b"", "not binary", {"x": 1}):
        await one.peer.emit("collab:update", bad)
    big: Doc[Text] = Doc()
    big.get("content", type=Text).insert(0, "x" * 5000)
    await one.peer.emit("collab:update", big.get_update())
    # Events of one client are handled in order: once this edit arrives, all of the above were.
    await one.type(4, "!")
    await settled(two, "keep!")
    errors = one.peer.events("collab:error")
    assert len(errors) == 5
    assert any("at most 2048 bytes" in error["message"] for error in errors)
    assert one.peer.client.connected
    assert await stack.call(stack.documents.text(room)) == "keep!"
    assert two.peer.events("collab:error") == []


async def test_language_changes_reach_the_partner_and_survive_rejoining(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.peer.emit("collab:language:set", {"language": "java"})
    assert await two.peer.wait_for("collab:language", lambda data: data["language"] == "java")
    await one.peer.emit("collab:language:set", {"language": "cobol"})
    assert "language" in (await one.peer.wait_for("collab:error"))["message"]
    await two.peer.disconnect()
    again = await join(stack, peers, bob, room)
    assert again.peer.events("collab:language") == [{"language": "java"}]


async def test_chat_reaches_everyone_is_kept_and_is_limited(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.peer.emit("collab:chat:send", {"text": "  hello there  "})
    heard = await two.peer.wait_for("collab:chat")
    assert heard["text"] == "hello there"
    assert heard["userId"] == str(alice.id)
    assert (await one.peer.wait_for("collab:chat"))["id"] == heard["id"]
    await one.peer.emit("collab:chat:send", {"text": "x" * 2001})
    assert "text" in (await one.peer.wait_for("collab:error"))["message"]
    for index in range(6):
        await two.peer.emit("collab:chat:send", {"text": f"spam {index}"})
    assert "too fast" in (await two.peer.wait_for("collab:error"))["message"]
    later = await join(stack, peers, alice, room)
    history = later.peer.events("collab:chat:history")[0]
    assert [line["text"] for line in history][:2] == ["hello there", "spam 0"]
    assert len(history) == 6


async def test_history_bursts_are_announced_and_served_newest_first(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(**FAST_HISTORY)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    for index, char in enumerate("def"):
        await one.type(index, char)
    record = await two.peer.wait_for("collab:history:new")
    assert record["userId"] == str(alice.id)
    assert record["changes"] == [{"type": "insert", "line": 1, "col": 1, "snippet": "def"}]
    assert (await one.peer.wait_for("collab:history:new")) == record
    await two.type(3, "\nx")
    await two.peer.wait_for("collab:history:new", lambda data: data["userId"] == str(bob.id))
    await one.peer.emit("collab:history:get", {"limit": 10})
    served = await one.peer.wait_for("collab:history")
    assert [entry["userId"] for entry in served] == [str(bob.id), str(alice.id)]
    assert served[0]["timestamp"] >= served[1]["timestamp"]


async def test_revert_restores_an_earlier_text_as_a_new_edit_that_can_be_reverted(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(**FAST_HISTORY)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.type(0, "first")
    first = await two.peer.wait_for("collab:history:new")
    await settled(two, "first")
    await two.type(5, " second")
    second = await one.peer.wait_for(
        "collab:history:new", lambda data: data["userId"] == str(bob.id)
    )
    await settled(one, "first second")

    await one.peer.emit("collab:revert", {"timestamp": first["timestamp"]})
    await settled(two, "first")
    await settled(one, "first")
    history = await two.peer.wait_for("collab:history")
    assert len(history) == 3  # the revert is itself in the history
    # Reverting the revert brings the later edit back: nothing was lost.
    await two.peer.emit("collab:revert", {"timestamp": second["timestamp"]})
    await settled(one, "first second")
    await two.peer.emit("collab:revert", {"timestamp": "yesterday"})
    assert "timestamp" in (await two.peer.wait_for("collab:error"))["message"]


async def test_awareness_is_relayed_and_removed_when_its_socket_leaves(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    cursor = removal({4242: 7})[:-5] + b"\x02{}"  # not a removal: clock 7, state "{}"
    await one.peer.emit("collab:awareness", cursor)
    assert await two.peer.wait_for("collab:awareness") == cursor
    await one.peer.emit("collab:awareness", b"\xff\xff")
    assert "awareness" in (await one.peer.wait_for("collab:error"))["message"]
    await one.peer.disconnect()
    gone = await two.peer.wait_for("collab:awareness", lambda data: data != cursor)
    assert read_clients(gone) == {4242: 7}


async def test_both_leaving_ends_the_session_and_records_attempts_once(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.type(0, "print(42)")
    await settled(two, "print(42)")
    await one.peer.emit("collab:complete")
    await two.peer.wait_for("collab:completed")
    await one.peer.emit("collab:leave")
    await two.peer.wait_for("collab:left")
    await two.peer.emit("collab:leave")
    assert stack.client is not None
    result = await asyncio.wait_for(
        stack.call(stack.client.get_workflow_handle(f"session-{room}").result()), 30
    )
    assert result["reason"] == "left"
    alice_attempts, bob_attempts = (
        await attempts_with_code(http, alice),
        await attempts_with_code(http, bob),
    )
    assert [(a["status"], a["session_id"], a["code"]) for a in alice_attempts] == [
        ("completed", room, "print(42)")
    ]
    assert [(a["status"], a["points_awarded"]) for a in bob_attempts] == [("left", 0)]
    assert alice_attempts[0]["partner_id"] == str(bob.id)
    # Marking the question completed is the member's word: without an Accepted submission of
    # its tests it earns nothing (tests/adversarial/test_points_farming.py has the points).
    assert (alice_attempts[0]["best_verdict"], alice_attempts[0]["points_awarded"]) == (None, 0)
    profile = await profile_of(http, alice)
    assert (profile["total_points"], profile["questions_completed"]) == (0, 0)
    back = peers(stack.base_url, COLLAB_NAMESPACE)
    await back.connect({"token": alice.token, "sessionId": room})
    assert "ended" in (await back.wait_for("collab:error"))["message"]


async def test_a_session_nobody_is_in_ends_after_the_idle_timeout(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    stack = live_stack(session_idle_seconds=1.5)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one = await join(stack, peers, alice, room)
    await one.type(0, "x = 1")
    await eventually(
        lambda: stack.call(stack.documents.text(room)), lambda text: text == "x = 1", "the edit"
    )
    await one.peer.disconnect()
    assert stack.client is not None
    result = await asyncio.wait_for(
        stack.call(stack.client.get_workflow_handle(f"session-{room}").result()), 30
    )
    assert result["reason"] == "idle"
    attempts = await attempts_with_code(http, bob)
    assert [(a["status"], a["code"]) for a in attempts] == [("left", "x = 1")]


async def test_a_session_ends_at_its_maximum_duration_and_tells_the_room(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(session_max_seconds=2.0)
    room, alice, _bob = await matched_room(stack, peers, accounts)
    one = await join(stack, peers, alice, room)
    ended = await one.peer.wait_for("collab:ended", within=20)
    assert ended == {"ok": True, "roomId": room, "reason": "max_duration"}


async def test_session_state_is_for_members_only(
    live_stack: StackFactory,
    peers: Peers,
    accounts: Accounts,
    http: httpx.AsyncClient,
    database: Database,
) -> None:
    stack = live_stack()
    room, alice, _bob = await matched_room(stack, peers, accounts)
    await join(stack, peers, alice, room)
    async with httpx.AsyncClient(base_url=stack.base_url) as client:
        mine = await client.get(f"/sessions/{room}", headers=alice.headers)
        stranger = await accounts.signup()
        theirs = await client.get(f"/sessions/{room}", headers=stranger.headers)
        missing = await client.get("/sessions/room-nope", headers=alice.headers)
    assert mine.status_code == 200
    body = mine.json()
    assert body["roomId"] == room
    assert body["active"] is True
    assert str(alice.id) in body["connected"]
    assert theirs.status_code == 404
    assert missing.status_code == 404


async def test_a_member_in_two_tabs_gets_the_state_in_each_and_edits_reach_both(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    writer = await join(stack, peers, bob, room)
    await writer.type(0, "shared")
    first_tab, second_tab = (
        await join(stack, peers, alice, room),
        await join(stack, peers, alice, room),
    )
    await settled(first_tab, "shared")
    await settled(second_tab, "shared")
    await writer.type(6, "!")
    await settled(first_tab, "shared!")
    await settled(second_tab, "shared!")


async def _left_at(database: Database, room: str) -> dict[str, object]:
    async with database.session() as session:
        found = await rooms.get_room(session, room)
        assert found is not None
        return {str(row.user_id): row.left_at for row in found.member_rows}


async def test_a_leave_is_in_the_room_s_rows_before_the_room_hears_of_it(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.peer.emit("collab:leave")
    assert await two.peer.wait_for("collab:left") == {"userId": str(alice.id)}
    left = await _left_at(database, room)
    assert left[str(alice.id)] is not None
    assert left[str(bob.id)] is None
    assert stack.client is not None
    state = await stack.call(stack.client.get_workflow_handle(f"session-{room}").query("state"))
    assert state["left"] == [str(alice.id)]


async def test_a_leave_no_session_takes_is_refused_and_changes_nothing(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    assert stack.client is not None
    # The room stays open in SQL while its session is gone: no one may record the leave.
    await stack.call(stack.client.get_workflow_handle(f"session-{room}").terminate("test"))
    await one.peer.emit("collab:leave")
    error = await one.peer.wait_for("collab:error", within=15)
    assert "could not leave" in error["message"]
    assert set((await _left_at(database, room)).values()) == {None}
    assert "collab:left" not in [name for name, _ in two.peer.received]
    await one.type(0, "still here")
    await settled(two, "still here")
