"""What a client's Yjs update may contain before it comes near a room's live document.

yrs (the Rust core of pycrdt) trusts the structure of the updates it integrates. Found with
pycrdt 0.14.13 / yrs 0.28.0: an update of one string item whose client is already in the document
and whose start clock is near 2**32 (so that clock + length wraps a u32) panics in
``block_store.rs`` (an ``unwrap()`` on ``None``). The panic surfaces as pyo3's ``PanicException``,
a ``BaseException`` that no ``except Exception`` catches, and it leaves the document half-updated:
later reads returned freed heap, an empty text, or crashed the process. Reproduction, with
``a`` a document holding "hello world " typed by client ``c``::

    update = [1, 1, varuint(c), varuint(2**32 - 2), 0x84, varuint(c), 3, 2, b"xy", 0]
    Doc().apply_update(a.get_update()); doc.apply_update(bytes(update))  # panics

Clocks are decoded by yrs as u32 and silently truncated above that, too.

So every update is decoded here first (the Yjs v1 encoding, the one the frontend sends) and
refused unless it integrates at once and in full: each client's new structs start at or below
what the document already has of that client, every reference (left and right origin, deleted
range) points at something the document or the update itself holds, clocks stay far below u32's
end, and the only content is text in the shared ``content`` Y.Text. Nothing is left pending inside
yrs, which is also where the worst of its costs lie. The structural limits bound what one update
may ask of the event loop; a real editor stays far below them (see ``docs/limits.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from documents.docstore import TEXT_NAME
from documents.item_order import Struct

# Far below u32's end, far above any real document's clock.
MAX_CLOCK = 2**31 - 1
# Yjs client ids are random uint32 values in the browser; JS numbers stay exact to 2**53.
MAX_CLIENT = 2**53 - 1

# Content references of the Yjs v1 encoding (yjs/src/utils/UpdateEncoder.js, structs/Item.js).
_GC = 0
_DELETED = 1
_STRING = 4
_SKIP = 10
_NAMES = {
    2: "JSON content",
    3: "binary content",
    5: "an embedded object",
    6: "text formatting",
    7: "a nested shared type",
    8: "arbitrary values",
    9: "a subdocument",
}
_HAS_ORIGIN = 0x80
_HAS_RIGHT_ORIGIN = 0x40
_HAS_PARENT_SUB = 0x20
_CONTENT_MASK = 0x1F


class RejectedUpdate(ValueError):
    """The update is not one this server integrates; the message says why, for the sender."""


class MissingEdits(RejectedUpdate):
    """The update builds on edits the document does not hold (yet: another process may)."""

    def __init__(self, what: str = "depends on") -> None:
        super().__init__(f"the update {what} edits the room does not have")


@dataclass(frozen=True, slots=True)
class UpdateLimits:
    """What one update may hold at most."""

    max_bytes: int = 1024 * 1024
    # New structs (items and GC runs) in one update. Typing sends one; an undo of a large
    # change or a reconnect's catch-up sends one per piece it restores.
    max_structs: int = 1_000
    # Clients with new structs in one update. A browser tab is one client; a reconnect's
    # catch-up names only its own.
    max_clients: int = 4
    # Deleted ranges in one update (a select-all delete names one per run of items).
    max_deletes: int = 20_000
    # Clock units of concurrent items one update's items may be placed among (item_order): an
    # honest editor meets a few; a partner typing for an hour in one place while one was offline,
    # some thousands.
    max_concurrent: int = 8_192


@dataclass(frozen=True, slots=True)
class UpdateShape:
    """What an accepted update adds: the UTF-8 bytes of its new text and the two-unit characters
    in it."""

    inserted_bytes: int
    pairs: PairClocks
    # Whether some of it is already in the document: then only the rest is applied (yrs cut the
    # known part of a struct differently in a long-lived document than in a fresh one).
    overlaps: bool
    # Its structs, in the update's order, for the room's item order to check and place.
    structs: tuple[Struct, ...] = ()
    # Per client it adds to, the next clock the document expects once it is applied.
    ends: dict[int, int] = field(default_factory=dict)


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise RejectedUpdate("the update is truncated")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varuint(self, limit: int) -> int:
        # Most numbers of a keystroke's update fit one byte: read those without the loop.
        pos = self.pos
        if pos < len(self.data) and (first := self.data[pos]) < 0x80:
            if first > limit:
                raise RejectedUpdate("the update holds a number out of range")
            self.pos = pos + 1
            return first
        value = 0
        shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if value > limit:
                raise RejectedUpdate("the update holds a number out of range")
            if byte < 0x80:
                return value
            shift += 7

    def string(self) -> str:
        return self.sized_string()[0]

    def sized_string(self) -> tuple[str, int]:
        """A string and its size in UTF-8 bytes."""
        size = self.varuint(len(self.data))
        end = self.pos + size
        if end > len(self.data):
            raise RejectedUpdate("the update is truncated")
        raw = self.data[self.pos : end]
        self.pos = end
        try:
            return raw.decode("utf-8"), size
        except UnicodeDecodeError:
            raise RejectedUpdate("the update holds text that is not UTF-8") from None


def decode_state_vector(encoded: bytes) -> dict[int, int]:
    """A state vector (``Doc.get_state()``) as client -> the next clock the document expects."""
    reader = _Reader(encoded)
    state: dict[int, int] = {}
    for _ in range(reader.varuint(len(encoded))):
        client = reader.varuint(2**64)
        state[client] = reader.varuint(2**64)
    return state


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Per client, the clocks that fall inside a character of two UTF-16 units (an emoji, say): no
# split may come before one. Yjs in the browser mends such a split; yrs 0.28 does not and
# corrupts its document (a delete at the second half removed the next character; an item whose
# right origin was the second half was placed elsewhere than the browsers place it; a delete
# at the first half made the document's own encoding drop most of its items).
PairClocks = dict[int, set[int]]


def _utf16_length(text: str) -> int:
    # Yjs counts a string's clock in UTF-16 code units (JavaScript's string length).
    return len(text) + len(_ASTRAL.findall(text))


def _pair_clocks(text: str, clock: int) -> list[int]:
    """The clocks of the second halves of ``text``'s two-unit characters, ``text`` at ``clock``."""
    return [clock + match.start() + index + 1 for index, match in enumerate(_ASTRAL.finditer(text))]


