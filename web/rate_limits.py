"""How often one client may do each thing: moving windows from the ``limits`` library, kept in
this process's memory (each web process guards its own event loop and database pool).

Every limit is a setting (``PEERPREP_LIMIT_*``, in the ``limits`` notation such as
``60/second`` or ``5 per 10 seconds``); ``docs/limits.md`` lists them with their defaults.
"""

from __future__ import annotations

import math
import time
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
    MATCH_REQUEST = "match request"  # per user: joins and cancels
    SIGNUP = "signup"  # per client address
    LOGIN_ADDRESS = "login address"  # per client address
    LOGIN_ACCOUNT = "login account"  # per email
    ATTEMPT_REPORT = "attempt report"  # per user


def _items(settings: Settings) -> dict[Action, RateLimitItem]:
    return {
        Action.COLLAB_UPDATE: parse(settings.limit_collab_updates),
        Action.COLLAB_APPLY_MS: parse(settings.limit_collab_apply_ms),
        Action.COLLAB_AWARENESS: parse(settings.limit_collab_awareness),
        Action.COLLAB_CHAT: parse(settings.limit_collab_chat),
        Action.COLLAB_LANGUAGE: parse(settings.limit_collab_language),
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

    def allow(self, action: Action, *keys: str) -> bool:
        """Count one ``action`` by ``keys``; False when that exceeds its limit (not counted)."""
        return bool(self._limiter.hit(self._items[action], action.value, *keys))

    def spent(self, action: Action, *keys: str) -> bool:
        """Whether ``action`` by ``keys`` has used up its limit (counts nothing)."""
        return not self._limiter.test(self._items[action], action.value, *keys)

    def spend(self, action: Action, cost: int, *keys: str) -> None:
        """Count ``cost`` units of ``action``: as much as is left (an overdraft is forgiven, the
        window's end is the same either way)."""
        item = self._items[action]
        left = self._limiter.get_window_stats(item, action.value, *keys).remaining
        if cost > 0 and left > 0:
            self._limiter.hit(item, action.value, *keys, cost=min(cost, left))

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
