"""The document store: where each room's Yjs updates and edit history live.

An interface (no I/O) with two implementations: ``documents.leveldb_docstore`` (one process
owns a directory; the default) and ``documents.sql_docstore`` (the application database, shared
by every web process). The web tier persists every update through :meth:`DocStore.append`
before relaying it, and rebuilds a room's document, or its past state for a revert, from
:meth:`DocStore.updates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from pycrdt import Doc, Text

# The shared text's name in every room's document (the frontend's `ydoc.getText("content")`).
TEXT_NAME = "content"


def load_document(updates: list[bytes]) -> tuple[Doc[Text], Text]:
    """A fresh document with ``updates`` applied, and its shared text."""
    doc: Doc[Text] = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    for update in updates:
        doc.apply_update(update)
    return doc, text


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One burst of edits by one user, as shown in the room's history.

    ``changes`` holds ``{"type": "insert" | "delete", "line": int, "col": int, "snippet": str}``
    dicts (see ``documents.text_changes``); ``timestamp_ms`` is the timestamp of the burst's last
    update, so ``DocStore.updates(room, until_ms=timestamp_ms)`` is the text right after it.
    """

    user_id: str
    timestamp_ms: int
    changes: list[dict[str, Any]]

    def to_wire(self) -> dict[str, Any]:
        """The JSON shape sent to clients (and stored): ``userId``, ``timestamp``, ``changes``."""
        return {"userId": self.user_id, "timestamp": self.timestamp_ms, "changes": self.changes}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> HistoryRecord:
        """The inverse of :meth:`to_wire`."""
        return cls(
            user_id=str(data["userId"]),
            timestamp_ms=int(data["timestamp"]),
            changes=list(data["changes"]),
        )


class DocStore(Protocol):
    """Durable, append-only storage of rooms' Yjs updates and history records."""

    # Whether other processes append to the same rooms, so a loaded document must catch up
    # (``updates_after``) before it is read.
    shared: ClassVar[bool]

    async def append(self, room_id: str, update: bytes, *, user_id: str, timestamp_ms: int) -> int:
        """Store one update durably (fsync'd when this returns); return its sequence number.

        Sequence numbers count 1, 2, ... per room and never repeat, also across restarts.
        """
        ...

    async def updates(self, room_id: str, *, until_ms: int | None = None) -> list[bytes]:
        """Every stored update (raw or compacted) in order.

        With ``until_ms``, only those whose timestamp is ``<= until_ms``: applying them to a fresh
        ``pycrdt.Doc`` gives the document as it was at ``until_ms``, for every ``until_ms`` that
        is the timestamp of a stored history record.
        """
        ...

    async def updates_after(self, room_id: str, seq: int) -> list[tuple[int, bytes]]:
        """``(seq, update)`` of every stored update numbered above ``seq``, in sequence order.

        A compacted update carries the number of the last update it folds in, so a reader that
        had applied some of those gets some of them again: applying a Yjs update twice is a no-op.
        """
        ...

    async def add_history(self, room_id: str, record: HistoryRecord) -> None:
        """Store one history record."""
        ...

    async def history(self, room_id: str, limit: int) -> list[HistoryRecord]:
        """The ``limit`` newest history records, newest first."""
        ...

    async def compact(self, room_id: str) -> int:
        """Fold runs of old updates into merged ones; return how many stored updates went away.

        Neither the full state nor the state at any history record's timestamp changes.
        """
        ...

    async def close(self) -> None:
        """Release the store; no other method may be called afterwards."""
        ...


# History records read at most to find who edited a room (a long session has a few thousand).
MAX_HISTORY_READ = 1_000_000


async def document_text(store: DocStore, room_id: str) -> str:
    """The room's text as stored now (for readers outside the web tier, such as the worker)."""
    _doc, text = load_document(await store.updates(room_id))
    return str(text)


class DocumentReader(Protocol):
    """What the end of a session reads of its room's document."""

    async def close(self, room_id: str) -> str:
        """The final text; the room takes no more edits where this reader can stop them."""
        ...

    async def authors(self, room_id: str) -> set[str]:
        """The ids of the users who changed the text."""
        ...


class StoredDocuments:
    """:class:`DocumentReader` straight from a store, for a worker without the web tier's
    documents (it sees what the web processes have stored)."""

    def __init__(self, store: DocStore) -> None:
        self.store = store

    async def close(self, room_id: str) -> str:
        # The web processes refuse edits once the room's end reaches them.
        return await document_text(self.store, room_id)

    async def authors(self, room_id: str) -> set[str]:
        records = await self.store.history(room_id, MAX_HISTORY_READ)
        return {record.user_id for record in records}
