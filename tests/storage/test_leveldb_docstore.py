"""The LevelDB document store, on a real LevelDB directory with real pycrdt documents."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from pycrdt import Doc, Text

from storage.docstore import DocStore, HistoryRecord
from storage.leveldb_docstore import DocStoreLockedError, LevelDbDocStore

ROOM = "room-6f1c0d1e-8d4b-4c39-9a51-3f0e2b7c1a90"
REPO = Path(__file__).resolve().parents[2]


def rebuild(updates: list[bytes]) -> str:
    doc: Doc[Text] = Doc()
    text = doc.get("content", type=Text)
    for update in updates:
        doc.apply_update(update)
    return str(text)


class Peer:
    """One editor's copy of the document; each edit returns the update it made."""

    def __init__(self) -> None:
        self.doc: Doc[Text] = Doc()
        self.text = self.doc.get("content", type=Text)

    def edit(self, change: Callable[[Text], None]) -> bytes:
        state = self.doc.get_state()
        with self.doc.transaction():
            change(self.text)
        return self.doc.get_update(state)

    def type(self, snippet: str) -> bytes:
        return self.edit(lambda text: text.insert(len(text), snippet))

    def receive(self, update: bytes) -> None:
        self.doc.apply_update(update)


def old_ms() -> int:
    """A time well past the store's minimum age for compaction."""
    return int(time.time() * 1000) - 3_600_000


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[LevelDbDocStore]:
    opened = LevelDbDocStore(tmp_path / "docs")
    yield opened
    await opened.close()


async def test_the_store_is_a_docstore(store: LevelDbDocStore) -> None:
    typed: DocStore = store
    assert await typed.updates(ROOM) == []


async def test_appended_updates_rebuild_the_document(store: LevelDbDocStore) -> None:
    peer = Peer()
    start = old_ms()
    edits = [
        peer.type("def add(a, b):\n"),
        peer.type("    return a + b\n"),
        peer.edit(lambda text: text.insert(7, "_numbers")),
        peer.edit(lambda text: text.__delitem__(slice(0, 4))),
    ]
    for i, update in enumerate(edits):
        await store.append(ROOM, update, user_id="alice", timestamp_ms=start + i)
    assert await store.updates(ROOM) == edits
    assert (
        rebuild(await store.updates(ROOM))
        == str(peer.text)
        == "add_numbers(a, b):\n    return a + b\n"
    )


async def test_sequence_numbers_increase_and_survive_reopening(tmp_path: Path) -> None:
    peer = Peer()
    path = tmp_path / "docs"
    first = LevelDbDocStore(path)
    seqs = [
        await first.append(ROOM, peer.type(f"line {i}\n"), user_id="u", timestamp_ms=1_000 + i)
        for i in range(5)
    ]
    assert seqs == [1, 2, 3, 4, 5]
    await first.add_history(ROOM, HistoryRecord("u", 1_004, [{"type": "insert"}]))
    await first.close()

    second = LevelDbDocStore(path)
    try:
        assert rebuild(await second.updates(ROOM)) == str(peer.text)
        assert await second.append(ROOM, peer.type("more"), user_id="u", timestamp_ms=2_000) == 6
        assert await second.append("room-other", Peer().type("x"), user_id="u", timestamp_ms=1) == 1
        assert rebuild(await second.updates(ROOM)) == str(peer.text)
        assert await second.history(ROOM, 10) == [HistoryRecord("u", 1_004, [{"type": "insert"}])]
    finally:
        await second.close()


async def test_until_ms_gives_the_state_at_that_time(store: LevelDbDocStore) -> None:
    peer = Peer()
    states: dict[int, str] = {}
    for i, word in enumerate(["alpha ", "beta ", "gamma ", "delta"]):
        stamp = 10_000 + 1_000 * i
        await store.append(ROOM, peer.type(word), user_id="u", timestamp_ms=stamp)
        states[stamp] = str(peer.text)
    assert rebuild(await store.updates(ROOM, until_ms=9_999)) == ""
    assert rebuild(await store.updates(ROOM, until_ms=10_000)) == "alpha "
    assert rebuild(await store.updates(ROOM, until_ms=11_500)) == "alpha beta "
    for stamp, text in states.items():
        assert rebuild(await store.updates(ROOM, until_ms=stamp)) == text
    assert rebuild(await store.updates(ROOM, until_ms=99_999)) == "alpha beta gamma delta"


