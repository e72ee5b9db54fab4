"""The matchmaker's pool of waiting requests and its memory of recent pairs.

Plain state changes on :class:`MatchmakerState` (no Temporal calls, no I/O), so the matchmaker
workflow keeps only the rounds and their messages, and these rules are tested without a server.
"""

from __future__ import annotations

from typing import NamedTuple

from workflows.match_messages import (
    SIGNAL_PAIRED,
    SIGNAL_WITHDRAWN,
    Enqueue,
    MatchmakerState,
    Paired,
    Partner,
    QuestionSummary,
    RecentPair,
    Withdraw,
    Withdrawn,
)
from workflows.pairing import Entry, Pair, best_partner, pair_all, pair_key


class Tell(NamedTuple):
    """A signal the matchmaker owes one request run."""

    user_id: str
    run_id: str
    signal: str
    message: object


class Pool:
    """The waiting requests (oldest first) and the pairs made within the recent-pair window."""

    def __init__(self, state: MatchmakerState) -> None:
        self._state = state

    def admit(self, request: Enqueue, now: float) -> Entry:
        """Add a request to the pool, or update it in place: a changed request keeps its place."""
        for index, entry in enumerate(self._state.pool):
            if entry.user_id == request.user_id:
                same_run = entry.request_run_id == request.request_run_id
                updated = Entry(
                    user_id=entry.user_id,
                    username=request.username,
                    difficulty=request.criteria.difficulty,
                    topics=list(request.criteria.topics),
                    enqueued_at=entry.enqueued_at,
                    seq=entry.seq,
                    request_run_id=request.request_run_id,
                    fresh_joins=(entry.fresh_joins if same_run else 0) + int(request.fresh_join),
                    unheard=(entry.unheard and same_run) or request.unheard,
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
            request_run_id=request.request_run_id,
            fresh_joins=int(request.fresh_join),
            unheard=request.unheard,
        )
        self._state.next_seq += 1
        self._state.pool.append(entry)
        return entry

    def withdraw(self, request: Withdraw) -> Tell | None:
        """Take a request out of the pool; the answer its run is owed, if any."""
        for entry in self._state.pool:
            if entry.user_id == request.user_id:
                if entry.request_run_id != request.request_run_id:
                    return None  # a stale run's withdrawal: the live request stays
                self._state.pool.remove(entry)
                return Tell(
                    entry.user_id, entry.request_run_id, SIGNAL_WITHDRAWN, Withdrawn(request.reason)
                )
        settled = self.settled(request.request_run_id)
        if settled is not None:
            # Paired before the withdrawal arrived: the pairing stands; say so again.
            return Tell(request.user_id, request.request_run_id, SIGNAL_PAIRED, settled[0])
        return Tell(
            request.user_id, request.request_run_id, SIGNAL_WITHDRAWN, Withdrawn(request.reason)
        )

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
        """Record the pair (so late messages from either request get the same answer) and
        return what each of the two is told."""
        paired = [
            Paired(
                room_id,
                Partner(pair.second.user_id, pair.second.username),
                question,
                joins_seen=pair.first.fresh_joins,
            ),
            Paired(
                room_id,
                Partner(pair.first.user_id, pair.first.username),
                question,
                joins_seen=pair.second.fresh_joins,
            ),
        ]
        self._state.recent.append(
            RecentPair(
                users=[pair.first.user_id, pair.second.user_id],
                at=now,
                room_id=room_id,
                paired=paired,
                run_ids=[pair.first.request_run_id, pair.second.request_run_id],
                difficulty=pair.difficulty,
            )
        )
        return paired

    def settled(self, run_id: str) -> tuple[Paired, str] | None:
        """What a request run was paired with, and at which difficulty, if it was recently."""
        for recent in self._state.recent:
            if run_id in recent.run_ids:
                return recent.paired[recent.run_ids.index(run_id)], recent.difficulty
        return None

    def forget_old_pairs(self, now: float) -> None:
        window = self._state.rules.recent_pair_window
        self._state.recent = [recent for recent in self._state.recent if now - recent.at < window]

    def _take(self, pair: Pair) -> None:
        self._state.pool.remove(pair.first)
        self._state.pool.remove(pair.second)

    def _recent_keys(self) -> set[str]:
        return {pair_key(*recent.users) for recent in self._state.recent}
