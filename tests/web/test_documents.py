"""The documents layer over real stores: unloading, compaction and revert after it on LevelDB;
several processes sharing one SQL store (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pycrdt import Doc, Text

from documents.leveldb_docstore import LevelDbDocStore
from documents.replay import Replayer
from documents.room_documents import Documents, InvalidUpdate
from documents.sql_docstore import SqlDocStore
from documents.text_buffer import CHUNK
from tests.helpers.rooms import Typist
from tests.helpers.waiting import eventually, until

ROOM = "room-docs"


async def _history_count(documents: Documents, wanted: int) -> list[int]:
    records = await eventually(
        lambda: documents.history(ROOM, 50),
        lambda seen: len(seen) >= wanted,
        f"{wanted} history records",
        every=0.02,
    )
    return [record.timestamp_ms for record in records]


@pytest.fixture
async def documents(tmp_path: Path) -> AsyncIterator[Documents]:
    docs = Documents(
        LevelDbDocStore(tmp_path / "docs", min_age_ms=0),
        unload_after_seconds=0.2,
        burst_idle_seconds=0.05,
        burst_max_seconds=0.2,
    )
    await docs.start()
    yield docs
    await docs.stop()
    await docs.store.close()


async def test_an_empty_room_is_unloaded_compacted_and_reverts_correctly_afterwards(
    documents: Documents,
) -> None:
    typist = Typist()
    await documents.join(ROOM)
    for index, word in enumerate(("alpha ", "beta ", "gamma ")):
        for char in word:
            await documents.apply(ROOM, "u1", typist.type(len(str(typist.text)), char))
        # Each word is its own burst: wait for it to close before typing the next.
        stamps = await _history_count(documents, wanted=index + 1)
    assert await documents.text(ROOM) == "alpha beta gamma "
    await documents.leave(ROOM)
    await until(lambda: documents.loaded == 0, "the document to be unloaded")
    # Folded, one entry per history burst.
    await eventually(
        lambda: documents.store.updates(ROOM),
        lambda stored: len(stored) < len("alpha beta gamma "),
        "the stored updates to be folded",
        every=0.02,
    )
    # Reloaded from the compacted store, and still able to go back to each burst.
    assert await documents.text(ROOM) == "alpha beta gamma "
    oldest = sorted(stamps)[0]
    await documents.revert(ROOM, "u2", oldest)
    assert await documents.text(ROOM) == "alpha "


async def test_a_failed_update_changes_nothing(documents: Documents) -> None:
    typist = Typist()
    await documents.apply(ROOM, "u1", typist.type(0, "ok"))
    with pytest.raises(InvalidUpdate):
        await documents.apply(ROOM, "u1", b"\x00\x01\x02\x03")
    assert await documents.text(ROOM) == "ok"
    assert len(await documents.store.updates(ROOM)) == 1


async def test_revert_handles_text_beyond_ascii(documents: Documents) -> None:
    typist = Typist()
    await documents.apply(ROOM, "u1", typist.type(0, "héllo 😀 "))
    first = await _history_count(documents, wanted=1)
    await documents.apply(ROOM, "u1", typist.type(len("héllo 😀 ".encode()), "wörld"))
    await _history_count(documents, wanted=2)
    await documents.revert(ROOM, "u1", first[0])
    assert await documents.text(ROOM) == "héllo 😀 "


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    before = text[:index]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


async def test_every_edit_s_history_places_it_where_it_happened(tmp_path: Path) -> None:
    """Each edit's history change names its own place and text, edit after edit, through text
    beyond ASCII, several lines, a text of many chunks (``documents.text_buffer``) and a refused
    update: what each keystroke is measured against is always the document as it stands."""
    documents = Documents(
        LevelDbDocStore(tmp_path / "docs"), burst_idle_seconds=0, burst_max_seconds=0
    )
    await documents.start()
    typist = Typist()
    pieces = ("a", "é", "😀", "\n", "ab\ncd", "中文")
    rng = random.Random(7)
    text = "".join(f"line {number}: é{'x' * (number % 90)}\n" for number in range(600))
    await documents.apply(ROOM, "u1", typist.type(0, text))
    expected = [{"type": "insert", "line": 1, "col": 1, "snippet": text[:120]}]
    await _history_count(documents, 1)
    assert len(text.encode()) > 8 * CHUNK
    for step in range(60):
        if step == 30:
            with pytest.raises(InvalidUpdate):
                await documents.apply(ROOM, "u1", b"\x00\x01\x02\x03")
        if text and rng.random() < 0.35:
            start = rng.randrange(len(text))
            end = min(len(text), start + rng.randint(1, 3))
            line, col = _position(text, start)
            expected.append(
                {"type": "delete", "line": line, "col": col, "snippet": text[start:end]}
            )
            offset = len(text[:start].encode())
            before = typist.doc.get_state()
            del typist.text[offset : offset + len(text[start:end].encode())]
            update = typist.doc.get_update(before)
            text = text[:start] + text[end:]
        else:
            piece, at = rng.choice(pieces), rng.randint(0, len(text))
            line, col = _position(text, at)
            expected.append({"type": "insert", "line": line, "col": col, "snippet": piece})
            update = typist.type(len(text[:at].encode()), piece)
            text = text[:at] + piece + text[at:]
        await documents.apply(ROOM, "u1", update)
        # One burst per edit: wait for its record before the next edit opens another.
        await eventually(
            lambda: documents.history(ROOM, 100),
            lambda records: len(records) == len(expected),
            f"the history record of edit {step}",
            within=5,
            every=0.005,
        )
    records = list(reversed(await documents.history(ROOM, 100)))
    await documents.stop()
    await documents.store.close()
    assert [change for record in records for change in record.changes] == expected
    assert await documents.text(ROOM) == text


@pytest.fixture
async def two_processes(database_url: str) -> AsyncIterator[tuple[Documents, Documents]]:
    """Two web processes' documents over one shared SQL store (each with its own engine)."""
    pair = tuple(
        Documents(SqlDocStore(database_url, min_age_ms=0), burst_idle_seconds=0.05)
        for _ in range(2)
    )
    for docs in pair:
        await docs.start()
    yield pair[0], pair[1]
    for docs in pair:
        await docs.stop()
        await docs.store.close()


