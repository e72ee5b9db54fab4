"""How often one client may do each thing, kept in this process's memory (each web process
guards its own event loop and database pool): moving windows from the ``limits`` library, and
token buckets for what comes with every keystroke.

``limits``' in-memory storage expires its windows from a timer thread it starts again 100 times
a second while hits arrive, taking the GIL each time: on the keystroke path that cost the web
process about 170 µs of CPU per update at 100 rooms (bench/collab.py). The keystroke-rate actions
(:data:`HOT`) use a token bucket per key instead: two float operations a hit, no thread.

Every limit is a setting (``PEERPREP_LIMIT_*``, in the ``limits`` notation such as
``60/second`` or ``5 per 10 seconds``); ``docs/limits.md`` lists them with their defaults.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from enum import StrEnum

from fastapi import HTTPException
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from settings import Settings


class Action(StrEnum):
    """What is limited, and per what (the keys a caller passes)."""

    COLLAB_UPDATE = "collab update"  # per user and room
    # Milliseconds of the event loop spent integrating one user's updates in one room: an update
    # can be valid and still costly (yrs integrates concurrent inserts at one place in quadratic
    # time), so whoever spends the budget waits before the next update is looked at.
    COLLAB_APPLY_MS = "collab apply milliseconds"  # per user and room
    COLLAB_AWARENESS = "collab awareness"  # per user and room
    COLLAB_CHAT = "collab chat"  # per user and room
    COLLAB_LANGUAGE = "collab language"  # per user and room
    CODE_RUN = "code run"  # per user and room: Run and Submit
    MATCH_REQUEST = "match request"  # per user: joins and cancels
    SIGNUP = "signup"  # per client address
    LOGIN_ADDRESS = "login address"  # per client address
    LOGIN_ACCOUNT = "login account"  # per email
    ATTEMPT_REPORT = "attempt report"  # per user


# Counted with every keystroke or cursor move.
HOT = frozenset({Action.COLLAB_UPDATE, Action.COLLAB_AWARENESS, Action.COLLAB_APPLY_MS})
# Buckets are swept (the full ones forgotten) once this many have been made since the last sweep.
SWEEP_EVERY = 10_000


@dataclass(slots=True)
class _Bucket:
    """``capacity`` tokens, refilled at ``rate`` per second; a cost may overdraw it."""

    capacity: float
    rate: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now


def _items(settings: Settings) -> dict[Action, RateLimitItem]:
    return {
        Action.COLLAB_UPDATE: parse(settings.limit_collab_updates),
        Action.COLLAB_APPLY_MS: parse(settings.limit_collab_apply_ms),
        Action.COLLAB_AWARENESS: parse(settings.limit_collab_awareness),
        Action.COLLAB_CHAT: parse(settings.limit_collab_chat),
        Action.COLLAB_LANGUAGE: parse(settings.limit_collab_language),
        Action.CODE_RUN: parse(settings.limit_code_runs),
        Action.MATCH_REQUEST: parse(settings.limit_match_requests),
        Action.SIGNUP: parse(settings.limit_signups),
        Action.LOGIN_ADDRESS: parse(settings.limit_logins_per_address),
        Action.LOGIN_ACCOUNT: parse(settings.limit_logins_per_account),
        Action.ATTEMPT_REPORT: parse(settings.limit_attempt_reports),
    }


class RateLimits:
    """One process's rate limits; :meth:`allow` counts a hit and says whether it is within."""

    def __init__(self, settings: Settings) -> None:
        self._items = _items(settings)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._buckets: dict[tuple[str, ...], _Bucket] = {}
        self._made_since_sweep = 0

    def allow(self, action: Action, *keys: str) -> bool:
        """Count one ``action`` by ``keys``; False when that exceeds its limit (not counted)."""
        if action in HOT:
            bucket = self._bucket(action, keys)
            if bucket.tokens < 1:
                return False
            bucket.tokens -= 1
            return True
        return bool(self._limiter.hit(self._items[action], action.value, *keys))

    def spent(self, action: Action, *keys: str) -> bool:
        """Whether a keystroke-rate ``action`` by ``keys`` has used up its limit (counts
        nothing)."""
        return self._bucket(action, keys).tokens <= 0

    def spend(self, action: Action, cost: int, *keys: str) -> None:
        """Count ``cost`` units of a keystroke-rate ``action``, overdrawing it by up to its whole
        limit: a costly update makes its sender wait in proportion."""
        if cost > 0:
            bucket = self._bucket(action, keys)
            bucket.tokens = max(bucket.tokens - cost, -bucket.capacity)

    def _bucket(self, action: Action, keys: tuple[str, ...]) -> _Bucket:
        assert action in HOT, f"{action} is counted in windows, not buckets"
        now = time.monotonic()
        key = (action.value, *keys)
        bucket = self._buckets.get(key)
        if bucket is None:
            item = self._items[action]
            bucket = _Bucket(item.amount, item.amount / item.get_expiry(), item.amount, now)
            self._buckets[key] = bucket
            self._made_since_sweep += 1
            if self._made_since_sweep >= SWEEP_EVERY:
                self._sweep(now)
        else:
            bucket.refill(now)
        return bucket

    def _sweep(self, now: float) -> None:
        # A full bucket is as good as none: forget it, so idle keys do not pile up.
        for key, bucket in list(self._buckets.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.capacity:
                del self._buckets[key]
        self._made_since_sweep = 0

    def enforce(self, action: Action, *keys: str) -> None:
        """:meth:`allow`, or a 429 with ``Retry-After`` for an HTTP route."""
        if not self.allow(action, *keys):
            raise HTTPException(
                429,
                f"too many requests: at most {self.describe(action)} for {action.value}; "
                "try again later",
                headers={"Retry-After": str(self.retry_after(action, *keys))},
            )

    def retry_after(self, action: Action, *keys: str) -> int:
        """Whole seconds until ``action`` by ``keys`` is allowed again (at least 1)."""
        stats = self._limiter.get_window_stats(self._items[action], action.value, *keys)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def describe(self, action: Action) -> str:
        """The limit in words, for error messages: ``60 per 1 second``."""
        return str(self._items[action])
