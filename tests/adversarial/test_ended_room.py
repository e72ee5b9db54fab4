"""An ended room takes no more writes: its sockets are told and disconnected, and an edit, a
revert, a chat line or a language change that still arrives changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from pycrdt import Doc, Text

from documents.room_documents import InvalidUpdate
from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.records import attempts_with_code
from tests.helpers.rooms import Peers, join, matched_room, settled
from tests.helpers.waiting import until
from workflows.events import COLLAB_NAMESPACE


async def test_an_ended_rooms_sockets_are_disconnected_and_it_refuses_every_write(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    stack = live_stack(session_max_seconds=3.0)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.type(0, "final answer")
    await settled(two, "final answer")

    for editor in (one, two):
        ended = await editor.peer.wait_for("collab:ended", within=20)
        assert ended["reason"] == "max_duration"
    await until(
        lambda: not one.peer.client.connected and not two.peer.client.connected,
        "the server to disconnect the room's sockets",
    )

    # Whatever a late write tries, the document and the recorded attempt stay as they were.
    late: Doc[Text] = Doc()
    late.apply_update(await stack.call(stack.documents.state(room)))
    before = late.get_state()
    late.get("content", type=Text).insert(0, "edited after the end: ")
    with pytest.raises(InvalidUpdate, match="ended"):
        await stack.call(stack.documents.apply(room, str(bob.id), late.get_update(before)))
    assert await stack.call(stack.documents.text(room)) == "final answer"
    back = peers(stack.base_url, COLLAB_NAMESPACE)
    await back.connect({"token": bob.token, "sessionId": room})
    assert "ended" in (await back.wait_for("collab:error"))["message"]
    attempts = await attempts_with_code(http, alice)
    assert [attempt["code"] for attempt in attempts] == ["final answer"]
