"""What the matchmaker tells students (joined-queue, matched, why a join left the pool), and
which of its ``admit`` updates carries whose news."""

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


class Replies:
    """Which ``admit`` update carries whose news this round, and what each may answer.

    A join that came in an update has its news (joined-queue, matched for both students of its
    pair) returned to that update's caller, who delivers it; the answers are released with the
    task that records the round, so nobody hears of a pair a failed task threw away. News that
    no update carries goes out by the ``notify`` activity.
    """

    def __init__(self) -> None:
        # This round: user id → (update id, join id) of the update that tells them.
        self._routes: dict[str, tuple[str, str]] = {}
        # This round's news, by update id and join id, until the round is recorded.
        self._held: dict[str, dict[str, list[Emit]]] = {}
        # Answers the updates may return, by update id.
        self._ready: dict[str, dict[str, list[Emit]]] = {}

    def route(self, user_id: str, update_id: str, join_id: str) -> None:
        """This student's news goes with ``update_id`` (of two joins in a round, the last)."""
        self._routes[user_id] = (update_id, join_id)
        self._held.setdefault(update_id, {}).setdefault(join_id, [])

    def carry(self, emits: list[Emit], *user_ids: str) -> bool:
        """Hold ``emits`` for the update of the first of ``user_ids`` that has one; False when
        none has (the caller sends them by activity)."""
        for user_id in user_ids:
            route = self._routes.get(user_id)
            if route is not None:
                update_id, join_id = route
                self._held[update_id][join_id].extend(emits)
                return True
        return False

    def release(self, still_waiting: set[str]) -> None:
        """The round is being recorded: its updates may answer with what they hold, but for
        those with joins still waiting for a round of their own."""
        for update_id in [key for key in self._held if key not in still_waiting]:
            self._ready[update_id] = self._held.pop(update_id)
        self._routes.clear()

    def answer_now(self, update_id: str) -> None:
        """Answer with what the update holds so far; its other joins are told by activity
        (the run is about to close)."""
        if update_id not in self._ready:
            self._ready[update_id] = self._held.pop(update_id, {})

    def ready(self, update_id: str) -> bool:
        return update_id in self._ready

    def take(self, update_id: str) -> dict[str, list[Emit]]:
        return self._ready.pop(update_id)
