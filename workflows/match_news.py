"""The news of a matchmaker round (joined-queue, matched), and which of its updates carries whose.

A join that arrives as an update waits for the news of its round (joined-queue, and matched for
both students if it was paired) and returns it to the web tier, which delivers it. The answers
are held until the round is recorded, so nobody hears of a pair a failed task threw away.
"""

from __future__ import annotations

from collections.abc import Iterable

from workflows.events import JOINED_QUEUE, MATCHED, MATCHING_NAMESPACE, matched_payload, user_room
from workflows.match_messages import Emit, Paired
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


class Newsroom:
    def __init__(self) -> None:
        # This round: a student's user room → the update that tells them.
        self._routes: dict[str, str] = {}
        # This round's news, by update id, until the round is recorded.
        self._held: dict[str, list[Emit]] = {}
        # Answers the updates may return, by update id.
        self._ready: dict[str, list[Emit]] = {}

    def route(self, user_id: str, update_id: str | None) -> None:
        """This student's news goes with ``update_id`` (None: by activity). Of two joins in one
        round, the last one tells; the earlier update is answered at once."""
        room = user_room(user_id)
        previous = self._routes.pop(room, None)
        if previous is not None:
            self._ready[previous] = self._held.pop(previous, [])
        if update_id is not None:
            self._routes[room] = update_id

    def hold(self, emits: list[Emit]) -> list[Emit]:
        """Keep the emits that an update of this round carries; return the rest."""
        rest = []
        for emit in emits:
            update_id = self._routes.get(emit.room)
            if update_id is None:
                rest.append(emit)
            else:
                self._held.setdefault(update_id, []).append(emit)
        return rest

    def hold_together(self, emits: list[Emit]) -> bool:
        """Keep all of ``emits`` (a pair's news) with the update of either student, if any."""
        update_id = next(
            (self._routes[emit.room] for emit in emits if emit.room in self._routes), None
        )
        if update_id is None:
            return False
        self._held.setdefault(update_id, []).extend(emits)
        return True

    def release(self) -> None:
        """The round is being recorded: its updates may answer with what they hold."""
        for update_id in self._routes.values():
            self._ready[update_id] = self._held.pop(update_id, [])
        self._routes.clear()

    def answer_empty(self, update_id: str) -> None:
        """An update that carries nothing: its student is told by activity."""
        self._ready[update_id] = []

    def ready(self, update_id: str) -> bool:
        return update_id in self._ready

    def take(self, update_id: str) -> list[Emit]:
        return self._ready.pop(update_id)
