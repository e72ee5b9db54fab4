"""A room's text as UTF-8 bytes that a keystroke can edit, and find its line and column in, at a
cost bounded by a chunk of the text rather than by the whole text.

The history needs a line and a column for every edit. Counting the newlines before a keystroke
at the end of a 256 KiB text costs ~300-500 µs, and rebuilding the bytes after it a copy of the
whole text: together more than the rest of a keystroke's path. Here the bytes sit in chunks of at
most :data:`MAX_CHUNK` bytes, each knowing its newline count, so a position is found by summing
a few dozen counts and scanning one chunk, and an edit moves the bytes of one chunk.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any

# A chunk that grows past MAX_CHUNK is split into pieces of CHUNK; one that shrinks under
# MIN_CHUNK joins a neighbour. At the default 256 KiB document cap that is 32-256 chunks.
CHUNK = 4096
MAX_CHUNK = 2 * CHUNK
MIN_CHUNK = CHUNK // 4


def decode(data: bytes | bytearray) -> str:
    # A JS peer counts UTF-16 units and may cut inside a character; a history line must never
    # fail an edit over that.
    return data.decode("utf-8", errors="replace")


class TextBuffer:
    """UTF-8 text in chunks, edited in place at byte offsets (pycrdt's offsets are bytes)."""

    __slots__ = ("_chunks", "_newlines", "_size")

    def __init__(self, data: str | bytes = b"") -> None:
        raw = data.encode() if isinstance(data, str) else data
        self._chunks: list[bytearray] = [
            bytearray(raw[start : start + CHUNK]) for start in range(0, len(raw), CHUNK)
        ] or [bytearray()]
        self._newlines = [chunk.count(b"\n") for chunk in self._chunks]
        self._size = len(raw)

    def __len__(self) -> int:
        return self._size

    def __bytes__(self) -> bytes:
        return b"".join(self._chunks)

    def __str__(self) -> str:
        return decode(bytes(self))

    def _locate(self, offset: int) -> tuple[int, int, int]:
        """The chunk holding byte ``offset`` (clamped to the text), the offset within it, and
        the newlines in the chunks before it. The end of the text is in the last chunk."""
        offset = min(max(offset, 0), self._size)
        # Sums and searches in C: a keystroke must not pay a Python loop over every chunk.
        ends = list(accumulate(map(len, self._chunks)))
        index = min(bisect_right(ends, offset), len(ends) - 1)
        start = ends[index] - len(self._chunks[index])
        return index, offset - start, sum(self._newlines[:index])

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column (in characters) of byte ``offset``."""
        index, within, before = self._locate(offset)
        chunk = self._chunks[index]
        line = 1 + before + chunk.count(b"\n", 0, within)
        start = chunk.rfind(b"\n", 0, within)
        if start >= 0:
            return line, 1 + len(decode(chunk[start + 1 : within]))
        # The line began in an earlier chunk: gather it back to its newline.
        parts = [bytes(chunk[:within])]
        for earlier in range(index - 1, -1, -1):
            previous = self._chunks[earlier]
            if self._newlines[earlier]:
                parts.append(bytes(previous[previous.rfind(b"\n") + 1 :]))
                break
            parts.append(bytes(previous))
        return line, 1 + len(decode(b"".join(reversed(parts))))

    def slice(self, start: int, end: int) -> bytes:
        """The bytes from ``start`` to ``end`` (clamped to the text)."""
        if end <= start:
            return b""
        index, within, _ = self._locate(start)
        wanted = min(end, self._size) - min(max(start, 0), self._size)
        parts: list[bytes] = []
        while wanted > 0 and index < len(self._chunks):
            part = bytes(self._chunks[index][within : within + wanted])
            parts.append(part)
            wanted -= len(part)
            index, within = index + 1, 0
        return b"".join(parts)

    def insert(self, offset: int, data: bytes) -> None:
        if not data:
            return
        index, within, _ = self._locate(offset)
        chunk = self._chunks[index]
        chunk[within:within] = data
        self._newlines[index] += data.count(b"\n")
        self._size += len(data)
        self._split(index)

    def delete(self, offset: int, length: int) -> None:
        index, within, _ = self._locate(offset)
        length = min(max(length, 0), self._size - min(max(offset, 0), self._size))
        self._size -= length
        while length > 0:
            chunk = self._chunks[index]
            taken = min(length, len(chunk) - within)
            self._newlines[index] -= chunk.count(b"\n", within, within + taken)
            del chunk[within : within + taken]
            length -= taken
            if len(chunk) < MIN_CHUNK and len(self._chunks) > 1:
                self._join(index)
                # The joined chunk, or the next one, now holds the rest from ``offset`` on.
                index, within, _ = self._locate(offset)
            else:
                index, within = index + 1, 0

    def _join(self, index: int) -> None:
        """Merge the small chunk at ``index`` into a neighbour (the next one if there is one)."""
        other = index + 1 if index + 1 < len(self._chunks) else index - 1
        first, second = sorted((index, other))
        self._chunks[first] += self._chunks[second]
        self._newlines[first] += self._newlines[second]
        del self._chunks[second], self._newlines[second]
        self._split(first)

    def _split(self, index: int) -> None:
        """Cut the chunk at ``index`` into pieces of :data:`CHUNK` bytes if it outgrew
        :data:`MAX_CHUNK`."""
        chunk = self._chunks[index]
        if len(chunk) > MAX_CHUNK:
            pieces = [chunk[start : start + CHUNK] for start in range(0, len(chunk), CHUNK)]
            self._chunks[index : index + 1] = pieces
            self._newlines[index : index + 1] = [piece.count(b"\n") for piece in pieces]

    def apply(self, delta: list[dict[str, Any]]) -> bool:
        """Apply a pycrdt ``TextEvent.delta`` (byte counts); say whether the text is now the
        document's own (False when it inserted an embed, which is not text and is skipped)."""
        index = 0
        exact = True
        for op in delta:
            if "retain" in op:
                index += op["retain"]
            elif "delete" in op:
                self.delete(index, op["delete"])
            elif isinstance(op.get("insert"), str):
                data = op["insert"].encode()
                self.insert(index, data)
                index += len(data)
            elif "insert" in op:
                exact = False
        return exact