@dataclass(slots=True)
class _Decoded:
    structs: int = 0
    inserted_bytes: int = 0
    skips: int = 0
    # (client, start, end) of each client's new structs
    runs: list[tuple[int, int, int]] = field(default_factory=list)
    pairs: PairClocks = field(default_factory=dict)
    deletes: list[tuple[int, int, int]] = field(default_factory=list)
    placed: list[Struct] = field(default_factory=list)


def _decode(update: bytes, limits: UpdateLimits) -> _Decoded:
    reader = _Reader(update)
    decoded = _Decoded()
    clients = reader.varuint(len(update))
    if clients > limits.max_clients:
        raise RejectedUpdate(f"an update may carry edits of at most {limits.max_clients} clients")
    for _ in range(clients):
        count = reader.varuint(len(update))
        client = reader.varuint(MAX_CLIENT)
        clock = start = reader.varuint(MAX_CLOCK)
        decoded.structs += count
        if decoded.structs > limits.max_structs:
            raise RejectedUpdate(f"an update may hold at most {limits.max_structs} new items")
        for _ in range(count):
            length = _read_struct(reader, decoded, client, clock)
            clock += length
            if clock > MAX_CLOCK:
                raise RejectedUpdate("the update holds a number out of range")
        decoded.runs.append((client, start, clock))

    ranges_total = 0
    for _ in range(reader.varuint(len(update))):
        client = reader.varuint(MAX_CLIENT)
        ranges = reader.varuint(len(update))
        ranges_total += ranges
        if ranges_total > limits.max_deletes:
            raise RejectedUpdate(f"an update may delete at most {limits.max_deletes} ranges")
        for _ in range(ranges):
            clock = reader.varuint(MAX_CLOCK)
            decoded.deletes.append((client, clock, reader.varuint(MAX_CLOCK)))
    if reader.pos != len(update):
        raise RejectedUpdate("the update has trailing bytes")
    return decoded


def _read_struct(reader: _Reader, decoded: _Decoded, client: int, clock: int) -> int:
    """Read one struct at ``clock`` into ``decoded``; return its clock length."""
    info = reader.byte()
    content = info & _CONTENT_MASK
    if content in (_GC, _SKIP):
        decoded.skips += content == _SKIP
        length = _positive(reader.varuint(MAX_CLOCK))
        if content == _GC:
            decoded.placed.append(Struct(client, clock, length, listed=False))
        return length
    origin = right = None
    if info & _HAS_ORIGIN:
        origin = reader.varuint(MAX_CLIENT), reader.varuint(MAX_CLOCK)
    if info & _HAS_RIGHT_ORIGIN:
        right = reader.varuint(MAX_CLIENT), reader.varuint(MAX_CLOCK)
    length = _read_content(reader, decoded, info, client, clock)
    decoded.placed.append(Struct(client, clock, length, origin, right))
    return length


