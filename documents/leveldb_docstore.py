"""The document store on LevelDB (plyvel): one directory, owned by one process.

Key layout. Every key starts with a kind byte and the room id, length-prefixed, so that one room's
prefix is never a prefix of another room's keys ("a" and "ab" are ``003a`` and ``002ab``):

    b"u" + room + b"%012d" % seq                      -> header + Yjs update
    b"h" + room + b"%015d" % timestamp_ms + tiebreak  -> history record (JSON)

where ``room = b"%03d" % len(room_utf8) + room_utf8``. Zero-padded numbers make LevelDB's byte order
the numeric order: updates iterate in sequence order, history records in timestamp order.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import struct
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import plyvel

from documents import compaction_worker
from documents.compaction import Fold, StoredUpdate
from documents.docstore import HistoryRecord

MAX_ROOM_ID_CHARS = 64
DEFAULT_MIN_AGE_MS = 10_000
# Slower than 20 writes a second, a write is synced on the event loop (see LevelDbDocStore).
INLINE_AFTER_IDLE_SECONDS = 0.05

_UPDATE = b"u"
_HISTORY = b"h"
_SEQ_DIGITS = 12
_TS_DIGITS = 15
_MAX_TIMESTAMP_MS = 10**_TS_DIGITS - 1
# kind, timestamp in ms, length of the user id that follows; then the update bytes.
_HEADER = struct.Struct(">BQH")
_RAW = 0
_MERGED = 1


class DocStoreLockedError(RuntimeError):
    """The store's directory is already open (LevelDB's LOCK file is held)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the document store at {path} is already open in another process (or another "
            "store in this one): LevelDB allows one owner per directory. Stop the other process, "
            "or give this one its own directory."
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class _Stored:
    kind: int
    timestamp_ms: int
    user_id: str
    update: bytes


def _room(room_id: str) -> bytes:
    if not room_id or len(room_id) > MAX_ROOM_ID_CHARS:
        raise ValueError(f"a room id must have 1 to {MAX_ROOM_ID_CHARS} characters: {room_id!r}")
    encoded = room_id.encode()
    return b"%03d" % len(encoded) + encoded


def _seq(seq: int) -> bytes:
    return b"%0*d" % (_SEQ_DIGITS, seq)


def _ts(timestamp_ms: int) -> bytes:
    return b"%0*d" % (_TS_DIGITS, timestamp_ms)


def _check_timestamp(timestamp_ms: int) -> None:
    if not 0 <= timestamp_ms <= _MAX_TIMESTAMP_MS:
        raise ValueError(f"a timestamp must be in 0..{_MAX_TIMESTAMP_MS} ms: {timestamp_ms}")


def _encode(kind: int, timestamp_ms: int, user_id: str, update: bytes) -> bytes:
    user = user_id.encode()
    return _HEADER.pack(kind, timestamp_ms, len(user)) + user + update


def _decode(value: bytes) -> _Stored:
    kind, timestamp_ms, user_length = _HEADER.unpack_from(value)
    start = _HEADER.size + user_length
    user_id = value[_HEADER.size : start].decode()
    return _Stored(kind=kind, timestamp_ms=timestamp_ms, user_id=user_id, update=value[start:])


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class LevelDbDocStore:
    """:class:`documents.docstore.DocStore` on a LevelDB directory.

    Appends are synced to disk in batches by one writer thread (see :meth:`_commit`): a synced
    write takes ~0.3-1 ms on these machines' disks, which the event loop spends serving sockets.
    A write that finds the store idle (nothing written for ``inline_after_idle_seconds``) is
    synced on the loop instead: waking the thread and then the loop again costs ~0.2 ms, more
    than half the sync itself, on every keystroke of a quiet room, while at such a low rate the
    loop has the time to spare. ``None`` always uses the thread.
    ``min_age_ms``: compaction leaves updates younger than this raw, because the history record
    of a typing burst is stored a little after the burst's updates and must still find them.
    """

    # One process owns the directory: nobody else appends behind this process's back.
    shared: ClassVar[bool] = False

    def __init__(
        self,
        path: Path,
        *,
        min_age_ms: int = DEFAULT_MIN_AGE_MS,
        inline_after_idle_seconds: float | None = INLINE_AFTER_IDLE_SECONDS,
    ) -> None:
        path.mkdir(parents=True, exist_ok=True)
        try:
            self._db: Any = plyvel.DB(str(path), create_if_missing=True)
        except plyvel.IOError as error:
            if "lock" in str(error).lower():
                raise DocStoreLockedError(path) from error
            raise
        self.path = path
        self.min_age_ms = min_age_ms
        self.inline_after_idle_seconds = inline_after_idle_seconds
        self._last_write_at = -math.inf
        self._next_seq: dict[str, int] = {}
        self._last_tiebreak = 0
        self._compacting = asyncio.Lock()
        self._workers: set[asyncio.Future[tuple[list[int], list[StoredUpdate]]]] = set()
        self._pending: list[tuple[bytes, bytes, asyncio.Future[None]]] = []
        # One thread syncs batches, one at a time: appends keep their order on disk.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leveldb-writer")
        self._writing: asyncio.Future[None] | None = None
        # History records queued for the writer: key -> (encoded room, timestamp).
        self._unwritten_history: dict[bytes, tuple[bytes, int]] = {}
        self._closed = False

    # Updates ----------------------------------------------------------------------------------

    async def append(self, room_id: str, update: bytes, *, user_id: str, timestamp_ms: int) -> int:
        """Store ``update`` durably and return its sequence number in the room (1, 2, ...)."""
        self._check_open()
        _check_timestamp(timestamp_ms)
        prefix = _UPDATE + _room(room_id)
        value = _encode(_RAW, timestamp_ms, user_id, update)
        seq = self._next_seq.get(room_id)
        if seq is None:
            seq = self._last_seq(prefix) + 1
        # No await from reading the counter to bumping it: concurrent appends get distinct numbers.
        self._next_seq[room_id] = seq + 1
        await self._write(prefix + _seq(seq), value)
        return seq

    async def _write(self, key: bytes, value: bytes) -> None:
        """Put one key, synced: at once when the store is quiet, else in the next batch of the
        writer thread. Returns once it is on disk."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        idle_for = self.inline_after_idle_seconds
        quiet = idle_for is not None and now - self._last_write_at >= idle_for
        self._last_write_at = now
        if quiet and self._writing is None and not self._pending:
            self._write_batch([(key, value)])
            return
        written = loop.create_future()
        self._pending.append((key, value, written))
        if len(self._pending) == 1 and self._writing is None:
            loop.call_soon(self._commit)
        await written

    def _commit(self) -> None:
        """Write every append queued since the last commit in one synced batch (group commit).

        Runs once the loop has run what was ready, and again as soon as the previous batch is
        on disk: the appends made meanwhile share one fsync, so a busy process syncs less often
        than it appends, and each append still returns only once its update is on disk. The
        sync runs in the writer thread (plyvel lets go of the GIL there), so the loop serves
        other sockets while the disk works.
        """
        if self._writing is not None or not self._pending:
            return
        pending, self._pending = self._pending, []
        batch = [(key, value) for key, value, _written in pending]
        self._writing = asyncio.get_running_loop().run_in_executor(
            self._writer, self._write_batch, batch
        )
        self._writing.add_done_callback(functools.partial(self._committed, pending))

    def _write_batch(self, items: list[tuple[bytes, bytes]]) -> None:
        """Runs in the writer thread."""
        batch = self._db.write_batch(sync=True)
        for key, value in items:
            batch.put(key, value)
        batch.write()

    def _committed(
        self, pending: list[tuple[bytes, bytes, asyncio.Future[None]]], done: asyncio.Future[None]
    ) -> None:
        self._writing = None
        error = None if done.cancelled() else done.exception()
        for _key, _value, written in pending:
            if written.done():
                continue
            if error is not None:
                written.set_exception(error)
            else:
                written.set_result(None)
        self._commit()

    async def updates(self, room_id: str, *, until_ms: int | None = None) -> list[bytes]:
        """Every stored update in order; with ``until_ms`` only those stamped ``<= until_ms``."""
        self._check_open()
        result: list[bytes] = []
        with self._db.iterator(prefix=_UPDATE + _room(room_id), include_key=False) as values:
            for value in values:
                stored = _decode(value)
                if until_ms is None or stored.timestamp_ms <= until_ms:
                    result.append(stored.update)
        return result

    async def updates_after(self, room_id: str, seq: int) -> list[tuple[int, bytes]]:
        """``(seq, update)`` of every stored update numbered above ``seq``, in order."""
        self._check_open()
        prefix = _UPDATE + _room(room_id)
        result: list[tuple[int, bytes]] = []
        # Keys end in digits, and ":" sorts right after "9": the stop bound ends the room's range.
        with self._db.iterator(start=prefix + _seq(seq + 1), stop=prefix + b":") as items:
            for key, value in items:
                result.append((int(key[len(prefix) :]), _decode(value).update))
        return result

    def _last_seq(self, prefix: bytes) -> int:
        with self._db.iterator(prefix=prefix, reverse=True, include_value=False) as keys:
            for key in keys:
                return int(key[len(prefix) :])
        return 0

    # History ----------------------------------------------------------------------------------

    async def add_history(self, room_id: str, record: HistoryRecord) -> None:
        """Store ``record`` under its timestamp (records with equal timestamps keep their order)."""
        self._check_open()
        _check_timestamp(record.timestamp_ms)
        # Unique and increasing across restarts too (the clock moves on), so equal timestamps
        # never overwrite each other.
        self._last_tiebreak = max(time.time_ns(), self._last_tiebreak + 1)
        key = _HISTORY + _room(room_id) + _ts(record.timestamp_ms) + b"%020d" % self._last_tiebreak
        value = json.dumps(record.to_wire(), separators=(",", ":")).encode()
        # Until it is on disk, compaction sees it here (see _splits).
        self._unwritten_history[key] = (_room(room_id), record.timestamp_ms)
        try:
            await self._write(key, value)
        finally:
            del self._unwritten_history[key]

    async def history(self, room_id: str, limit: int) -> list[HistoryRecord]:
        """The ``limit`` newest history records, newest first."""
        self._check_open()
        result: list[HistoryRecord] = []
        if limit <= 0:
            return result
        prefix = _HISTORY + _room(room_id)
        with self._db.iterator(prefix=prefix, reverse=True, include_key=False) as values:
            for value in values:
                result.append(HistoryRecord.from_wire(json.loads(value)))
                if len(result) == limit:
                    break
        return result

    # Compaction -------------------------------------------------------------------------------

    async def compact(self, room_id: str) -> int:
        """Merge runs of old updates between history timestamps; return how many keys went away.

        Reads a snapshot in a worker thread and merges in the compaction thread, so appends go
        on meanwhile (they get higher sequence numbers, beyond the folded range); the result
        replaces the folded keys in one atomic, synced batch.
        """
        self._check_open()
        room = _room(room_id)
        async with self._compacting:
            cutoff_ms = _now_ms() - self.min_age_ms
            work = asyncio.ensure_future(asyncio.to_thread(self._read_for_plan, room))
            self._workers.add(work)
            work.add_done_callback(self._workers.discard)
            # Shielded: if our caller gives up, the thread still ends before close() closes the DB.
            boundaries, stored = await asyncio.shield(work)
            if not boundaries or self._closed:
                return 0
            folds = await compaction_worker.plan(boundaries, stored, cutoff_ms)
            if self._closed:
                return 0
            # A history record stored while we merged may split a run; such a run stays raw.
            # add_history queues on this loop too, so none is queued between check and write.
            folds = [fold for fold in folds if not self._splits(room, fold)]
            if not folds:
                return 0
            prefix = _UPDATE + room
            batch = self._db.write_batch(sync=True)
            for fold in folds:
                for seq in fold.seqs[:-1]:
                    batch.delete(prefix + _seq(seq))
                batch.put(
                    prefix + _seq(fold.seqs[-1]), _encode(_MERGED, fold.last_ms, "", fold.merged)
                )
            batch.write()
            return sum(len(fold.seqs) - 1 for fold in folds)

    def _read_for_plan(self, room: bytes) -> tuple[list[int], list[StoredUpdate]]:
        """Runs in a worker thread: the history timestamps and the updates, from one snapshot."""
        history_prefix = _HISTORY + room
        update_prefix = _UPDATE + room
        with self._db.snapshot() as snapshot:
            with snapshot.iterator(prefix=history_prefix, include_value=False) as keys:
                start = len(history_prefix)
                boundaries = [int(key[start : start + _TS_DIGITS]) for key in keys]
            if not boundaries:
                return [], []
            stored: list[StoredUpdate] = []
            with snapshot.iterator(prefix=update_prefix) as items:
                for key, value in items:
                    decoded = _decode(value)
                    seq = int(key[len(update_prefix) :])
                    stored.append(StoredUpdate(seq, decoded.timestamp_ms, decoded.update))
        return boundaries, stored

    def _splits(self, room: bytes, fold: Fold) -> bool:
        """Whether a history timestamp T with first_ms <= T < last_ms exists now (on disk, or
        on its way there)."""
        if any(
            queued == room and fold.first_ms <= timestamp_ms < fold.last_ms
            for queued, timestamp_ms in self._unwritten_history.values()
        ):
            return True
        prefix = _HISTORY + room
        with self._db.iterator(
            start=prefix + _ts(fold.first_ms), stop=prefix + _ts(fold.last_ms), include_value=False
        ) as keys:
            return any(True for _ in keys)

    # Lifecycle --------------------------------------------------------------------------------

    async def close(self) -> None:
        """Wait for a running compaction's thread, then close the database (idempotent)."""
        if self._closed:
            return
        self._closed = True
        # Every append already made is written before the database closes.
        self._commit()
        while self._writing is not None:
            await asyncio.wait([self._writing])
        if self._workers:
            await asyncio.gather(*self._workers, return_exceptions=True)
        self._writer.shutdown()
        self._db.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the document store at {self.path} is closed")
