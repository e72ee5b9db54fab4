"""The documents layer over a real LevelDB store: unloading, compaction and revert after it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pycrdt import Doc, Text

from storage.leveldb_docstore import LevelDbDocStore
from web.documents import Documents, InvalidUpdate

ROOM = "room-docs"


class Typist:
    def __init__(self) -> None:
        self.doc: Doc[Text] = Doc()
        self.text = self.doc.get("content", type=Text)

    def type(self, index: int, value: str) -> bytes:
        before = self.doc.get_state()
        self.text.insert(index, value)
        return self.doc.get_update(before)


async def _history_count(documents: Documents, wanted: int) -> list[int]:
    for _ in range(200):
        records = await documents.history(ROOM, 50)
        if len(records) >= wanted:
            return [record.timestamp_ms for record in records]
        await asyncio.sleep(0.02)
    raise AssertionError("history records did not appear")


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
    for _ in range(300):
        if documents.loaded == 0:
            break
        await asyncio.sleep(0.02)
    assert documents.loaded == 0
    stored = await documents.store.updates(ROOM)
    for _ in range(300):
        stored = await documents.store.updates(ROOM)
        if len(stored) < len("alpha beta gamma "):
            break
        await asyncio.sleep(0.02)
    assert len(stored) < len("alpha beta gamma ")  # folded, one entry per history burst
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
