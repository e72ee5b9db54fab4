"""The pairing rules, as pure functions (no Temporal, no I/O), used inside the matchmaker workflow.

1. Right away: same difficulty and at least one common topic; the oldest waiting partner first.
2. Once both have waited ``relax_topics_after`` seconds: same difficulty, any topics.
3. Once both have waited ``relax_difficulty_after`` seconds: one difficulty step apart (easy with
   medium, medium with hard) if they share a topic; never two steps apart.

Never a user with themself. Two users paired with each other within ``recent_pair_window``
seconds are not paired again at step 1: only once relaxation would allow any partner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

DIFFICULTIES = ("easy", "medium", "hard")
_STEP = {name: index for index, name in enumerate(DIFFICULTIES)}


class Stage(IntEnum):
    """How good a pairing is; lower is better."""

    EXACT = 1
    ANY_TOPIC = 2
    NEAR_DIFFICULTY = 3


@dataclass(frozen=True, slots=True)
class PairingRules:
    relax_topics_after: float = 30.0
    relax_difficulty_after: float = 60.0
    recent_pair_window: float = 600.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One waiting request, as the matchmaker holds it."""

    user_id: str
    username: str
    difficulty: str
    topics: list[str]
    enqueued_at: float
    seq: int
    join_id: str

    def topic_keys(self) -> set[str]:
        return {topic.lower() for topic in self.topics}


@dataclass(frozen=True, slots=True)
class Pair:
    first: Entry
    second: Entry
    stage: Stage
    difficulty: str
    topics: list[str] = field(default_factory=list)


def pair_key(a: str, b: str) -> str:
    """One key for an unordered pair of users."""
    return "|".join(sorted((a, b)))


def stage_of(a: Entry, b: Entry, now: float, rules: PairingRules, recent: set[str]) -> Stage | None:
    """The best stage at which ``a`` and ``b`` may be paired now, or ``None``."""
    if a.user_id == b.user_id:
        return None
    steps = abs(_STEP[a.difficulty] - _STEP[b.difficulty])
    if steps > 1:
        return None
    common = a.topic_keys() & b.topic_keys()
    if steps == 0 and common and pair_key(a.user_id, b.user_id) not in recent:
        return Stage.EXACT
    waited = now - max(a.enqueued_at, b.enqueued_at)
    if waited < rules.relax_topics_after:
        return None
    if steps == 0:
        return Stage.ANY_TOPIC
    if waited >= rules.relax_difficulty_after and common:
        return Stage.NEAR_DIFFICULTY
    return None


def make_pair(a: Entry, b: Entry, stage: Stage) -> Pair:
    """The pair with the older request first, its difficulty (the easier one) and its topics."""
    first, second = (a, b) if a.seq <= b.seq else (b, a)
    difficulty = min(a.difficulty, b.difficulty, key=_STEP.__getitem__)
    shared = [topic for topic in first.topics if topic.lower() in second.topic_keys()]
    return Pair(first, second, stage, difficulty, shared or _unique(first.topics + second.topics))


def _unique(topics: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for topic in topics:
        seen.setdefault(topic.lower(), topic)
    return list(seen.values())


def best_partner(
    entry: Entry, candidates: Iterable[Entry], now: float, rules: PairingRules, recent: set[str]
) -> Pair | None:
    """The best partner for ``entry``: the best stage, then the one waiting longest.

    ``candidates`` come oldest first.
    """
    best: tuple[Stage, int, Entry] | None = None
    for other in candidates:
        stage = stage_of(entry, other, now, rules, recent)
        if stage is None:
            continue
        if best is None or (stage, other.seq) < (best[0], best[1]):
            best = (stage, other.seq, other)
            if stage is Stage.EXACT:
                break  # nothing later can beat the oldest exact match
    return None if best is None else make_pair(entry, best[2], best[0])


def pair_all(
    entries: Sequence[Entry], now: float, rules: PairingRules, recent: set[str]
) -> list[Pair]:
    """Pairs among ``entries`` (oldest first): each entry, oldest first, takes its best partner."""
    taken: set[str] = set()
    pairs: list[Pair] = []
    ordered = sorted(entries, key=lambda entry: entry.seq)
    for entry in ordered:
        if entry.user_id in taken:
            continue
        others = (other for other in ordered if other.user_id not in taken)
        pair = best_partner(entry, others, now, rules, recent)
        if pair is not None:
            taken.update((pair.first.user_id, pair.second.user_id))
            pairs.append(pair)
    return pairs


def next_relaxation(entries: Iterable[Entry], now: float, rules: PairingRules) -> float | None:
    """When, after ``now``, some entry next crosses a relaxation threshold (for a timer)."""
    times = [
        entry.enqueued_at + delay
        for entry in entries
        for delay in (rules.relax_topics_after, rules.relax_difficulty_after)
        if entry.enqueued_at + delay > now
    ]
    return min(times, default=None)


def position_of(entry: Entry, entries: Iterable[Entry]) -> int:
    """1-based place of ``entry`` among the waiting requests of its difficulty."""
    return 1 + sum(
        1 for other in entries if other.difficulty == entry.difficulty and other.seq < entry.seq
    )
