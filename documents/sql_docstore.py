"""The document store in the application database (SQLite or PostgreSQL), via SQLAlchemy.

For several web processes: they all append to the same rooms, each update exactly once, in one
transaction that also bumps the room's counter in ``doc_heads``; that row lock orders a room's
writers, so sequence numbers count 1, 2, ... per room. A process that sees a gap in the numbers it
gets back knows another process wrote in between and catches up with :meth:`updates_after`.

Why PostgreSQL rather than Redis for this: it already holds the rest of a room (members, chat,
attempts), a committed transaction is on disk, and compaction is one transaction. Redis stays what
it is best at here, the Socket.IO fan-out between processes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from documents import compaction_worker
from documents.compaction import Fold, StoredUpdate
from documents.docstore import HistoryRecord
from storage.database import Database
from storage.models import DocHead, DocHistoryRecord, DocUpdate

MAX_ROOM_ID_CHARS = 64
DEFAULT_MIN_AGE_MS = 10_000


def _check_room(room_id: str) -> None:
    if not room_id or len(room_id) > MAX_ROOM_ID_CHARS:
        raise ValueError(f"a room id must have 1 to {MAX_ROOM_ID_CHARS} characters: {room_id!r}")


class SqlDocStore:
    """:class:`documents.docstore.DocStore` on SQLAlchemy; owns its own engine.

    ``min_age_ms``: compaction leaves updates younger than this raw, because the history record
    of a typing burst is stored a little after the burst's updates and must still find them.
    """

    shared: ClassVar[bool] = True

    def __init__(self, database_url: str, *, min_age_ms: int = DEFAULT_MIN_AGE_MS) -> None:
        self._db = Database(database_url)
        self.min_age_ms = min_age_ms
        self._closed = False
        dialect = self._db.engine.dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    # Updates ----------------------------------------------------------------------------------

    async def append(self, room_id: str, update: bytes, *, user_id: str, timestamp_ms: int) -> int:
        """Store ``update`` (committed when this returns) and return its number in the room."""
        self._check_open()
        _check_room(room_id)
        bump = (
            self._insert(DocHead)
            .values(room_id=room_id, seq=1)
            .on_conflict_do_update(index_elements=[DocHead.room_id], set_={"seq": DocHead.seq + 1})
            .returning(DocHead.seq)
        )
        async with self._db.session() as session, session.begin():
            seq = (await session.execute(bump)).scalar_one()
            session.add(
                DocUpdate(
                    room_id=room_id,
                    seq=seq,
                    timestamp_ms=timestamp_ms,
                    user_id=user_id,
                    merged=False,
                    data=update,
                )
            )
        return int(seq)

    async def updates(self, room_id: str, *, until_ms: int | None = None) -> list[bytes]:
        """Every stored update in order; with ``until_ms`` only those stamped ``<= until_ms``."""
        self._check_open()
        _check_room(room_id)
        query = select(DocUpdate.data).where(DocUpdate.room_id == room_id)
        if until_ms is not None:
            query = query.where(DocUpdate.timestamp_ms <= until_ms)
        async with self._db.session() as session:
            rows = await session.scalars(query.order_by(DocUpdate.seq))
            return [bytes(data) for data in rows]

    async def updates_after(self, room_id: str, seq: int) -> list[tuple[int, bytes]]:
        """``(seq, update)`` of every stored update numbered above ``seq``, in order."""
        self._check_open()
        _check_room(room_id)
        query = (
            select(DocUpdate.seq, DocUpdate.data)
            .where(DocUpdate.room_id == room_id, DocUpdate.seq > seq)
            .order_by(DocUpdate.seq)
        )
        async with self._db.session() as session:
            return [(int(number), bytes(data)) for number, data in await session.execute(query)]

    # History ----------------------------------------------------------------------------------

    async def add_history(self, room_id: str, record: HistoryRecord) -> None:
        self._check_open()
        _check_room(room_id)

        async with self._db.session() as session, session.begin():
            session.add(
                DocHistoryRecord(
                    room_id=room_id, timestamp_ms=record.timestamp_ms, record=record.to_wire()
                )
            )

    async def history(self, room_id: str, limit: int) -> list[HistoryRecord]:
        """The ``limit`` newest history records, newest first."""
        self._check_open()
        _check_room(room_id)
        if limit <= 0:
            return []
        query = (
            select(DocHistoryRecord.record)
            .where(DocHistoryRecord.room_id == room_id)
            .order_by(DocHistoryRecord.timestamp_ms.desc(), DocHistoryRecord.id.desc())
            .limit(limit)
        )
        async with self._db.session() as session:
            return [HistoryRecord.from_wire(record) for record in await session.scalars(query)]

    # Compaction -------------------------------------------------------------------------------

    async def compact(self, room_id: str) -> int:
        """Merge runs of old updates between history timestamps; return how many rows went away.

        Plans from a read, merges in the compaction thread, then writes every fold in one
        transaction holding the room's head row, after checking that the fold's rows are all
        still there and that no history record stored meanwhile splits it (another process may
        compact or write the same room at the same time).
        """
        self._check_open()
        _check_room(room_id)
        cutoff_ms = time.time_ns() // 1_000_000 - self.min_age_ms
        async with self._db.session() as session:
            boundaries = list(
                await session.scalars(
                    select(DocHistoryRecord.timestamp_ms)
                    .where(DocHistoryRecord.room_id == room_id)
                    .distinct()
                    .order_by(DocHistoryRecord.timestamp_ms)
                )
            )
            if not boundaries:
                return 0
            rows = await session.execute(
                select(DocUpdate.seq, DocUpdate.timestamp_ms, DocUpdate.data)
                .where(DocUpdate.room_id == room_id)
                .order_by(DocUpdate.seq)
            )
            stored = [StoredUpdate(int(s), int(t), bytes(d)) for s, t, d in rows]
        folds = await compaction_worker.plan(boundaries, stored, cutoff_ms)
        if not folds:
            return 0
        async with self._db.session() as session, session.begin():
            await session.execute(
                select(DocHead.seq).where(DocHead.room_id == room_id).with_for_update()
            )
            folded = 0
            for fold in folds:
                if await self._still_foldable(session, room_id, fold):
                    await self._write_fold(session, room_id, fold)
                    folded += len(fold.seqs) - 1
            return folded

    async def _still_foldable(self, session: AsyncSession, room_id: str, fold: Fold) -> bool:
        present = await session.scalar(
            select(func.count())
            .select_from(DocUpdate)
            .where(DocUpdate.room_id == room_id, DocUpdate.seq.in_(fold.seqs))
        )
        splitting = await session.scalar(
            select(func.count())
            .select_from(DocHistoryRecord)
            .where(
                DocHistoryRecord.room_id == room_id,
                DocHistoryRecord.timestamp_ms >= fold.first_ms,
                DocHistoryRecord.timestamp_ms < fold.last_ms,
            )
        )
        return present == len(fold.seqs) and splitting == 0

    @staticmethod
    async def _write_fold(session: AsyncSession, room_id: str, fold: Fold) -> None:
        older: Sequence[int] = fold.seqs[:-1]
        await session.execute(
            delete(DocUpdate).where(DocUpdate.room_id == room_id, DocUpdate.seq.in_(older))
        )
        await session.execute(
            update(DocUpdate)
            .where(DocUpdate.room_id == room_id, DocUpdate.seq == fold.seqs[-1])
            .values(data=fold.merged, timestamp_ms=fold.last_ms, user_id="", merged=True)
        )

    # Lifecycle --------------------------------------------------------------------------------

    async def close(self) -> None:
        """Dispose of the engine (idempotent); no other method may be called afterwards."""
        if self._closed:
            return
        self._closed = True
        await self._db.dispose()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the document store is closed")
