"""A hostile client's toolkit: Yjs v1 updates written byte by byte, so that a test can send what
no well-behaved editor would (wrapped clocks, gaps, dangling origins, foreign roots, embeds)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


def varuint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varstring(text: str) -> bytes:
    raw = text.encode()
    return varuint(len(raw)) + raw


ID = tuple[int, int]


@dataclass(frozen=True)
class Item:
    """One struct: text (``content_ref`` 4) unless another reference and payload are given."""

    text: str = "x"
    origin: ID | None = None
    right: ID | None = None
    root: str | None = "content"
    content_ref: int = 4
    payload: bytes | None = None
    parent_sub: str | None = None

    def encode(self) -> bytes:
        info = self.content_ref
        if self.origin:
            info |= 0x80
        if self.right:
            info |= 0x40
        if self.parent_sub is not None:
            info |= 0x20
        out = bytearray([info])
        if self.origin:
            out += varuint(self.origin[0]) + varuint(self.origin[1])
        if self.right:
            out += varuint(self.right[0]) + varuint(self.right[1])
        if not self.origin and not self.right:
            out += varuint(1) + varstring(self.root or "")
            if self.parent_sub is not None:
                out += varstring(self.parent_sub)
        out += self.payload if self.payload is not None else varstring(self.text)
        return bytes(out)


def embed(value: object, **where: object) -> Item:
    """An embedded object in the text (``Y.Text.insertEmbed``)."""
    return Item(content_ref=5, payload=varstring(json.dumps(value)), **where)  # type: ignore[arg-type]


def formatting(key: str, value: object, **where: object) -> Item:
    return Item(content_ref=6, payload=varstring(key) + varstring(json.dumps(value)), **where)  # type: ignore[arg-type]


@dataclass
class Update:
    """Runs of structs per client from a start clock, and a delete set."""

    runs: list[tuple[int, int, list[Item]]] = field(default_factory=list)
    deletes: list[tuple[int, list[tuple[int, int]]]] = field(default_factory=list)

    def encode(self) -> bytes:
        out = bytearray(varuint(len(self.runs)))
        for client, clock, items in self.runs:
            out += varuint(len(items)) + varuint(client) + varuint(clock)
            for item in items:
                out += item.encode()
        out += varuint(len(self.deletes))
        for client, ranges in self.deletes:
            out += varuint(client) + varuint(len(ranges))
            for clock, length in ranges:
                out += varuint(clock) + varuint(length)
        return bytes(out)


def first_client(update: bytes) -> int:
    """The client id of an update's first run, as any member reads it off a relayed update."""
    position = 0

    def read() -> int:
        nonlocal position
        value, shift = 0, 0
        while True:
            byte = update[position]
            position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    read()  # number of runs
    read()  # structs in the first run
    return read()


def wrapping_clock(client: int, origin: ID, text: str = "xy") -> bytes:
    """The yrs 0.28 panic: an item of an existing client whose clock + length wraps a u32."""
    return Update([(client, 2**32 - len(text), [Item(text, origin=origin)])]).encode()
