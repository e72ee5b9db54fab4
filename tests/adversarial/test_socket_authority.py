"""A socket's authority is its token's: it ends when the token expires (the socket is told and
disconnected), and an administrator watching a room is checked again on every change, so one
demoted since connecting is let go."""

from __future__ import annotations

from collections.abc import Callable

from storage import users
from storage.database import Database
from storage.models import Role
from tests.helpers.accounts import Accounts, mint_token
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Editor, Peers, join, matched_room
from tests.helpers.waiting import eventually, until
from workflows.events import COLLAB_NAMESPACE, MATCHING_NAMESPACE


async def test_a_socket_is_told_and_disconnected_when_its_token_expires(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, _bob = await matched_room(stack, peers, accounts)
    # Expiry is checked with the verifier's 10 s of leeway for clock skew: this token has
    # 12 s to live, so it counts as valid for 2 s more.
    short = mint_token(alice.id, lifetime=-8)
    collab = peers(stack.base_url, COLLAB_NAMESPACE)
    await collab.connect({"token": short, "sessionId": room})
    await collab.wait_for("collab:connected")
    matching = peers(stack.base_url, MATCHING_NAMESPACE)
    await matching.connect({"token": short})

    expired = await collab.wait_for(
        "collab:error", lambda data: "expired" in data["message"], within=20
    )
    assert expired["ok"] is False
    await until(
        lambda: not collab.client.connected and not matching.client.connected,
        "both sockets to be disconnected",
    )
    assert await stack.call(stack.documents.text(room)) == ""


async def test_a_demoted_administrator_watching_a_room_cannot_change_it(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack()
    room, _alice, _bob = await matched_room(stack, peers, accounts)
    admin = await accounts.signup(admin=True)
    watcher: Editor = await join(stack, peers, admin, room)
    await watcher.type(0, "note from staff")
    await eventually(
        lambda: stack.call(stack.documents.text(room)),
        lambda text: text == "note from staff",
        "the staff note to be applied",
    )
    async with database.session() as session:
        user = await users.get_user(session, admin.id)
        assert user is not None
        await users.set_role(session, user, Role.USER)

    await watcher.type(0, "after demotion ")

    refused = await watcher.peer.wait_for("collab:error")
    assert "no longer allowed" in refused["message"]
    await until(lambda: not watcher.peer.client.connected, "the demoted admin to be let go")
    assert await stack.call(stack.documents.text(room)) == "note from staff"