def _read_content(reader: _Reader, decoded: _Decoded, info: int, client: int, clock: int) -> int:
    content = info & _CONTENT_MASK
    if not info & (_HAS_ORIGIN | _HAS_RIGHT_ORIGIN):
        if reader.varuint(1) != 1 or reader.string() != TEXT_NAME:
            raise RejectedUpdate(f"only the shared text {TEXT_NAME!r} may be edited")
        if info & _HAS_PARENT_SUB:
            raise RejectedUpdate(f"only the shared text {TEXT_NAME!r} may be edited")
    if content == _DELETED:
        return _positive(reader.varuint(MAX_CLOCK))
    if content == _STRING:
        text, size = reader.sized_string()
        decoded.inserted_bytes += size
        pairs = _pair_clocks(text, clock)
        if pairs:
            decoded.pairs.setdefault(client, set()).update(pairs)
        return _positive(_utf16_length(text))
    what = _NAMES.get(content, "unknown content")
    raise RejectedUpdate(f"the shared text may hold only text, not {what}")


def _positive(length: int) -> int:
    if length <= 0:
        raise RejectedUpdate("the update holds an empty item")
    return length


def inspect_update(
    update: bytes,
    state: dict[int, int],
    limits: UpdateLimits | None = None,
    pairs: PairClocks | None = None,
) -> UpdateShape:
    """Decode ``update`` against a document whose state vector is ``state`` and whose text has
    two-unit characters at ``pairs``; raise :class:`RejectedUpdate` unless it integrates fully
    and at once within ``limits``, splitting no character."""
    limits = limits or UpdateLimits()
    if len(update) > limits.max_bytes:
        raise RejectedUpdate(f"an update may be at most {limits.max_bytes} bytes")
    decoded = _decode(update, limits)
    if decoded.skips:
        raise MissingEdits()
    # Only the update's own clients move ahead: a keystroke must not copy the whole vector.
    ends: dict[int, int] = {}
    for client, start, end in decoded.runs:
        known_end = state.get(client, 0)
        if start > known_end:
            raise MissingEdits()
        ends[client] = max(ends.get(client, known_end), end)

    def after(client: int) -> int:
        return ends[client] if client in ends else state.get(client, 0)

    known = pairs or {}

    def splits_a_character(client: int, boundary: int) -> bool:
        return boundary in known.get(client, ()) or boundary in decoded.pairs.get(client, ())

    for client, start, end in decoded.runs:
        # yrs keeps only the part of a run the document lacks, cutting it at the state.
        if start < state.get(client, 0) < end and splits_a_character(client, state[client]):
            raise RejectedUpdate("the update splits a character in two")
    for struct in decoded.placed:
        # A left origin splits after its item, a right origin before it.
        for reference, boundary in ((struct.origin, 1), (struct.right, 0)):
            if reference is None:
                continue
            client, clock = reference
            if clock >= after(client):
                raise MissingEdits()
            if splits_a_character(client, clock + boundary):
                raise RejectedUpdate("the update splits a character in two")
    for client, clock, length in decoded.deletes:
        if clock + length > after(client):
            raise MissingEdits("deletes")
        if splits_a_character(client, clock) or splits_a_character(client, clock + length):
            raise RejectedUpdate("the update splits a character in two")
    return UpdateShape(
        inserted_bytes=decoded.inserted_bytes,
        pairs=decoded.pairs,
        overlaps=any(start < state.get(client, 0) for client, start, _end in decoded.runs),
        structs=tuple(decoded.placed),
        ends=ends,
    )


def learn_stored(update: bytes, pairs: PairClocks) -> list[Struct]:
    """Add the two-unit characters of a stored (already accepted) update to ``pairs``; return
    its structs, for the room's item order."""
    try:
        decoded = _decode(update, _UNBOUNDED)
    except RejectedUpdate:
        # Written before these rules, or not by a client: its characters cannot be told apart.
        return []
    for client, clocks in decoded.pairs.items():
        pairs.setdefault(client, set()).update(clocks)
    return decoded.placed


_UNBOUNDED = UpdateLimits(
    max_bytes=2**62, max_structs=2**62, max_clients=2**62, max_deletes=2**62, max_concurrent=2**62
)
