"""What PeerPrep measures about itself, in Prometheus terms; ``GET /metrics`` serves it.

Every metric object is created once, at module level, in prometheus_client's default registry:
one process has one set of counters whether it runs the web tier, a worker or both (``peerprep
up``), and creating many apps in one process (as the tests do) never registers a name twice.
Values that belong to one app (loaded rooms, the matchmaker's queue) are not pushed from
everywhere: ``/metrics`` reads them from the app being scraped just before it renders (see
:func:`refresh`), so in a process with several apps each scrape reports its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

from workflows import events
from workflows.pairing import DIFFICULTIES

if TYPE_CHECKING:
    from orchestration.orchestrator import Orchestrator

log = logging.getLogger(__name__)

# A "_created" timestamp series beside every counter and histogram only adds noise to scrapes.
disable_created_metrics()  # type: ignore[no-untyped-call]

# From a quick pair (tens of milliseconds) to the match timeout (minutes).
MATCH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
# An fsync'd LevelDB write: a fraction of a millisecond when all is well.
PERSIST_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)

SOCKET_CONNECTIONS = Gauge(
    "peerprep_socket_connections",
    "Socket.IO connections open in this process, by namespace (authenticated or admitted).",
    ["namespace"],
)
MATCHING_QUEUE_SIZE = Gauge(
    "peerprep_matching_queue_size",
    "Match requests waiting in the matchmaker's pool, by difficulty (read at scrape time).",
    ["difficulty"],
)
MATCH_LATENCY = Histogram(
    "peerprep_match_latency_seconds",
    "From a user's join-queue reaching this process to matched reaching their sockets.",
    buckets=MATCH_BUCKETS,
)
LOADED_ROOMS = Gauge(
    "peerprep_loaded_rooms",
    "Rooms whose document is loaded in this process (read at scrape time).",
)
DOCUMENT_UPDATES = Counter(
    "peerprep_document_updates_total",
    "Document updates applied and persisted, by source (client update or revert).",
    ["source"],
)
PERSIST_LATENCY = Histogram(
    "peerprep_document_persist_seconds",
    "Time to persist one write to the document store, by operation.",
    ["operation"],
    buckets=PERSIST_BUCKETS,
)
HISTORY_RECORDS = Counter(
    "peerprep_history_records_total",
    "History records (closed typing bursts and reverts) stored.",
)
CODE_RUNS = Counter(
    "peerprep_code_runs_total",
    "Runs and submissions judged by this executor, by language, mode and verdict (a Memory "
    "Limit is a kill by the run's control group or the runtime's own heap).",
    ["language", "mode", "verdict"],
)
CODE_RUN_SECONDS = Histogram(
    "peerprep_code_run_seconds",
    "Wall time of one judged run (building included), by language.",
    ["language"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)
CODE_RUN_QUEUE_SECONDS = Histogram(
    "peerprep_code_run_queue_seconds",
    "From a run being scheduled on the executors' task queue to an executor starting it.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5),
)
ERRORS = Counter(
    "peerprep_errors_total",
    "Errors by kind: socket_error_event (an error reply sent to a client), socket_handler "
    "(a socket handler raised), http_5xx, activity (an activity attempt failed), persistence "
    "(a document store write failed).",
    ["kind"],
)

# The kinds of ERRORS, written once.
SOCKET_ERROR_EVENT = "socket_error_event"
SOCKET_HANDLER = "socket_handler"
HTTP_5XX = "http_5xx"
ACTIVITY = "activity"
PERSISTENCE = "persistence"

# Persisted writes, for ``persisting``: client updates and reverts count as document updates.
UPDATE = "update"
REVERT = "revert"
HISTORY = "history"

# Every error-shaped reply of the wire contract carries ``ok: false``; these events are nothing
# but errors.
_ERROR_EVENTS = frozenset({events.MATCH_ERROR, events.COLLAB_ERROR, "error"})
_USER_ROOM = events.user_room("")


# Bound once: a keystroke's write should not look its labelled series up again.
_PERSISTED = {
    operation: (
        PERSIST_LATENCY.labels(operation),
        HISTORY_RECORDS if operation == HISTORY else DOCUMENT_UPDATES.labels(operation),
    )
    for operation in (UPDATE, REVERT, HISTORY)
}


@contextlib.contextmanager
def persisting(operation: str) -> Iterator[None]:
    """Time one document store write and count it once it has succeeded.

    ``operation`` is :data:`UPDATE` or :data:`REVERT` (each counts as a document update) or
    :data:`HISTORY` (counts as a history record). A write that raises counts as a persistence
    error; a cancelled one counts as nothing.
    """
    started = time.perf_counter()
    try:
        yield
    except Exception:
        ERRORS.labels(PERSISTENCE).inc()
        raise
    latency, count = _PERSISTED[operation]
    latency.observe(time.perf_counter() - started)
    count.inc()


# Socket.IO -----------------------------------------------------------------------------------


def socket_connected(namespace: str) -> None:
    SOCKET_CONNECTIONS.labels(namespace).inc()


def socket_disconnected(namespace: str) -> None:
    SOCKET_CONNECTIONS.labels(namespace).dec()


class MatchClock:
    """When each user of this process joined the queue, until their request ends.

    A join is stamped when the web tier receives it (a second join of a waiting user keeps the
    first stamp, as the request keeps its place); ``matched`` reaching the user's room observes
    the latency; a timeout or a withdrawal forgets the stamp. Bounded, so users who vanish
    without an ending cannot make it grow.
    """

    def __init__(self, limit: int = 100_000, max_age_seconds: float = 3600.0) -> None:
        self._joined: dict[str, float] = {}
        self._limit = limit
        self._max_age = max_age_seconds

    def joined(self, user_id: str) -> None:
        now = time.monotonic()
        if user_id in self._joined and now - self._joined[user_id] <= self._max_age:
            return
        self._joined.pop(user_id, None)
        self._joined[user_id] = now
        while len(self._joined) > self._limit:
            del self._joined[next(iter(self._joined))]

    def matched(self, user_id: str) -> None:
        started = self._joined.pop(user_id, None)
        if started is not None:
            MATCH_LATENCY.observe(time.monotonic() - started)

    def forget(self, user_id: str) -> None:
        self._joined.pop(user_id, None)


MATCH_CLOCK = MatchClock()


def observe_emit(event: str, data: Any, room: str | None, namespace: str | None) -> None:
    """Called for every event this process's Socket.IO server sends: counts error replies and
    tells the match clock how requests end."""
    if event in _ERROR_EVENTS or (isinstance(data, dict) and data.get("ok") is False):
        ERRORS.labels(SOCKET_ERROR_EVENT).inc()
    observe_match_news(event, room, namespace)


def observe_match_news(event: str, room: str | None, namespace: str | None) -> None:
    """Ends the match clock of the user whose room hears how their request ended."""
    if namespace != events.MATCHING_NAMESPACE or not room or not room.startswith(_USER_ROOM):
        return
    user_id = room.removeprefix(_USER_ROOM)
    if event == events.MATCHED:
        MATCH_CLOCK.matched(user_id)
    elif event in (events.MATCH_TIMEOUT, events.LEFT_QUEUE):
        MATCH_CLOCK.forget(user_id)


# Values read at scrape time ------------------------------------------------------------------

# The matchmaker answers a query through a worker: at most one per app in this window.
QUEUE_CACHE_SECONDS = 2.0
QUEUE_QUERY_TIMEOUT_SECONDS = 1.0


@dataclass(slots=True)
class _QueueReading:
    at: float
    waiting: dict[str, int] | None


_queue_readings: weakref.WeakKeyDictionary[Orchestrator, _QueueReading] = (
    weakref.WeakKeyDictionary()
)


async def _queue_sizes(orchestrator: Orchestrator) -> dict[str, int] | None:
    reading = _queue_readings.get(orchestrator)
    now = time.monotonic()
    if reading is not None and now - reading.at < QUEUE_CACHE_SECONDS:
        return reading.waiting
    waiting: dict[str, int] | None
    try:
        async with asyncio.timeout(QUEUE_QUERY_TIMEOUT_SECONDS):
            waiting = await orchestrator.queue_sizes()
    except Exception as error:
        # A scrape reports what it can: the gauge goes blank, the log says why (once per
        # QUEUE_CACHE_SECONDS at most, as the failure is cached like a reading).
        log.warning("matchmaker queue not readable: %r", error)
        waiting = None
    _queue_readings[orchestrator] = _QueueReading(now, waiting)
    return waiting


async def refresh(orchestrator: Orchestrator, loaded_rooms: int) -> None:
    """Read this app's scrape-time values into their gauges.

    An unreadable queue (Temporal down, no matchmaker yet) removes the queue series rather
    than repeating stale numbers: its absence is what an alert should see.
    """
    LOADED_ROOMS.set(loaded_rooms)
    waiting = await _queue_sizes(orchestrator)
    if waiting is None:
        MATCHING_QUEUE_SIZE.clear()
        return
    for difficulty in (*DIFFICULTIES, *waiting):
        MATCHING_QUEUE_SIZE.labels(difficulty).set(waiting.get(difficulty, 0))