async def test_rooms_are_isolated_even_when_one_id_prefixes_another(
    store: LevelDbDocStore,
) -> None:
    rooms = ["a", "ab", "a1", "b", "room-1", "room-10"]
    peers = {room: Peer() for room in rooms}
    for round_ in range(3):
        for room, peer in peers.items():
            seq = await store.append(
                room, peer.type(f"{room}:{round_} "), user_id="u", timestamp_ms=1
            )
            assert seq == round_ + 1
            await store.add_history(room, HistoryRecord("u", round_, [{"room": room}]))
    for room, peer in peers.items():
        assert rebuild(await store.updates(room)) == str(peer.text)
        assert [record.changes for record in await store.history(room, 10)] == [
            [{"room": room}]
        ] * 3


async def test_room_ids_must_be_1_to_64_characters(store: LevelDbDocStore) -> None:
    with pytest.raises(ValueError, match="room id"):
        await store.append("", b"x", user_id="u", timestamp_ms=1)
    with pytest.raises(ValueError, match="room id"):
        await store.updates("r" * 65)
    assert await store.append("r" * 64, Peer().type("x"), user_id="u", timestamp_ms=1) == 1


async def test_history_is_newest_first_with_a_limit(store: LevelDbDocStore) -> None:
    change = {"type": "insert", "line": 1, "col": 1, "snippet": "x"}
    records = [HistoryRecord(f"user-{i}", 5_000 + 10 * i, [change]) for i in range(8)]
    # Stored out of order, and two with one timestamp: they come back by timestamp, then arrival.
    same_time = HistoryRecord("late", records[7].timestamp_ms, [])
    for record in [*records[4:], *records[:4], same_time]:
        await store.add_history(ROOM, record)

    assert await store.history(ROOM, 3) == [same_time, records[7], records[6]]
    assert await store.history(ROOM, 100) == [same_time, *reversed(records)]
    assert await store.history(ROOM, 0) == []
    assert await store.history("room-empty", 5) == []
    assert records[0].to_wire() == {"userId": "user-0", "timestamp": 5_000, "changes": [change]}
    assert HistoryRecord.from_wire(records[0].to_wire()) == records[0]


async def edit_session(
    store: LevelDbDocStore, start_ms: int, edits: int
) -> tuple[Peer, dict[int, str]]:
    """Two peers editing in turns (inserts and deletes), a history record every few edits.

    Returns one peer and the text at each history record's timestamp.
    """
    alice, bob = Peer(), Peer()
    at_history: dict[int, str] = {}
    for i in range(edits):
        author, other = (alice, bob) if i % 2 == 0 else (bob, alice)
        if i % 5 == 4:
            update = author.edit(lambda text: text.__delitem__(slice(0, 3)))
        else:
            update = author.type(f"<{i}>\n")
        other.receive(update)
        stamp = start_ms + 1_000 * i
        await store.append(ROOM, update, user_id=f"user-{i % 2}", timestamp_ms=stamp)
        if i % 7 == 6:
            await store.add_history(ROOM, HistoryRecord(f"user-{i % 2}", stamp, []))
            at_history[stamp] = str(alice.text)
    # A record between two updates: the state then is the one after the earlier update.
    between = start_ms + 1_000 * 17 + 500
    await store.add_history(ROOM, HistoryRecord("user-1", between, []))
    at_history[between] = rebuild(await store.updates(ROOM, until_ms=between))
    assert str(alice.text) == str(bob.text)
    return alice, at_history


async def assert_states(store: LevelDbDocStore, peer: Peer, at_history: dict[int, str]) -> None:
    assert rebuild(await store.updates(ROOM)) == str(peer.text)
    for stamp, text in at_history.items():
        assert rebuild(await store.updates(ROOM, until_ms=stamp)) == text, stamp


