"""Both document stores, on real LevelDB, SQLite and PostgreSQL, with real pycrdt documents.

Every behaviour of the :class:`DocStore` contract runs against each; the LevelDB-only and
SQL-only ones follow.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import psycopg
import pytest
from pycrdt import Doc, Text

from documents.docstore import DocStore, HistoryRecord, document_text
from documents.leveldb_docstore import DocStoreLockedError, LevelDbDocStore
from documents.sql_docstore import SqlDocStore
from storage import migrate

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


Opener = Callable[[], DocStore]


def sql_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of ``kind`` whose document tables are empty."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'docs.db'}"
        migrate.upgrade(url)
        return url
    url = str(request.getfixturevalue("postgres_url"))
    migrate.upgrade(url)
    with psycopg.connect(url) as connection:
        connection.execute("TRUNCATE doc_heads, doc_updates, doc_history")
    return url


async def openers(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Opener]:
    """Opens stores on this test's own storage; each call is a new store (a new process's)."""
    opened: list[DocStore] = []
    url = None if kind == "leveldb" else sql_url(kind, request, tmp_path)

    def opener() -> DocStore:
        store: DocStore = LevelDbDocStore(tmp_path / "docs") if url is None else SqlDocStore(url)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        await store.close()


@pytest.fixture(params=["leveldb", "sqlite", "postgresql"])
async def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Opener]:
    async for opener in openers(request.param, request, tmp_path):
        yield opener


@pytest.fixture(params=["sqlite", "postgresql"])
async def open_sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Opener]:
    async for opener in openers(request.param, request, tmp_path):
        yield opener


@pytest.fixture
async def store(open_store: Opener) -> DocStore:
    return open_store()


@pytest.fixture
async def leveldb_store(tmp_path: Path) -> AsyncIterator[LevelDbDocStore]:
    opened = LevelDbDocStore(tmp_path / "docs")
    yield opened
    await opened.close()


async def test_the_store_is_a_docstore(store: DocStore) -> None:
    typed: DocStore = store
    assert await typed.updates(ROOM) == []


async def test_appended_updates_rebuild_the_document(store: DocStore) -> None:
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


async def test_sequence_numbers_increase_and_survive_reopening(open_store: Opener) -> None:
    peer = Peer()
    first = open_store()
    seqs = [
        await first.append(ROOM, peer.type(f"line {i}\n"), user_id="u", timestamp_ms=1_000 + i)
        for i in range(5)
    ]
    assert seqs == [1, 2, 3, 4, 5]
    await first.add_history(ROOM, HistoryRecord("u", 1_004, [{"type": "insert"}]))
    await first.close()

    second = open_store()
    assert rebuild(await second.updates(ROOM)) == str(peer.text)
    assert await second.append(ROOM, peer.type("more"), user_id="u", timestamp_ms=2_000) == 6
    assert await second.append("room-other", Peer().type("x"), user_id="u", timestamp_ms=1) == 1
    assert rebuild(await second.updates(ROOM)) == str(peer.text)
    assert await document_text(second, ROOM) == str(peer.text)
    assert await second.history(ROOM, 10) == [HistoryRecord("u", 1_004, [{"type": "insert"}])]


async def test_until_ms_gives_the_state_at_that_time(store: DocStore) -> None:
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
    store: DocStore,
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


async def test_room_ids_must_be_1_to_64_characters(store: DocStore) -> None:
    with pytest.raises(ValueError, match="room id"):
        await store.append("", b"x", user_id="u", timestamp_ms=1)
    with pytest.raises(ValueError, match="room id"):
        await store.updates("r" * 65)
    assert await store.append("r" * 64, Peer().type("x"), user_id="u", timestamp_ms=1) == 1


async def test_history_is_newest_first_with_a_limit(store: DocStore) -> None:
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


async def edit_session(store: DocStore, start_ms: int, edits: int) -> tuple[Peer, dict[int, str]]:
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


async def assert_states(store: DocStore, peer: Peer, at_history: dict[int, str]) -> None:
    assert rebuild(await store.updates(ROOM)) == str(peer.text)
    for stamp, text in at_history.items():
        assert rebuild(await store.updates(ROOM, until_ms=stamp)) == text, stamp


async def test_compaction_folds_updates_and_keeps_every_history_state(
    store: DocStore,
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


async def test_compaction_again_right_after_changes_nothing(open_store: Opener) -> None:
    store = open_store()
    peer, at_history = await edit_session(store, old_ms(), 40)
    assert await store.compact(ROOM) > 0
    compacted = await store.updates(ROOM)

    assert await store.compact(ROOM) == 0
    assert await store.updates(ROOM) == compacted
    await store.close()

    reopened = open_store()
    assert await reopened.compact(ROOM) == 0
    await assert_states(reopened, peer, at_history)
    # The compacted keys kept the last sequence number of each run: numbering goes on.
    assert await reopened.append(ROOM, peer.type("!"), user_id="u", timestamp_ms=1) == 41


async def test_compaction_leaves_recent_updates_and_rooms_without_history_raw(
    store: DocStore,
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


async def test_compaction_runs_while_appends_continue(store: DocStore) -> None:
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


async def test_compaction_respects_a_history_record_still_on_its_way_to_disk(
    leveldb_store: LevelDbDocStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    peer, at_history = await edit_session(leveldb_store, old_ms(), 60)
    # Between edits 22 and 23, inside the run 21..27 that would otherwise fold into one update.
    between = min(at_history) + 1_000 * 16 + 500
    at_history[between] = rebuild(await leveldb_store.updates(ROOM, until_ms=between))
    # The disk is slow: the record is queued, not yet written, while compaction plans and writes.
    # (Queued for the writer thread even if the store looks idle: the loop must stay free.)
    monkeypatch.setattr(leveldb_store, "inline_after_idle_seconds", None)
    disk_free = threading.Event()
    write_batch = leveldb_store._write_batch

    def slow_write(items: list[tuple[bytes, bytes]]) -> None:
        disk_free.wait(10)
        write_batch(items)

    monkeypatch.setattr(leveldb_store, "_write_batch", slow_write)
    recording = asyncio.create_task(
        leveldb_store.add_history(ROOM, HistoryRecord("user-0", between, []))
    )
    await asyncio.sleep(0.05)
    assert not recording.done()
    assert await leveldb_store.compact(ROOM) > 0
    disk_free.set()
    await recording
    await assert_states(leveldb_store, peer, at_history)


async def test_a_quiet_store_syncs_on_the_loop_and_a_busy_one_in_batches_on_its_thread(
    leveldb_store: LevelDbDocStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers: list[tuple[str, int]] = []
    write_batch = leveldb_store._write_batch

    def recording(items: list[tuple[bytes, bytes]]) -> None:
        writers.append((threading.current_thread().name, len(items)))
        write_batch(items)

    monkeypatch.setattr(leveldb_store, "_write_batch", recording)
    peer = Peer()
    # Nothing written yet: the store is as quiet as it gets.
    await leveldb_store.append(ROOM, peer.type("a"), user_id="u", timestamp_ms=1)
    assert writers == [(threading.current_thread().name, 1)]
    # A crowd right behind it: one synced batch for all but the first, off the loop.
    edits = [peer.type(letter) for letter in "bcdefg"]
    await asyncio.gather(
        *(
            leveldb_store.append(ROOM, edit, user_id="u", timestamp_ms=2 + index)
            for index, edit in enumerate(edits)
        )
    )
    thread_writes = writers[1:]
    assert all(name.startswith("leveldb-writer") for name, _count in thread_writes)
    assert sum(count for _name, count in thread_writes) == 6
    assert len(thread_writes) < 6
    assert rebuild(await leveldb_store.updates(ROOM)) == "abcdefg"


async def test_a_second_store_on_an_open_directory_fails_clearly(
    leveldb_store: LevelDbDocStore,
) -> None:
    with pytest.raises(DocStoreLockedError, match="already open"):
        LevelDbDocStore(leveldb_store.path)
    # The first store is unharmed.
    assert await leveldb_store.append(ROOM, Peer().type("x"), user_id="u", timestamp_ms=1) == 1


async def test_another_process_cannot_open_the_directory(
    leveldb_store: LevelDbDocStore,
) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from documents.leveldb_docstore import DocStoreLockedError, LevelDbDocStore\n"
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
        str(leveldb_store.path),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode == 3, stderr.decode()
    assert "already open in another process" in stdout.decode()


async def test_a_closed_store_refuses_work(open_store: Opener) -> None:
    store = open_store()
    await store.close()
    await store.close()
    with pytest.raises(RuntimeError, match="closed"):
        await store.append(ROOM, b"x", user_id="u", timestamp_ms=1)
    # Closing released what it held: another store opens on the same storage.
    other = open_store()
    assert await other.updates(ROOM) == []


async def test_updates_after_returns_what_a_reader_has_not_seen(store: DocStore) -> None:
    peer = Peer()
    edits = [peer.type(f"{i} ") for i in range(6)]
    for i, update in enumerate(edits):
        await store.append(ROOM, update, user_id="u", timestamp_ms=old_ms() + i)
    await store.append("room-other", Peer().type("x"), user_id="u", timestamp_ms=1)

    assert await store.updates_after(ROOM, 0) == list(enumerate(edits, start=1))
    assert await store.updates_after(ROOM, 4) == [(5, edits[4]), (6, edits[5])]
    assert await store.updates_after(ROOM, 6) == []
    assert await store.updates_after("room-none", 0) == []


async def test_a_reader_catching_up_after_compaction_gets_the_same_text(store: DocStore) -> None:
    peer, _at_history = await edit_session(store, old_ms(), 40)
    reader = Peer()
    seen = 0
    for seq, update in await store.updates_after(ROOM, 0):
        if seq <= 20:
            reader.receive(update)
            seen = seq
    assert await store.compact(ROOM) > 0
    # Compacted updates carry the number of the last update they fold in: some come back
    # again, and applying them twice changes nothing.
    for _seq, update in await store.updates_after(ROOM, seen):
        reader.receive(update)
    assert str(reader.text) == str(peer.text)


async def test_stores_sharing_storage_number_a_room_s_updates_without_gaps(
    open_sql_store: Opener,
) -> None:
    stores = [open_sql_store(), open_sql_store(), open_sql_store()]
    peers = [Peer() for _ in stores]

    async def typing(index: int) -> list[int]:
        return [
            await stores[index].append(
                ROOM, peers[index].type(f"<{index}:{i}>"), user_id=f"u{index}", timestamp_ms=i
            )
            for i in range(30)
        ]

    numbers = await asyncio.gather(*(typing(index) for index in range(len(stores))))
    assert sorted(n for batch in numbers for n in batch) == list(range(1, 91))
    for batch in numbers:
        assert batch == sorted(batch)
    text = await document_text(stores[0], ROOM)
    for index in range(len(stores)):
        for i in range(30):
            assert f"<{index}:{i}>" in text


async def test_two_processes_compacting_one_room_at_once_lose_nothing(
    open_sql_store: Opener,
) -> None:
    first, second = open_sql_store(), open_sql_store()
    peer, at_history = await edit_session(first, old_ms(), 120)

    async def keep_typing() -> None:
        for i in range(30):
            now = int(time.time() * 1000)
            await second.append(ROOM, peer.type(f"[{i}]"), user_id="u", timestamp_ms=now)
            await asyncio.sleep(0)

    folded = await asyncio.gather(first.compact(ROOM), second.compact(ROOM), keep_typing())
    assert folded[0] + folded[1] > 0
    await assert_states(first, peer, at_history)
    await assert_states(second, peer, at_history)
