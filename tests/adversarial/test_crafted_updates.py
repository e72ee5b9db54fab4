"""Crafted Yjs updates: refused with ``collab:error`` before they reach the live document, so the
room carries on with exactly what was persisted, and the process lives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from documents.docstore import load_document
from documents.leveldb_docstore import LevelDbDocStore
from documents.room_documents import Documents, InvalidUpdate
from tests.adversarial.forge import Item, Update, embed, first_client, formatting, wrapping_clock
from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, join, matched_room, settled
from tests.helpers.rooms import Typist as Author

ROOM = "room-hostile"


@pytest.fixture
async def documents(tmp_path: Path) -> AsyncIterator[Documents]:
    docs = Documents(LevelDbDocStore(tmp_path / "docs"), max_document_bytes=4096)
    await docs.start()
    yield docs
    await docs.stop()
    await docs.store.close()


def _crafted(client: int) -> dict[str, tuple[bytes, str]]:
    """Each hostile update against a room holding "hello world " by ``client``, and the words
    its refusal must contain."""
    return {
        "clock wrapping u32": (wrapping_clock(client, (client, 3)), "out of range"),
        "clock past u32": (
            Update([(client, 2**53, [Item("xy", origin=(client, 3))])]).encode(),
            "out of range",
        ),
        "gap after the client's clock": (
            Update([(client, 500, [Item("xy", origin=(client, 3))])]).encode(),
            "does not have",
        ),
        "origin never written": (
            Update([(4242, 0, [Item("xy", origin=(client, 9_999))])]).encode(),
            "does not have",
        ),
        "right origin of an unknown client": (
            Update([(4242, 0, [Item("xy", right=(777, 0))])]).encode(),
            "does not have",
        ),
        "delete before its items": (
            Update(deletes=[(client, [(0, 5_000)])]).encode(),
            "does not have",
        ),
        "another root type": (Update([(4242, 0, [Item("xy", root="secret")])]).encode(), "only"),
        "a map key on the root": (
            Update([(4242, 0, [Item("xy", parent_sub="key")])]).encode(),
            "only",
        ),
        "an embed": (Update([(4242, 0, [embed({"a": 1})])]).encode(), "embedded object"),
        "formatting": (
            Update([(4242, 0, [formatting("bold", True, origin=(client, 2))])]).encode(),
            "formatting",
        ),
        "truncated": (Author().type(0, "abc")[:-2], "truncated"),
        "trailing bytes": (Author().type(0, "abc") + b"\x00", "trailing"),
        "too many clients": (
            Update([(5000 + n, 0, [Item("x")]) for n in range(5)]).encode(),
            "at most 4 clients",
        ),
        "too many items": (
            Update([(4242, 0, [Item("x", root="content")] * 1_001)]).encode(),
            "at most 1000 new items",
        ),
        "past the document cap": (Author().type(0, "x" * 5_000), "at most 4096 bytes"),
        "not binary": ("text", "binary"),  # type: ignore[dict-item]
    }


CASES = list(_crafted(1))


@pytest.mark.parametrize("case", CASES)
async def test_a_crafted_update_is_refused_and_changes_nothing(
    documents: Documents, case: str
) -> None:
    author = Author()
    await documents.apply(ROOM, "alice", author.type(0, "hello world "))
    stored_before = await documents.store.updates(ROOM)
    update, words = _crafted(author.doc.client_id)[case]

    with pytest.raises(InvalidUpdate, match=words):
        await documents.apply(ROOM, "mallory", update)

    assert await documents.store.updates(ROOM) == stored_before
    assert await documents.text(ROOM) == "hello world "
    # The room carries on: the next honest edit applies and persists.
    await documents.apply(ROOM, "alice", author.type(12, "again"))
    assert await documents.text(ROOM) == "hello world again"
    _doc, replayed = load_document(await documents.store.updates(ROOM))
    assert str(replayed) == "hello world again"


async def test_what_real_editors_send_is_accepted(documents: Documents) -> None:
    """Concurrent typing, deletes across both authors, a reconnect's catch-up of several edits
    and an emoji: all within the rules."""
    alice, bob = Author(), Author()
    first = alice.type(0, "def f():\n    return 1\n")
    await documents.apply(ROOM, "alice", first)
    bob.doc.apply_update(first)
    offline = bob.doc.get_state()
    bob.type(0, "# 😀 note\n")
    bob.type(len(str(bob.text)), "print(f())\n")
    with bob.doc.transaction():
        del bob.text[0:12]
    await documents.apply(ROOM, "bob", bob.doc.get_update(offline))
    alice.doc.apply_update(await documents.state(ROOM))
    before = alice.doc.get_state()
    with alice.doc.transaction():
        del alice.text[0 : len(alice.text)]
        alice.text.insert(0, "pass\n")
    await documents.apply(ROOM, "alice", alice.doc.get_update(before))
    assert await documents.text(ROOM) == "pass\n"


async def test_the_yrs_panic_update_over_real_sockets_is_refused_and_the_room_carries_on(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, mallory = await matched_room(stack, peers, accounts)
    honest, hostile = await join(stack, peers, alice, room), await join(stack, peers, mallory, room)
    await honest.type(0, "def solve(nums):\n" + "    pass\n" * 300)
    relayed = await hostile.peer.wait_for("collab:update")
    victim = first_client(relayed)

    await hostile.peer.emit("collab:update", wrapping_clock(victim, (victim, 3)))

    error = await hostile.peer.wait_for("collab:error")
    assert "out of range" in error["message"]
    expected = "def solve(nums):\n" + "    pass\n" * 300
    assert await stack.call(stack.documents.text(room)) == expected
    # Both keep editing; the partner never saw the crafted update.
    await honest.type(0, "# ok\n")
    await settled(hostile, "# ok\n" + expected)
    hostile.catch_up()
    await hostile.type(0, "#")
    await settled(honest, "## ok\n" + expected)
    stored = await stack.call(stack.documents.store.updates(room))
    _doc, replayed = load_document(stored)
    assert str(replayed) == "## ok\n" + expected
    assert all(name != "collab:error" for name, _ in honest.peer.received)


SPLITS = {
    "delete the second half of an emoji": lambda c: Update(deletes=[(c, [(2, 1)])]),
    "delete the first half of an emoji": lambda c: Update(deletes=[(c, [(1, 1)])]),
    "insert after the first half": lambda c: Update([(4242, 0, [Item("Q", origin=(c, 1))])]),
    "insert before the second half": lambda c: Update([(4242, 0, [Item("Q", right=(c, 2))])]),
}


@pytest.mark.parametrize("case", list(SPLITS))
async def test_an_update_that_splits_an_emoji_is_refused_also_after_a_reload(
    tmp_path: Path, case: str
) -> None:
    """yrs corrupts its document on such a split (see documents.update_guard); the positions of
    two-unit characters are known again when a room is loaded from the store."""
    author = Author()
    for attempt in range(2):
        documents = Documents(LevelDbDocStore(tmp_path / "docs"))
        await documents.start()
        try:
            if attempt == 0:
                await documents.apply(ROOM, "alice", author.type(0, "a😀b"))
            with pytest.raises(InvalidUpdate, match="splits a character"):
                await documents.apply(ROOM, "mallory", SPLITS[case](author.doc.client_id).encode())
            assert await documents.text(ROOM) == "a😀b"
            assert len(await documents.store.updates(ROOM)) == 1
        finally:
            await documents.stop()
            await documents.store.close()


async def test_an_update_the_room_partly_has_is_stored_and_relayed_without_that_part(
    documents: Documents,
) -> None:
    author = Author()
    first = author.type(0, "abc")
    await documents.apply(ROOM, "alice", first)
    author.type(3, "def")
    both = author.doc.get_update()
    assert b"abcdef" in both

    stored = (await documents.apply(ROOM, "alice", both)).update

    assert b"def" in stored
    assert b"abc" not in stored
    assert await documents.text(ROOM) == "abcdef"
    _doc, replayed = load_document(await documents.store.updates(ROOM))
    assert str(replayed) == "abcdef"


FORGED_ORIGINS = {
    # Each would land elsewhere in the live document than in one built from its encoding.
    "right origin before the origin": lambda c: [Item("X", origin=(c, 5), right=(c, 2))],
    "the author's own item between": lambda c: [
        Item("X", origin=(c, 1), right=(c, 2)),
        Item("Y", origin=(c, 1), right=(c, 2)),
    ],
    "no right origin past the author's own item": lambda c: [
        Item("X", origin=(c, 8)),
        Item("Y", origin=(c, 3)),
    ],
}


@pytest.mark.parametrize("case", list(FORGED_ORIGINS))
async def test_items_whose_origins_were_never_neighbours_are_refused_also_after_a_reload(
    tmp_path: Path, case: str
) -> None:
    """documents.item_order: the order of the room's items is known again when it is loaded."""
    author, partner = Author(), Author()
    for attempt in range(2):
        documents = Documents(LevelDbDocStore(tmp_path / "docs"))
        await documents.start()
        try:
            if attempt == 0:
                first = author.type(0, "hello world ")
                await documents.apply(ROOM, "alice", first)
                # A partner's concurrent edit, so that the room's order is not one author's.
                partner.doc.apply_update(first)
                await documents.apply(ROOM, "bob", partner.type(6, "big "))
            forged = Update([(4242, 0, FORGED_ORIGINS[case](author.doc.client_id))]).encode()
            with pytest.raises(InvalidUpdate, match="never neighbours"):
                await documents.apply(ROOM, "mallory", forged)
            assert await documents.text(ROOM) == "hello big world "
            assert len(await documents.store.updates(ROOM)) == 2
        finally:
            await documents.stop()
            await documents.store.close()
    # Refused means unchanged: an honest edit of a newcomer still fits.
    documents = Documents(LevelDbDocStore(tmp_path / "docs"))
    await documents.start()
    try:
        mallory = Author()
        mallory.doc.apply_update(await documents.state(ROOM))
        await documents.apply(ROOM, "mallory", mallory.type(1, "Q"))
        assert await documents.text(ROOM) == "hQello big world "
    finally:
        await documents.stop()
        await documents.store.close()
