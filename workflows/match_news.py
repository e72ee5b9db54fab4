"""What the matchmaker tells students: joined-queue, matched, and why a join left the pool."""

from __future__ import annotations

from collections.abc import Iterable

from workflows.events import (
    JOINED_QUEUE,
    LEFT_QUEUE,
    MATCH_TIMEOUT,
    MATCHED,
    MATCHING_NAMESPACE,
    matched_payload,
    user_room,
)
from workflows.match_messages import Emit, Outcome, Paired
from workflows.pairing import Entry, position_of


def matched_news(user_id: str, paired: Paired, difficulty: str) -> Emit:
    """``matched`` for one student of a pair, to every socket of theirs."""
    return Emit(
        MATCHED, matched_payload(paired, difficulty), user_room(user_id), MATCHING_NAMESPACE
    )


def joined_news(entry: Entry, pool: Iterable[Entry]) -> Emit:
    """``joined-queue`` for a student now in the pool, with their place in line."""
    return Emit(
        event=JOINED_QUEUE,
        data={
            "ok": True,
            "difficulty": entry.difficulty,
            "topics": entry.topics,
            "position": position_of(entry, pool),
        },
        room=user_room(entry.user_id),
        namespace=MATCHING_NAMESPACE,
    )


def left_news(user_id: str, reason: Outcome, waited_seconds: float) -> Emit | None:
    """Why a join left the pool without a partner, where nobody else says it: the timeout and
    the disconnect grace. A student's own cancel is answered by the web tier that took it."""
    room = user_room(user_id)
    if reason is Outcome.TIMED_OUT:
        data = {"waitedSeconds": round(waited_seconds)}
        return Emit(MATCH_TIMEOUT, data, room, MATCHING_NAMESPACE)
    if reason is Outcome.DISCONNECTED:
        return Emit(LEFT_QUEUE, {"ok": True, "reason": "disconnected"}, room, MATCHING_NAMESPACE)
    return None


def no_room_news(user_id: str, message: str) -> Emit:
    """A student of a pair whose room could not be made: out of the queue, and why."""
    return Emit(LEFT_QUEUE, {"ok": False, "error": message}, user_room(user_id), MATCHING_NAMESPACE)