async def test_compaction_folds_updates_and_keeps_every_history_state(
    store: LevelDbDocStore,
) -> None:
    peer, at_history = await edit_session(store, old_ms(), 60)
    stored_before = len(await store.updates(ROOM))

    folded = await store.compact(ROOM)

    stored_after = len(await store.updates(ROOM))
    assert folded > 0
    assert stored_after == stored_before - folded
    # 60 updates; 9 history boundaries, the last at edit 55: edits 56..59 stay raw.
    assert stored_after == 9 + 4
    await assert_states(store, peer, at_history)


async def test_compaction_again_right_after_changes_nothing(tmp_path: Path) -> None:
    store = LevelDbDocStore(tmp_path / "docs")
    peer, at_history = await edit_session(store, old_ms(), 40)
    assert await store.compact(ROOM) > 0
    compacted = await store.updates(ROOM)

    assert await store.compact(ROOM) == 0
    assert await store.updates(ROOM) == compacted
    await store.close()

    reopened = LevelDbDocStore(tmp_path / "docs")
    try:
        assert await reopened.compact(ROOM) == 0
        await assert_states(reopened, peer, at_history)
        # The compacted keys kept the last sequence number of each run: numbering goes on.
        assert await reopened.append(ROOM, peer.type("!"), user_id="u", timestamp_ms=1) == 41
    finally:
        await reopened.close()


async def test_compaction_leaves_recent_updates_and_rooms_without_history_raw(
    store: LevelDbDocStore,
) -> None:
    peer = Peer()
    now = int(time.time() * 1000)
    for i in range(10):
        await store.append(ROOM, peer.type(f"{i}"), user_id="u", timestamp_ms=now + i)
    await store.add_history(ROOM, HistoryRecord("u", now + 9, []))
    for i in range(5):
        await store.append("room-no-history", Peer().type("x"), user_id="u", timestamp_ms=i)

    assert await store.compact(ROOM) == 0
    assert await store.compact("room-no-history") == 0
    assert len(await store.updates(ROOM)) == 10
    assert len(await store.updates("room-no-history")) == 5


async def test_compaction_runs_while_appends_continue(store: LevelDbDocStore) -> None:
    peer, at_history = await edit_session(store, old_ms(), 150)
    stored_before = len(await store.updates(ROOM))

    async def keep_typing() -> list[int]:
        seqs = []
        for i in range(60):
            update = peer.type(f"[live {i}]")
            seqs.append(
                await store.append(ROOM, update, user_id="u", timestamp_ms=int(time.time() * 1000))
            )
            await asyncio.sleep(0)  # let the compaction's steps interleave with the typing
        return seqs

    folded, seqs = await asyncio.gather(store.compact(ROOM), keep_typing())

    assert seqs == list(range(151, 211))
    assert folded > 0
    assert len(await store.updates(ROOM)) == stored_before + 60 - folded
    await assert_states(store, peer, at_history)


async def test_a_second_store_on_an_open_directory_fails_clearly(
    store: LevelDbDocStore,
) -> None:
    with pytest.raises(DocStoreLockedError, match="already open"):
        LevelDbDocStore(store.path)
    # The first store is unharmed.
    assert await store.append(ROOM, Peer().type("x"), user_id="u", timestamp_ms=1) == 1


async def test_another_process_cannot_open_the_directory(store: LevelDbDocStore) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from storage.leveldb_docstore import DocStoreLockedError, LevelDbDocStore\n"
        "try:\n"
        "    LevelDbDocStore(Path(sys.argv[1]))\n"
        "except DocStoreLockedError as error:\n"
        "    print(error)\n"
        "    sys.exit(3)\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        str(store.path),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode == 3, stderr.decode()
    assert "already open in another process" in stdout.decode()


async def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = LevelDbDocStore(tmp_path / "docs")
    await store.close()
    await store.close()
    with pytest.raises(RuntimeError, match="closed"):
        await store.append(ROOM, b"x", user_id="u", timestamp_ms=1)
    # Closing released the directory.
    await LevelDbDocStore(tmp_path / "docs").close()
