"""The chunked text of a room: edits, positions and history changes agree with a plain string
of the same text, across chunk boundaries, splits and joins."""

from __future__ import annotations

import random
from typing import Any

import pytest

from documents.text_buffer import CHUNK, MAX_CHUNK, MIN_CHUNK, TextBuffer
from documents.text_changes import changes_from_delta, removed_lines

ALPHABET = ["a", "b", " ", "\n", "é", "😀", "\n\n", "xyz"]


def naive_position(data: bytes | bytearray, offset: int) -> tuple[int, int]:
    prefix = data[:offset].decode("utf-8", errors="replace")
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


def naive_changes(
    before: bytes, delta: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], bytearray]:
    """The history changes by their definition (a delete at its offset in ``before``, an insert
    at its offset in the text as the ops before it left it), and the text after ``delta``."""
    after = bytearray(before)
    index_before = 0
    index_after = 0
    changes: list[dict[str, Any]] = []
    for op in delta:
        if "retain" in op:
            index_before += op["retain"]
            index_after += op["retain"]
        elif "delete" in op:
            line, col = naive_position(before, index_before)
            deleted = before[index_before : index_before + op["delete"]].decode()
            changes.append({"type": "delete", "line": line, "col": col, "snippet": deleted[:120]})
            index_before += op["delete"]
            del after[index_after : index_after + op["delete"]]
        else:
            line, col = naive_position(bytes(after), index_after)
            data = op["insert"].encode()
            snippet = op["insert"][:120]
            changes.append({"type": "insert", "line": line, "col": col, "snippet": snippet})
            after[index_after:index_after] = data
            index_after += len(data)
    return changes, after


def random_text(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(pieces))


def boundaries(text: str) -> list[int]:
    """Every byte offset of ``text`` that falls between characters."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode()))
    return offsets


def random_delta(rng: random.Random, text: str) -> list[dict[str, Any]]:
    """A delta of a few ops in document order, cutting only between characters."""
    cuts = sorted(rng.sample(boundaries(text), k=min(len(text) + 1, rng.randint(1, 6))))
    delta: list[dict[str, Any]] = []
    position = 0
    for cut in cuts:
        if cut > position:
            kind = rng.choice(["retain", "delete"])
            delta.append({kind: cut - position})
            position = cut
        if rng.random() < 0.6:
            delta.append({"insert": random_text(rng, rng.choice([1, 1, 3, 40, 1500]))})
    return delta


def check_chunks(buffer: TextBuffer) -> None:
    chunks = buffer._chunks
    assert sum(map(len, chunks)) == len(buffer)
    assert buffer._newlines == [chunk.count(b"\n") for chunk in chunks]
    assert all(len(chunk) <= MAX_CHUNK for chunk in chunks)
    if len(chunks) > 1:
        assert all(chunk for chunk in chunks)


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_agree_with_a_plain_string(seed: int) -> None:
    rng = random.Random(seed)
    text = random_text(rng, rng.choice([0, 10, 3000]))
    buffer = TextBuffer(text)
    for _ in range(120):
        delta = random_delta(rng, text)
        before = text.encode()
        expected, after = naive_changes(before, delta)
        assert changes_from_delta(buffer, delta) == expected
        assert changes_from_delta(before, delta) == expected
        assert removed_lines(buffer, delta) == removed_lines(before, delta)
        assert buffer.apply(delta)
        text = after.decode()
        assert bytes(buffer) == after
        check_chunks(buffer)
        for offset in rng.sample(boundaries(text), k=min(20, len(text) + 1)):
            assert buffer.position(offset) == naive_position(after, offset)


def test_a_long_line_across_many_chunks_has_its_column_counted_from_its_start() -> None:
    text = "head\n" + "é" * (3 * CHUNK)
    buffer = TextBuffer(text)
    assert len(buffer._chunks) > 3
    end = len(text.encode())
    assert buffer.position(end) == (2, 3 * CHUNK + 1)
    assert buffer.position(5) == (2, 1)
    assert buffer.position(4) == (1, 5)


def test_deleting_down_to_nothing_and_typing_again() -> None:
    buffer = TextBuffer("x" * (10 * CHUNK))
    buffer.delete(0, 10 * CHUNK)
    assert len(buffer) == 0
    assert bytes(buffer) == b""
    assert buffer.position(0) == (1, 1)
    buffer.insert(0, b"ab\nc")
    assert buffer.position(4) == (2, 2)
    check_chunks(buffer)


def test_small_chunks_join_their_neighbours() -> None:
    buffer = TextBuffer("y" * (8 * CHUNK))
    for chunk in range(8):
        buffer.delete(chunk * (CHUNK - MIN_CHUNK), CHUNK - MIN_CHUNK + 1)
    check_chunks(buffer)
    assert all(len(chunk) >= MIN_CHUNK for chunk in buffer._chunks[:-1])


def test_offsets_past_the_end_are_clamped_as_slicing_would() -> None:
    buffer = TextBuffer("abc")
    assert buffer.slice(2, 99) == b"c"
    assert buffer.slice(5, 9) == b""
    buffer.delete(1, 99)
    assert bytes(buffer) == b"a"
    buffer.insert(99, b"z")
    assert bytes(buffer) == b"az"


def test_an_embed_makes_the_text_no_longer_the_documents_own() -> None:
    buffer = TextBuffer("ab")
    assert not buffer.apply([{"retain": 1}, {"insert": {"image": "x.png"}}])
    assert bytes(buffer) == b"ab"
