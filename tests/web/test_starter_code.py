"""A room starts with its question's starter code, once: not again on a reload, a restart or
after the members deleted it; and an untouched document follows the language."""

from __future__ import annotations

from collections.abc import Callable

from execution.languages import LANGUAGES
from execution.runnable import shipped_bank
from storage import rooms
from storage.database import Database
from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, join, matched_room, settled
from tests.helpers.waiting import until

StackFactory = Callable[..., LiveStack]


async def starter_of(database: Database, room: str, language: str) -> str:
    async with database.session() as session:
        found = await rooms.get_room(session, room)
    assert found is not None
    assert found.question_id is not None
    return LANGUAGES[language].starter(shipped_bank()[found.question_id].signature)


async def test_both_members_start_from_the_starter_code_once_however_often_they_join(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack(starter_code=True, document_unload_seconds=0.5)
    room, alice, bob = await matched_room(stack, peers, accounts)
    python = await starter_of(database, room, "python")
    assert python.startswith(("def ", "from typing", "#"))
    one = await join(stack, peers, alice, room)
    assert str(one.text) == python
    two = await join(stack, peers, bob, room)
    assert str(two.text) == python
    await one.peer.disconnect()
    again = await join(stack, peers, alice, room)
    assert str(again.text) == python
    # Unloaded once nobody is in (as after a restart), then read back from the store: once.
    await again.peer.disconnect()
    await two.peer.disconnect()
    await until(lambda: stack.documents.loaded == 0, "the room to be unloaded")
    third = await join(stack, peers, bob, room)
    assert str(third.text) == python


async def test_deleted_starter_code_does_not_come_back(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack(starter_code=True)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    await one.delete_all()
    await settled(two, "")
    await two.peer.disconnect()
    back = await join(stack, peers, bob, room)
    assert str(back.text) == ""


async def test_an_untouched_document_follows_the_language_and_a_touched_one_does_not(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack(starter_code=True)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    javascript = await starter_of(database, room, "javascript")
    await one.peer.emit("collab:language:set", {"language": "javascript"})
    await settled(two, javascript)
    await settled(one, javascript)
    await two.type(0, "// mine\n")
    await settled(one, "// mine\n" + javascript)
    await one.peer.emit("collab:language:set", {"language": "python"})
    await until(lambda: two.peer.events("collab:language")[-1:] == [{"language": "python"}], "lang")
    await settled(two, "// mine\n" + javascript)
