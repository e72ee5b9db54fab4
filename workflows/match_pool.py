"""The matchmaker's pool of waiting joins and its memory of recent pairs.

Plain state changes on :class:`MatchmakerState` (no Temporal calls, no I/O), so the matchmaker
workflow keeps only the rounds and their messages, and these rules are tested without a server.
"""

from __future__ import annotations

from typing import NamedTuple

from workflows.match_messages import (
    SIGNAL_SETTLED,
    Enqueue,
    MatchmakerState,
    Outcome,
    Paired,
    Partner,
    QuestionSummary,
    RecentPair,
    Settled,
    Withdraw,
)
from workflows.pairing import Entry, Pair, best_partner, pair_all, pair_key


class Tell(NamedTuple):
    """A signal the matchmaker owes one user's request."""

    user_id: str
    signal: str
    message: object


class Pool:
    """The waiting joins (oldest first) and the pairs made within the recent-pair window."""

    def __init__(self, state: MatchmakerState) -> None:
        self._state = state

    def admit(self, request: Enqueue, now: float) -> Entry:
        """Add a join to the pool, or put it in the place of the user's older join: a user
        waits once, and a changed join keeps its place in line."""
        for index, entry in enumerate(self._state.pool):
            if entry.user_id == request.user_id:
                updated = Entry(
                    user_id=entry.user_id,
                    username=request.username,
                    difficulty=request.criteria.difficulty,
                    topics=list(request.criteria.topics),
                    enqueued_at=entry.enqueued_at,
                    seq=entry.seq,
                    join_id=request.join_id,
                )
                self._state.pool[index] = updated
                return updated
        entry = Entry(
            user_id=request.user_id,
            username=request.username,
            difficulty=request.criteria.difficulty,
            topics=list(request.criteria.topics),
            enqueued_at=now,
            seq=self._state.next_seq,
            join_id=request.join_id,
        )
        self._state.next_seq += 1
        self._state.pool.append(entry)
        return entry

    def withdraw(self, request: Withdraw) -> tuple[Tell, bool]:
        """Take a join out of the pool. Returns the answer its request is owed, and whether its
        student is to hear why: not when the join had been paired (the pairing stands) or when
        a newer join of theirs waits in its place."""
        settled = self.settled(request.join_id)
        if settled is not None:
            paired, _difficulty = settled
            answer = Settled(request.join_id, Outcome.MATCHED, paired)
            return Tell(request.user_id, SIGNAL_SETTLED, answer), False
        answer = Settled(request.join_id, request.reason)
        for entry in self._state.pool:
            if entry.user_id == request.user_id:
                if entry.join_id != request.join_id:
                    return Tell(request.user_id, SIGNAL_SETTLED, answer), False
                self._state.pool.remove(entry)
                break
        # Also when the join never reached the pool: its request is told it is out either way.
        return Tell(request.user_id, SIGNAL_SETTLED, answer), True

    def pair_arrivals(self, arrivals: list[Entry], now: float) -> list[Pair]:
        """Partners for this round's arrivals, in the order they came, under the strict rules."""
        pairs: list[Pair] = []
        recent = self._recent_keys()
        for entry in sorted(arrivals, key=lambda item: item.seq):
            if entry not in self._state.pool:
                continue  # already taken by an earlier arrival of this round
            candidates = [other for other in self._state.pool if other is not entry]
            pair = best_partner(entry, candidates, now, self._state.rules, recent)
            if pair is not None:
                self._take(pair)
                pairs.append(pair)
        return pairs

    def pair_relaxed(self, now: float) -> list[Pair]:
        """Pairs among those who have waited long enough for the relaxed rules."""
        relaxed = [
            entry
            for entry in self._state.pool
            if now - entry.enqueued_at >= self._state.rules.relax_topics_after
        ]
        pairs = pair_all(relaxed, now, self._state.rules, self._recent_keys())
        for pair in pairs:
            self._take(pair)
        return pairs

    def remember(
        self, pair: Pair, room_id: str, question: QuestionSummary, now: float
    ) -> list[Paired]:
        """Record the pair (so a late message about either join gets the same answer) and
        return what each of the two is told."""
        paired = [
            Paired(room_id, Partner(pair.second.user_id, pair.second.username), question),
            Paired(room_id, Partner(pair.first.user_id, pair.first.username), question),
        ]
        self._state.recent.append(
            RecentPair(
                users=[pair.first.user_id, pair.second.user_id],
                at=now,
                room_id=room_id,
                paired=paired,
                join_ids=[pair.first.join_id, pair.second.join_id],
                difficulty=pair.difficulty,
            )
        )
        return paired

    def settled(self, join_id: str) -> tuple[Paired, str] | None:
        """What a join was paired with, and at which difficulty, if it was recently."""
        for recent in self._state.recent:
            if join_id in recent.join_ids:
                return recent.paired[recent.join_ids.index(join_id)], recent.difficulty
        return None

    def forget_old_pairs(self, now: float) -> None:
        window = self._state.rules.recent_pair_window
        self._state.recent = [recent for recent in self._state.recent if now - recent.at < window]

    def _take(self, pair: Pair) -> None:
        self._state.pool.remove(pair.first)
        self._state.pool.remove(pair.second)

    def _recent_keys(self) -> set[str]:
        return {pair_key(*recent.users) for recent in self._state.recent}
