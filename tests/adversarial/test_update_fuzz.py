"""A bounded Yjs update fuzzer against the documents layer: mutations of real updates and
generated structures (clocks near the limits, deletes before their items, embeds, foreign roots).
Every update is either refused with InvalidUpdate and changes nothing, or accepted, and then the
persisted log replays to the live text, a fresh document from the live one's encoding (what a
joining member gets) holds that text too, and compaction keeps it. Reverts come in between, and
the clocks the documents layer keeps for its checks stay the document's own throughout.

``PEERPREP_FUZZ_CASES`` raises the case count for a longer run by hand (the default keeps CI
quick); ``PEERPREP_FUZZ_SEED`` replays one run."""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

from pycrdt import Doc, Text

from documents.docstore import load_document
from documents.leveldb_docstore import LevelDbDocStore
from documents.room_documents import Documents, InvalidUpdate, now_ms
from documents.update_guard import decode_state_vector
from tests.adversarial.forge import Item, Update, embed, formatting

CASES = int(os.environ.get("PEERPREP_FUZZ_CASES", "600"))
SEED = int(os.environ.get("PEERPREP_FUZZ_SEED", str(random.SystemRandom().randrange(2**32))))
CLOCKS = (0, 1, 2, 3, 7, 2**16, 2**31 - 2, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1, 2**32, 2**53)


def _mutate(rng: random.Random, update: bytes) -> bytes:
    data = bytearray(update)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(5)
        position = rng.randrange(len(data)) if data else 0
        if choice == 0 and data:
            data[position] ^= 1 << rng.randrange(8)
        elif choice == 1 and data:
            data[position] = rng.choice((0x00, 0x7F, 0x80, 0xFF, rng.randrange(256)))
        elif choice == 2:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
        elif choice == 3 and len(data) > 1:
            del data[position : position + rng.randint(1, 4)]
        else:
            data[position:position] = b"\xff\xff\xff\xff\x0f"
    return bytes(data)


def _generated(rng: random.Random, clients: list[int], clock_of: dict[int, int]) -> bytes:
    def some_id() -> tuple[int, int]:
        client = rng.choice([*clients, rng.randrange(2**32)])
        clock = rng.choice([*CLOCKS, max(clock_of.get(client, 0) - 1, 0)])
        return client, clock

    items: list[Item] = []
    for _ in range(rng.randint(1, 5)):
        where = rng.choice(
            [
                {"origin": some_id()},
                {"right": some_id()},
                {"origin": some_id(), "right": some_id()},
                {},
            ]
        )
        kind = rng.randrange(6)
        if kind == 0:
            items.append(embed({"x": rng.random()}, **where))
        elif kind == 1:
            items.append(formatting("bold", True, **where))
        elif kind == 2:
            items.append(Item("z", root=rng.choice(["content", "other", ""]), **where))  # type: ignore[arg-type]
        else:
            items.append(Item(rng.choice(["a", "é", "😀", "\n", "ab" * 20]), **where))  # type: ignore[arg-type]
    client = rng.choice([*clients, rng.randrange(2**32)])
    start = rng.choice([clock_of.get(client, 0), *CLOCKS])
    deletes = [(rng.choice(clients), [(rng.choice(CLOCKS), rng.choice((1, 2, 2**31)))])]
    return Update([(client, start, items)], deletes if rng.random() < 0.3 else []).encode()


async def test_fuzzed_updates_are_refused_cleanly_or_stored_so_they_replay(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    store = LevelDbDocStore(tmp_path / "docs", min_age_ms=0)
    documents = Documents(store, max_document_bytes=64 * 1024)
    await documents.start()
    room = "fuzzed"
    authors: list[Doc[Text]] = [Doc(client_id=rng.randrange(2**32)) for _ in range(2)]
    texts = [doc.get("content", type=Text) for doc in authors]
    seen: list[bytes] = []
    stamps: list[int] = []
    accepted = refused = 0
    try:
        for case in range(CASES):
            who = rng.randrange(2)
            doc, text = authors[who], texts[who]
            doc.apply_update(await documents.state(room))
            before = doc.get_state()
            current = str(text)
            if current and rng.random() < 0.3:
                # pycrdt indexes the text by UTF-8 bytes.
                start = rng.randrange(len(current))
                end = min(start + rng.randint(1, 5), len(current))
                del text[len(current[:start].encode()) : len(current[:end].encode())]
            text.insert(len(text), rng.choice(["x", "yz\n", "é", "😀", "def f():\n"]))
            honest = doc.get_update(before)
            await documents.apply(room, f"u{who}", honest)
            seen.append(honest)
            _assert_clocks_are_the_documents(documents, room, case)
            if case % 25 == 24:
                stamps.append(now_ms())
                await asyncio.sleep(0.002)
                await documents.revert(room, f"u{who}", rng.choice(stamps))
                _assert_clocks_are_the_documents(documents, room, case)
                continue
            clients = [a.client_id for a in authors]
            clock_of = decode_state_vector(doc.get_state())
            hostile = (
                _mutate(rng, rng.choice(seen))
                if rng.random() < 0.6
                else _generated(rng, clients, clock_of)
            )
            stored_before = len(await store.updates(room))
            try:
                await documents.apply(room, "mallory", hostile)
            except InvalidUpdate:
                refused += 1
                assert len(await store.updates(room)) == stored_before, (SEED, case)
                _assert_clocks_are_the_documents(documents, room, case)
                continue
            accepted += 1
            _assert_clocks_are_the_documents(documents, room, case)
            live = await documents.text(room)
            _doc, replayed = load_document(await store.updates(room))
            assert str(replayed) == live, (SEED, case, hostile.hex())
            # What a joining member and every reload see: the live document's own encoding.
            _doc, fresh = load_document([await documents.state(room)])
            assert str(fresh) == live, (SEED, case, hostile.hex())
        await store.compact(room)
        _doc, compacted = load_document(await store.updates(room))
        assert str(compacted) == await documents.text(room), SEED
        assert refused > CASES // 2, (SEED, accepted, refused)
    finally:
        await documents.stop()
        await store.close()


def _assert_clocks_are_the_documents(documents: Documents, room: str, case: int) -> None:
    # Updates are checked against the clocks the layer keeps, not the document's own: a stale
    # clock would let through an update yrs cannot integrate, or refuse an honest one.
    loaded = documents._rooms.get(room)
    if loaded is not None and loaded.clocks is not None:
        assert loaded.clocks == decode_state_vector(loaded.doc.get_state()), (SEED, case)