async def test_processes_sharing_a_store_see_each_other_s_edits(
    two_processes: tuple[Documents, Documents], database_url: str
) -> None:
    first, second = two_processes
    room = f"room-{uuid.uuid4()}"
    alice, bob = Typist(), Typist()
    await first.join(room)
    await second.join(room)
    # Alternate, each process applying its own user's keystrokes, each peer receiving the
    # other's as the relay would deliver them.
    for _ in range(20):
        update = alice.type(0, "a")
        await first.apply(room, "alice", update)
        bob.doc.apply_update(update)
        update = bob.type(len(str(bob.text)), "b")
        await second.apply(room, "bob", update)
        alice.doc.apply_update(update)
    assert str(alice.text) == str(bob.text)
    assert await first.text(room) == await second.text(room) == str(alice.text)
    # A third process (a reconnecting client's) loads the same state from the store.
    third = Documents(SqlDocStore(database_url, min_age_ms=0))
    try:
        assert await third.text(room) == str(alice.text)
    finally:
        await third.store.close()


async def test_a_revert_in_one_process_takes_the_other_s_edits_into_account(
    two_processes: tuple[Documents, Documents],
) -> None:
    first, second = two_processes
    room = f"room-{uuid.uuid4()}"
    typist = Typist()
    for char in "hello":
        await first.apply(room, "alice", typist.type(len(str(typist.text)), char))
    records = await _wait_history(first, room)
    for char in " world":
        await second.apply(room, "bob", typist.type(len(str(typist.text)), char))
    assert await first.text(room) == "hello world"

    state = await first.revert(room, "alice", records[0])

    reverted: Doc[Text] = Doc()
    reverted.apply_update(state)
    assert str(reverted.get("content", type=Text)) == "hello"
    assert await second.text(room) == "hello"


async def _wait_history(documents: Documents, room: str) -> list[int]:
    records = await eventually(
        lambda: documents.history(room, 50), bool, "a history record", every=0.02
    )
    return [record.timestamp_ms for record in records]


async def test_a_long_log_is_replayed_in_the_worker_process_for_loading_and_revert(
    tmp_path: Path,
) -> None:
    replayer = Replayer(inline_updates=0)
    docs = Documents(LevelDbDocStore(tmp_path / "docs"), replayer=replayer, burst_idle_seconds=0.05)
    await docs.start()
    try:
        typist = Typist()
        for char in "héllo 😀 world":
            await docs.apply(ROOM, "u1", typist.type(len(str(typist.text).encode()), char))
        [first] = await _history_count(docs, wanted=1)
        await docs.apply(ROOM, "u1", typist.type(0, ">> "))
        await _history_count(docs, wanted=2)
        # A fresh process's view: the room is loaded through the worker.
        again = Documents(docs.store, replayer=replayer)
        assert await again.text(ROOM) == ">> héllo 😀 world"
        await again.revert(ROOM, "u2", first)
        assert await again.text(ROOM) == "héllo 😀 world"
        assert replayer._pool is not None
    finally:
        await docs.stop()
        await docs.store.close()
