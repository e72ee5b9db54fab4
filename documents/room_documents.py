"""The rooms' shared documents: one pycrdt ``Doc`` per active room, kept in memory while anyone
is in it, every update persisted before it is relayed, edits grouped into history bursts.

Keystrokes never go through Temporal: this module and the document store are their whole path.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc, Text, get_update

from documents import starter
from documents.docstore import MAX_HISTORY_READ, DocStore, HistoryRecord, load_document
from documents.item_order import ItemOrder, RefusedOrder
from documents.replay import Replayer
from documents.text_buffer import TextBuffer
from documents.text_changes import changes_from_delta, merge_changes, removed_lines
from documents.update_guard import (
    MissingEdits,
    PairClocks,
    RejectedUpdate,
    UpdateLimits,
    UpdateShape,
    decode_state_vector,
    inspect_update,
    learn_stored,
)
from observability import metrics

# What get_update gives when the document already holds all of an update.
EMPTY_UPDATE = b"\x00\x00"

log = logging.getLogger(__name__)

HistoryListener = Callable[[str, HistoryRecord], Awaitable[None]]
# (room, user, lines removed, the timestamp to restore to)
RemovalListener = Callable[[str, str, int, int], Awaitable[None]]
# One edit that removes at least this many lines is announced to the room, with a way back.
ANNOUNCED_REMOVAL_LINES = 5
# Ended rooms remembered as closed (sockets are disconnected and refused from then on anyway).
MAX_CLOSED_REMEMBERED = 10_000


class InvalidUpdate(ValueError):
    """The bytes are not a Yjs update we accept; ``message`` says why."""


@dataclass(frozen=True, slots=True)
class Applied:
    """An update as it was stored (and may be relayed), and what integrating it cost the loop."""

    update: bytes
    integrate_seconds: float


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(slots=True)
class _Burst:
    started: float
    changes: list[dict[str, Any]] = field(default_factory=list)
    last_ms: int = 0
    timer: asyncio.TimerHandle | None = None


@dataclass(slots=True)
class _Room:
    room_id: str
    doc: Doc[Text]
    text: Text
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sockets: int = 0
    idle_since: float = field(default_factory=time.monotonic)
    # The highest sequence number of the store's updates applied to ``doc``.
    seq: int = 0
    deltas: list[list[dict[str, Any]]] = field(default_factory=list)
    # The text as the last tracked edit left it; None when only the document knows (reading it
    # there costs a copy and an encoding of the whole text, which a keystroke should not pay).
    content: TextBuffer | None = None
    bursts: dict[str, _Burst] = field(default_factory=dict)
    # Where the text's two-unit characters are, which no update may split (update_guard).
    pairs: PairClocks = field(default_factory=dict)
    # The text's items in order, with what each author knew (documents.item_order).
    order: ItemOrder = field(default_factory=ItemOrder)
    # Keeps the text's observer alive (dropping it unsubscribes).
    subscription: Any = None
    # The document's state vector as the updates applied here moved it; None when something
    # else changed the document (a revert, another process's updates) and it must be asked.
    # Encoding and decoding it costs a keystroke as much as checking the update itself.
    clocks: dict[int, int] | None = None


def _minimal_edit(text: Text, current: str, target: str) -> None:
    """Turn ``current`` into ``target`` by replacing only the part that differs."""
    prefix = 0
    limit = min(len(current), len(target))
    while prefix < limit and current[prefix] == target[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and current[len(current) - 1 - suffix] == target[len(target) - 1 - suffix]
    ):
        suffix += 1
    # pycrdt indexes text by UTF-8 bytes: convert the character positions.
    start = len(current[:prefix].encode())
    removed = len(current[prefix : len(current) - suffix].encode())
    if removed:
        del text[start : start + removed]
    inserted = target[prefix : len(target) - suffix]
    if inserted:
        text.insert(start, inserted)


class Documents:
    """Every active room's document in this web process.

    With a store that other web processes share, a loaded document is a cache of the store: it
    catches up on the others' updates (by sequence number) before it is read, and whenever the
    number the store gives a new update shows that others wrote in between.
    """

    def __init__(
        self,
        store: DocStore,
        *,
        limits: UpdateLimits | None = None,
        max_document_bytes: int = 256 * 1024,
        unload_after_seconds: float = 60.0,
        burst_idle_seconds: float = 1.0,
        burst_max_seconds: float = 5.0,
        replayer: Replayer | None = None,
    ) -> None:
        self.store = store
        self._replayer = replayer or Replayer()
        self.limits = limits or UpdateLimits()
        self.max_document_bytes = max_document_bytes
        self.unload_after = unload_after_seconds
        self.burst_idle = burst_idle_seconds
        self.burst_max = burst_max_seconds
        self._rooms: dict[str, _Room] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self._listeners: list[HistoryListener] = []
        self._removal_listeners: list[RemovalListener] = []
        self._sweeper: asyncio.Task[None] | None = None
        # Rooms whose session has ended, newest last: they take no more edits.
        self._closed: OrderedDict[str, None] = OrderedDict()
        self._background: set[asyncio.Task[Any]] = set()

    def on_history(self, listener: HistoryListener) -> None:
        """Call ``listener`` with each history record once its burst closes."""
        self._listeners.append(listener)

    def on_removal(self, listener: RemovalListener) -> None:
        """Call ``listener`` when one edit removes :data:`ANNOUNCED_REMOVAL_LINES` lines or more
        (a paste over, a select-all delete, a restore), with the time just before it."""
        self._removal_listeners.append(listener)

    @property
    def loaded(self) -> int:
        return len(self._rooms)

    async def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self) -> None:
        """Close every open burst (so its history is stored) and stop background work."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for room in list(self._rooms.values()):
            for user_id in list(room.bursts):
                await self._close_burst(room, user_id)
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        self._replayer.close()

    # Membership of sockets, which decides what stays loaded ----------------------------------

    async def join(self, room_id: str) -> None:
        room = await self._room(room_id)
        room.sockets += 1

    async def leave(self, room_id: str) -> None:
        room = self._rooms.get(room_id)
        if room is not None:
            room.sockets = max(room.sockets - 1, 0)
            if room.sockets == 0:
                room.idle_since = time.monotonic()

    # Reading ---------------------------------------------------------------------------------

    async def state(self, room_id: str) -> bytes:
        """The whole document as one Yjs v1 update."""
        room = await self._current(room_id)
        return room.doc.get_update()

    async def text(self, room_id: str) -> str:
        room = await self._current(room_id)
        return str(room.text)

    async def history(self, room_id: str, limit: int) -> list[HistoryRecord]:
        return await self.store.history(room_id, limit)

    async def close(self, room_id: str) -> str:
        """End the room's editing and return its final text (its session has ended).

        Every update after this is refused; one that was being applied finishes first.
        """
        self._closed[room_id] = None
        self._closed.move_to_end(room_id)
        while len(self._closed) > MAX_CLOSED_REMEMBERED:
            self._closed.popitem(last=False)
        room = await self._room(room_id)
        async with room.lock:
            await self._catch_up(room)
            for user_id in list(room.bursts):
                await self._close_burst(room, user_id)
            return str(room.text)

    def _refuse_if_closed(self, room_id: str) -> None:
        if room_id in self._closed:
            raise InvalidUpdate("this session has ended; the room takes no more edits")

    async def authors(self, room_id: str) -> set[str]:
        """Who changed the room's text: in its stored history, or in a burst still open here."""
        records = await self.store.history(room_id, MAX_HISTORY_READ)
        room = self._rooms.get(room_id)
        open_bursts = set(room.bursts) if room is not None else set()
        return {record.user_id for record in records} | open_bursts

    # Writing ---------------------------------------------------------------------------------

    async def apply(
        self,
        room_id: str,
        user_id: str,
        update: Any,
        *,
        admit: Callable[[], str | None] | None = None,
    ) -> Applied:
        """Validate, apply and persist one client update; raise :class:`InvalidUpdate`.

        Returns what was applied and stored (the update, less any part the room already had)
        and the time its integration took. When this returns it is durable and may be relayed.
        ``admit`` runs once the room is this update's alone (after the updates before it): a
        message it returns refuses the update.
        """
        if not isinstance(update, bytes | bytearray) or not update:
            raise InvalidUpdate("an update must be a non-empty binary Yjs update")
        data = bytes(update)
        if len(data) > self.limits.max_bytes:
            raise InvalidUpdate(f"an update may be at most {self.limits.max_bytes} bytes")
        self._refuse_if_closed(room_id)
        room = await self._room(room_id)
        async with room.lock:
            self._refuse_if_closed(room_id)
            refusal = admit() if admit is not None else None
            if refusal is not None:
                raise InvalidUpdate(refusal)
            try:
                try:
                    shape = self._check(room, data)
                except MissingEdits:
                    if not self.store.shared:
                        raise
                    # Another process may hold what it builds on: catch up, then look again.
                    await self._catch_up(room)
                    shape = self._check(room, data)
                if shape.overlaps:
                    data = get_update(data, room.doc.get_state())
                    shape = self._check(room, data)
                room.order.admit(shape.structs, self.limits.max_concurrent)
            except (RejectedUpdate, RefusedOrder) as rejected:
                raise InvalidUpdate(str(rejected)) from None
            before = self._content(room)
            room.deltas.clear()
            started = time.perf_counter()
            self._integrate(room, data)
            integrate_seconds = time.perf_counter() - started
            if room.clocks is not None:
                room.clocks.update(shape.ends)
            stamp = now_ms()
            try:
                with metrics.persisting(metrics.UPDATE):
                    seq = await self.store.append(
                        room_id, data, user_id=user_id, timestamp_ms=stamp
                    )
            except Exception:
                # Memory is ahead of the store: forget the room so the next use reloads it.
                self._rooms.pop(room_id, None)
                raise
            for client, clocks in shape.pairs.items():
                room.pairs.setdefault(client, set()).update(clocks)
            self._track(room, user_id, before, stamp)
            if seq != room.seq + 1:
                await self._catch_up(room)
            room.seq = max(room.seq, seq)
            return Applied(data, integrate_seconds)

    def _check(self, room: _Room, update: bytes) -> UpdateShape:
        """Raise :class:`RejectedUpdate` for an update that would not integrate at once and in
        full, or would grow the text past its cap (``documents.update_guard`` says why yrs must
        never see such an update)."""
        if room.clocks is None:
            room.clocks = decode_state_vector(room.doc.get_state())
        shape = inspect_update(update, room.clocks, self.limits, room.pairs)
        # An upper bound: the update's deletions are not subtracted, so a paste over a selection
        # needs room for both at the cap.
        if shape.inserted_bytes and (
            self._size(room) + shape.inserted_bytes > self.max_document_bytes
        ):
            raise RejectedUpdate(
                f"the document may hold at most {self.max_document_bytes} bytes of text"
            )
        return shape

    def _integrate(self, room: _Room, update: bytes) -> None:
        try:
            room.doc.apply_update(update)
        except ValueError:
            # The item order already holds the update: the next use reloads the room.
            self._rooms.pop(room.room_id, None)
            raise InvalidUpdate("the update is not a valid Yjs update") from None
        except (KeyboardInterrupt, SystemExit, asyncio.CancelledError):
            raise
        except BaseException:
            # A panic inside yrs (pyo3's PanicException is a BaseException) that the guard did
            # not foresee: the document may be half-updated, so nothing may read it again. The
            # store never saw the update; the next use reloads the room from it.
            log.error("yrs panicked applying an update to %s", room.room_id, exc_info=True)
            self._rooms.pop(room.room_id, None)
            raise InvalidUpdate("the update is not a valid Yjs update") from None

    async def seed(self, room_id: str, update: bytes) -> bytes | None:
        """Apply the server's starter ``update`` unless the document has it already (what it
        adds, to relay to the room; None when nothing changed)."""
        room = await self._current(room_id)
        if get_update(update, room.doc.get_state()) == EMPTY_UPDATE:
            return None
        try:
            applied = await self.apply(room_id, starter.SERVER_USER, update)
        except InvalidUpdate:
            return None  # the room ended meanwhile
        return applied.update

    async def replace_untouched(self, room_id: str, untouched: str, text: str) -> bytes | None:
        """Replace the text with ``text`` if it is still exactly ``untouched`` (the starter of
        the language being left): what changed, or None when someone has typed."""
        room = await self._current(room_id)
        if str(room.text) != untouched or untouched == text:
            return None
        update = starter.replacement(room.doc.get_update(), text)

        def still_untouched() -> str | None:
            return None if str(room.text) == untouched else "the code changed meanwhile"

        try:
            applied = await self.apply(room_id, starter.SERVER_USER, update, admit=still_untouched)
        except InvalidUpdate:
            return None
        return applied.update

    async def revert(self, room_id: str, user_id: str, timestamp_ms: int) -> bytes:
        """Make the text what it was at ``timestamp_ms``, as a new edit; return the whole state.

        Nothing is lost: the revert is itself an update in the history and can be reverted.
        """
        self._refuse_if_closed(room_id)
        target = await self._replayer.text(await self.store.updates(room_id, until_ms=timestamp_ms))
        room = await self._room(room_id)
        async with room.lock:
            self._refuse_if_closed(room_id)
            await self._catch_up(room)
            before = self._content(room)
            current = str(before)
            if current == target:
                return room.doc.get_update()
            state_before = room.doc.get_state()
            room.deltas.clear()
            room.clocks = None
            with room.doc.transaction(origin="revert"):
                _minimal_edit(room.text, current, target)
            update = room.doc.get_update(state_before)
            stamp = now_ms()
            try:
                with metrics.persisting(metrics.REVERT):
                    seq = await self.store.append(
                        room_id, update, user_id=user_id, timestamp_ms=stamp
                    )
            except Exception:
                self._rooms.pop(room_id, None)
                raise
            room.seq = max(room.seq, seq)
            room.order.learn(learn_stored(update, room.pairs))
            self._track(room, user_id, before, stamp)
            # A revert is its own history entry at once, not part of a typing burst.
            await self._close_burst(room, user_id)
            return room.doc.get_update()

    # Internals -------------------------------------------------------------------------------

    async def _room(self, room_id: str) -> _Room:
        room = self._rooms.get(room_id)
        if room is not None:
            return room
        lock = self._loading.setdefault(room_id, asyncio.Lock())
        async with lock:
            room = self._rooms.get(room_id)
            if room is None:
                stored = await self.store.updates_after(room_id, 0)
                state = await self._replayer.state([update for _seq, update in stored])
                doc, text = load_document([state])
                room = _Room(
                    room_id=room_id, doc=doc, text=text, seq=stored[-1][0] if stored else 0
                )
                room.order.learn(learn_stored(state, room.pairs))
                # On the text's own (Rust) observer: pycrdt's wrapper builds an event object
                # (a read transaction, the target, the path) per update, a sixth of a
                # keystroke's cost, for the one field read here.
                room.subscription = text.integrated.observe(functools.partial(self._observe, room))
                self._rooms[room_id] = room
        self._loading.pop(room_id, None)
        return room

    async def _current(self, room_id: str) -> _Room:
        """The room's document, with every update the store holds (another process's too)."""
        room = await self._room(room_id)
        if self.store.shared:
            async with room.lock:
                await self._catch_up(room)
        return room

    async def _catch_up(self, room: _Room) -> None:
        """Apply the store's updates this process has not applied yet (call under the lock)."""
        if not self.store.shared:
            return
        for seq, update in await self.store.updates_after(room.room_id, room.seq):
            room.clocks = None
            room.doc.apply_update(update)
            room.order.learn(learn_stored(update, room.pairs))
            room.seq = max(room.seq, seq)
        # Other users' edits: not part of anyone's history burst here (theirs is in their process).
        room.deltas.clear()
        room.content = None

    @staticmethod
    def _size(room: _Room) -> int:
        # In UTF-8 bytes, as pycrdt counts; the tracked copy knows it without asking yrs.
        return len(room.content) if room.content is not None else len(room.text)

    @staticmethod
    def _content(room: _Room) -> TextBuffer:
        if room.content is None:
            room.content = TextBuffer(str(room.text))
        return room.content

    @staticmethod
    def _observe(room: _Room, event: Any) -> None:
        room.deltas.append(event.delta)

    def _track(self, room: _Room, user_id: str, text: TextBuffer, stamp: int) -> None:
        """Turn the deltas of the update just integrated into history changes, and bring
        ``text`` (the room's text before it) up to date with them."""
        changes: list[dict[str, Any]] = []
        exact = True
        removed = 0
        for delta in room.deltas:
            changes += changes_from_delta(text, delta)
            removed += removed_lines(text, delta)
            exact = text.apply(delta) and exact
        room.deltas.clear()
        # Replayed from the deltas, the text is the document's own unless an embed was skipped
        # (the update rules refuse them; a store written before them may hold some): then the
        # document is asked next time.
        room.content = text if exact else None
        if removed >= ANNOUNCED_REMOVAL_LINES and self._removal_listeners:
            self._spawn(self._announce_removal(room.room_id, user_id, removed, stamp - 1))
        if not changes:
            return
        burst = room.bursts.get(user_id)
        now = time.monotonic()
        if burst is None:
            burst = room.bursts[user_id] = _Burst(started=now)
        burst.changes += changes
        burst.last_ms = stamp
        if burst.timer is not None:
            burst.timer.cancel()
        delay = min(self.burst_idle, max(burst.started + self.burst_max - now, 0.0))
        loop = asyncio.get_running_loop()
        burst.timer = loop.call_later(delay, lambda: self._spawn(self._close_burst(room, user_id)))

    async def _announce_removal(
        self, room_id: str, user_id: str, lines: int, restore_to: int
    ) -> None:
        for listener in self._removal_listeners:
            try:
                await listener(room_id, user_id, lines, restore_to)
            except Exception:
                log.exception("removal listener failed for %s", room_id)

    def _spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _close_burst(self, room: _Room, user_id: str) -> None:
        burst = room.bursts.pop(user_id, None)
        if burst is None:
            return
        if burst.timer is not None:
            burst.timer.cancel()
        record = HistoryRecord(
            user_id=user_id, timestamp_ms=burst.last_ms, changes=merge_changes(burst.changes)
        )
        try:
            with metrics.persisting(metrics.HISTORY):
                await self.store.add_history(room.room_id, record)
        except Exception:
            log.exception("could not store a history record of %s", room.room_id)
            return
        for listener in self._listeners:
            try:
                await listener(room.room_id, record)
            except Exception:
                log.exception("history listener failed for %s", room.room_id)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(self.unload_after, 5.0))
            cutoff = time.monotonic() - self.unload_after
            for room in list(self._rooms.values()):
                if room.sockets == 0 and room.idle_since <= cutoff and not room.lock.locked():
                    for user_id in list(room.bursts):
                        await self._close_burst(room, user_id)
                    self._rooms.pop(room.room_id, None)
                    self._spawn(self._compact(room.room_id))

    async def _compact(self, room_id: str) -> None:
        try:
            folded = await self.store.compact(room_id)
            log.debug("compacted %s: %d updates folded", room_id, folded)
        except Exception:
            log.exception("compaction of %s failed", room_id)
