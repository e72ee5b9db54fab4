"""The pairing rules of the matchmaker, as pure functions: no server, no database."""

from __future__ import annotations

import itertools
import random

import pytest

from workflows.pairing import (
    DIFFICULTIES,
    Entry,
    Pair,
    PairingRules,
    Stage,
    best_partner,
    make_pair,
    next_relaxation,
    pair_all,
    pair_key,
    position_of,
    stage_of,
)

RULES = PairingRules(relax_topics_after=30, relax_difficulty_after=60, recent_pair_window=600)
NO_RECENT: set[str] = set()
_SEQ = itertools.count()


def entry(
    user: str,
    difficulty: str = "medium",
    topics: list[str] | None = None,
    at: float = 0.0,
    seq: int | None = None,
) -> Entry:
    return Entry(
        user_id=user,
        username=f"name-{user}",
        difficulty=difficulty,
        topics=["Arrays"] if topics is None else topics,
        enqueued_at=at,
        seq=next(_SEQ) if seq is None else seq,
        join_id=f"join-{user}",
    )


def users_of(pair: Pair) -> tuple[str, str]:
    return pair.first.user_id, pair.second.user_id


# Rule 1: same difficulty and a common topic, right away.


def test_same_difficulty_and_common_topic_pairs_at_once() -> None:
    a = entry("a", "easy", ["Arrays", "Graphs"], at=100, seq=1)
    b = entry("b", "easy", ["Graphs"], at=100, seq=2)
    assert stage_of(a, b, 100, RULES, NO_RECENT) is Stage.EXACT
    pairs = pair_all([a, b], 100, RULES, NO_RECENT)
    assert [(users_of(p), p.stage) for p in pairs] == [(("a", "b"), Stage.EXACT)]


def test_common_topic_is_found_regardless_of_case() -> None:
    a = entry("a", "hard", ["Dynamic Programming"], at=0)
    b = entry("b", "hard", ["dynamic programming"], at=0)
    assert stage_of(a, b, 0, RULES, NO_RECENT) is Stage.EXACT


# Rule 2: same difficulty, any topics, once both have waited relax_topics_after.


def test_no_common_topic_does_not_pair_before_both_waited_relax_topics() -> None:
    a = entry("a", "medium", ["Arrays"], at=0)
    b = entry("b", "medium", ["Graphs"], at=0)
    assert stage_of(a, b, 29.9, RULES, NO_RECENT) is None
    assert pair_all([a, b], 29.9, RULES, NO_RECENT) == []


def test_no_common_topic_pairs_at_any_topic_once_both_waited_relax_topics() -> None:
    a = entry("a", "medium", ["Arrays"], at=0)
    b = entry("b", "medium", ["Graphs"], at=0)
    assert stage_of(a, b, 30, RULES, NO_RECENT) is Stage.ANY_TOPIC
    [pair] = pair_all([a, b], 30, RULES, NO_RECENT)
    assert pair.stage is Stage.ANY_TOPIC
    assert pair.difficulty == "medium"


def test_any_topic_is_never_instant_the_younger_requests_wait_counts() -> None:
    old = entry("old", "medium", ["Arrays"], at=0)
    new = entry("new", "medium", ["Graphs"], at=100)
    # The older one has waited long enough, but the newcomer has not.
    assert stage_of(old, new, 100, RULES, NO_RECENT) is None
    assert stage_of(new, old, 129, RULES, NO_RECENT) is None
    assert stage_of(old, new, 130, RULES, NO_RECENT) is Stage.ANY_TOPIC


# Rule 3: one difficulty step apart, with a common topic, after relax_difficulty_after.


@pytest.mark.parametrize(("lower", "upper"), [("easy", "medium"), ("medium", "hard")])
def test_one_step_apart_pairs_only_after_both_waited_relax_difficulty(
    lower: str, upper: str
) -> None:
    a = entry("a", lower, ["Arrays"], at=0)
    b = entry("b", upper, ["arrays"], at=10)
    assert stage_of(a, b, 0 + 10, RULES, NO_RECENT) is None
    assert stage_of(a, b, 10 + 30, RULES, NO_RECENT) is None
    assert stage_of(a, b, 10 + 59.9, RULES, NO_RECENT) is None
    assert stage_of(a, b, 10 + 60, RULES, NO_RECENT) is Stage.NEAR_DIFFICULTY


def test_one_step_apart_without_a_common_topic_never_pairs() -> None:
    a = entry("a", "easy", ["Arrays"], at=0)
    b = entry("b", "medium", ["Graphs"], at=0)
    for now in (0, 30, 60, 10_000):
        assert stage_of(a, b, now, RULES, NO_RECENT) is None
    assert pair_all([a, b], 10_000, RULES, NO_RECENT) == []


@pytest.mark.parametrize(("first", "second"), [("medium", "easy"), ("hard", "medium")])
def test_a_near_difficulty_pair_takes_the_easier_difficulty(first: str, second: str) -> None:
    a = entry("a", first, ["Arrays"], at=0, seq=1)
    b = entry("b", second, ["Arrays"], at=0, seq=2)
    [pair] = pair_all([a, b], 60, RULES, NO_RECENT)
    assert pair.stage is Stage.NEAR_DIFFICULTY
    assert pair.difficulty == second
    assert users_of(pair) == ("a", "b")


def test_two_steps_apart_never_pair_however_long_they_wait() -> None:
    a = entry("a", "easy", ["Arrays"], at=0)
    b = entry("b", "hard", ["Arrays"], at=0)
    for now in (0, 30, 60, 10**9):
        assert stage_of(a, b, now, RULES, NO_RECENT) is None
        assert stage_of(b, a, now, RULES, NO_RECENT) is None
    assert pair_all([a, b], 10**9, RULES, NO_RECENT) == []


# Never a user with themself.


def test_a_user_is_never_paired_with_themself() -> None:
    first = entry("same", "easy", ["Arrays"], at=0)
    again = entry("same", "easy", ["Arrays"], at=0)
    for now in (0, 30, 60, 10_000):
        assert stage_of(first, again, now, RULES, NO_RECENT) is None
    assert pair_all([first, again], 10_000, RULES, NO_RECENT) == []
    assert best_partner(first, [first, again], 10_000, RULES, NO_RECENT) is None


# Choosing among candidates.


def test_the_oldest_waiting_partner_is_chosen_among_equally_good_candidates() -> None:
    me = entry("me", "easy", ["Arrays"], at=50, seq=5)
    older = entry("older", "easy", ["Arrays"], at=10, seq=2)
    oldest = entry("oldest", "easy", ["Arrays"], at=0, seq=1)
    newer = entry("newer", "easy", ["Arrays"], at=60, seq=6)
    pair = best_partner(me, [oldest, older, newer], 60, RULES, NO_RECENT)
    assert pair is not None
    assert pair.stage is Stage.EXACT
    assert users_of(pair) == ("oldest", "me")


def test_the_oldest_any_topic_partner_is_chosen_among_equally_good_candidates() -> None:
    me = entry("me", "easy", ["Arrays"], at=0, seq=3)
    first = entry("first", "easy", ["Graphs"], at=0, seq=1)
    second = entry("second", "easy", ["Trees"], at=0, seq=2)
    pair = best_partner(me, [first, second], 30, RULES, NO_RECENT)
    assert pair is not None
    assert (pair.stage, users_of(pair)) == (Stage.ANY_TOPIC, ("first", "me"))


def test_a_better_stage_beats_an_older_candidate() -> None:
    me = entry("me", "medium", ["Arrays"], at=0, seq=10)
    old_near = entry("old-near", "easy", ["Arrays"], at=0, seq=1)
    old_any = entry("old-any", "medium", ["Graphs"], at=0, seq=2)
    young_exact = entry("young-exact", "medium", ["Arrays"], at=0, seq=3)
    now = 100  # every stage is allowed for every candidate
    pair = best_partner(me, [old_near, old_any, young_exact], now, RULES, NO_RECENT)
    assert pair is not None
    assert (pair.stage, pair.second.user_id) == (Stage.EXACT, "me")
    assert pair.first.user_id == "young-exact"
    pair = best_partner(me, [old_near, old_any], now, RULES, NO_RECENT)
    assert pair is not None
    assert (pair.stage, pair.first.user_id) == (Stage.ANY_TOPIC, "old-any")


# Recent partners.


def test_recent_partners_are_not_paired_at_exact_stage() -> None:
    a = entry("a", "easy", ["Arrays"], at=0)
    b = entry("b", "easy", ["Arrays"], at=0)
    recent = {pair_key("b", "a")}
    assert stage_of(a, b, 0, RULES, recent) is None
    assert stage_of(a, b, 29.9, RULES, recent) is None
    assert pair_all([a, b], 0, RULES, recent) == []


def test_recent_partners_are_paired_once_relaxation_allows_any_partner() -> None:
    a = entry("a", "easy", ["Arrays"], at=0, seq=1)
    b = entry("b", "easy", ["Arrays"], at=0, seq=2)
    recent = {pair_key("a", "b")}
    [pair] = pair_all([a, b], 30, RULES, recent)
    assert pair.stage is Stage.ANY_TOPIC
    assert pair.topics == ["Arrays"]


def test_a_fresh_partner_is_preferred_to_a_recent_one() -> None:
    me = entry("me", "easy", ["Arrays"], at=0, seq=3)
    recent_one = entry("recent", "easy", ["Arrays"], at=0, seq=1)
    fresh = entry("fresh", "easy", ["Arrays"], at=0, seq=2)
    pair = best_partner(me, [recent_one, fresh], 0, RULES, {pair_key("me", "recent")})
    assert pair is not None
    assert (pair.stage, pair.first.user_id) == (Stage.EXACT, "fresh")


def test_pair_key_is_the_same_in_either_order() -> None:
    assert pair_key("a", "b") == pair_key("b", "a")
    assert pair_key("a", "b") != pair_key("a", "c")


# make_pair.


def test_make_pair_puts_the_older_request_first() -> None:
    old = entry("old", "easy", ["Arrays"], at=0, seq=1)
    new = entry("new", "easy", ["Arrays"], at=5, seq=2)
    assert users_of(make_pair(new, old, Stage.EXACT)) == ("old", "new")
    assert users_of(make_pair(old, new, Stage.EXACT)) == ("old", "new")


def test_make_pair_topics_are_the_shared_ones_in_the_first_requests_spelling() -> None:
    old = entry("old", "easy", ["Graphs", "dynamic programming", "Arrays"], seq=1)
    new = entry("new", "easy", ["ARRAYS", "Dynamic Programming", "Trees"], seq=2)
    pair = make_pair(new, old, Stage.EXACT)
    assert pair.topics == ["dynamic programming", "Arrays"]
    assert pair.stage is Stage.EXACT
    assert pair.difficulty == "easy"


def test_make_pair_topics_are_the_union_when_none_are_shared() -> None:
    old = entry("old", "easy", ["Graphs", "Trees"], seq=1)
    new = entry("new", "easy", ["Strings", "Math"], seq=2)
    pair = make_pair(new, old, Stage.ANY_TOPIC)
    assert pair.topics == ["Graphs", "Trees", "Strings", "Math"]


def test_make_pair_takes_the_easier_difficulty() -> None:
    hard = entry("h", "hard", ["Arrays"], seq=1)
    medium = entry("m", "medium", ["Arrays"], seq=2)
    assert make_pair(hard, medium, Stage.NEAR_DIFFICULTY).difficulty == "medium"


# pair_all.


def test_pair_all_puts_every_entry_in_at_most_one_pair() -> None:
    pool = [entry(f"u{i}", "easy", ["Arrays"], at=0, seq=i) for i in range(5)]
    pairs = pair_all(pool, 0, RULES, NO_RECENT)
    assert [users_of(p) for p in pairs] == [("u0", "u1"), ("u2", "u3")]


def test_pair_all_lets_the_oldest_take_its_best_partner_first() -> None:
    # The oldest (a) and the youngest (c) share a topic; b only matches a at relaxation.
    a = entry("a", "easy", ["Arrays", "Graphs"], at=0, seq=1)
    b = entry("b", "easy", ["Trees"], at=0, seq=2)
    c = entry("c", "easy", ["graphs"], at=0, seq=3)
    d = entry("d", "easy", ["Trees"], at=0, seq=4)
    pairs = pair_all([d, c, b, a], 0, RULES, NO_RECENT)
    assert [(users_of(p), p.stage) for p in pairs] == [
        (("a", "c"), Stage.EXACT),
        (("b", "d"), Stage.EXACT),
    ]


def test_pair_all_serves_the_oldest_first_even_if_younger_ones_would_match_better() -> None:
    # b and c would be an exact match, but a is older and takes its best partner first.
    a = entry("a", "medium", ["Arrays"], at=0, seq=1)
    b = entry("b", "medium", ["Graphs"], at=0, seq=2)
    c = entry("c", "medium", ["Graphs"], at=0, seq=3)
    [pair] = pair_all([c, b, a], 30, RULES, NO_RECENT)
    assert (users_of(pair), pair.stage) == (("a", "b"), Stage.ANY_TOPIC)


def test_pair_all_is_deterministic_for_the_same_input() -> None:
    pool = [
        entry(f"u{i}", DIFFICULTIES[i % 3], [["Arrays"], ["Graphs"]][i % 2], at=i * 7, seq=i)
        for i in range(12)
    ]
    now = 200
    expected = pair_all(pool, now, RULES, NO_RECENT)
    assert expected
    for _ in range(5):
        assert pair_all(pool, now, RULES, NO_RECENT) == expected
    shuffled = list(pool)
    random.Random(7).shuffle(shuffled)
    assert pair_all(shuffled, now, RULES, NO_RECENT) == expected


# next_relaxation and position_of.


def test_next_relaxation_is_the_earliest_future_threshold() -> None:
    a = entry("a", at=0)
    b = entry("b", at=20)
    assert next_relaxation([a, b], 0, RULES) == 30  # a relaxes topics
    assert next_relaxation([a, b], 30, RULES) == 50  # b relaxes topics
    assert next_relaxation([a, b], 50, RULES) == 60  # a relaxes difficulty
    assert next_relaxation([a, b], 60, RULES) == 80  # b relaxes difficulty


def test_next_relaxation_is_none_when_every_threshold_has_passed() -> None:
    assert next_relaxation([entry("a", at=0), entry("b", at=20)], 80, RULES) is None
    assert next_relaxation([], 0, RULES) is None


def test_position_of_counts_only_earlier_entries_of_the_same_difficulty() -> None:
    pool = [
        entry("e1", "easy", seq=1),
        entry("m1", "medium", seq=2),
        entry("e2", "easy", seq=3),
        entry("h1", "hard", seq=4),
        entry("e3", "easy", seq=5),
        entry("m2", "medium", seq=6),
    ]
    positions = {item.user_id: position_of(item, pool) for item in pool}
    assert positions == {"e1": 1, "m1": 1, "e2": 2, "h1": 1, "e3": 3, "m2": 2}


# Invariants over many random pools (hypothesis is not installed: a seeded random loop).

TOPICS = ["Arrays", "arrays", "Graphs", "Trees", "Strings", "Math"]


def random_pool(rng: random.Random, now: float) -> list[Entry]:
    size = rng.randint(0, 12)
    times = sorted(rng.uniform(now - 120, now) for _ in range(size))
    return [
        Entry(
            user_id=f"u{rng.randint(0, 8)}",  # repeats on purpose: the same user twice
            username="x",
            difficulty=rng.choice(DIFFICULTIES),
            topics=rng.sample(TOPICS, rng.randint(1, 3)),
            enqueued_at=at,
            seq=seq,
            join_id=f"join-{seq}",
        )
        for seq, at in enumerate(times)
    ]


def random_recent(rng: random.Random) -> set[str]:
    return {pair_key(f"u{rng.randint(0, 8)}", f"u{rng.randint(0, 8)}") for _ in range(4)}


def test_pair_all_invariants_hold_over_random_pools() -> None:
    rng = random.Random(20240601)
    delays = {
        Stage.EXACT: 0.0,
        Stage.ANY_TOPIC: RULES.relax_topics_after,
        Stage.NEAR_DIFFICULTY: RULES.relax_difficulty_after,
    }
    steps = {name: index for index, name in enumerate(DIFFICULTIES)}
    paired_somewhere = 0
    for _ in range(2000):
        now = 1000.0
        pool = random_pool(rng, now)
        recent = random_recent(rng)
        pairs = pair_all(pool, now, RULES, recent)
        paired_somewhere += bool(pairs)

        seen: list[str] = []
        for pair in pairs:
            a, b = pair.first, pair.second
            seen += [a.user_id, b.user_id]
            assert a.user_id != b.user_id
            gap = abs(steps[a.difficulty] - steps[b.difficulty])
            assert gap <= 1
            assert (gap == 1) == (pair.stage is Stage.NEAR_DIFFICULTY)
            assert now - max(a.enqueued_at, b.enqueued_at) >= delays[pair.stage]
            assert a.seq < b.seq
            assert pair.difficulty == min(a.difficulty, b.difficulty, key=steps.__getitem__)
            if pair.stage is not Stage.ANY_TOPIC:
                assert a.topic_keys() & b.topic_keys()
            if pair.stage is Stage.EXACT:
                assert pair_key(a.user_id, b.user_id) not in recent
        assert len(seen) == len(set(seen)), "a user is in two pairs"

        # Nothing is left that could still be paired now.
        left = [item for item in pool if item.user_id not in seen]
        for x, y in itertools.combinations(left, 2):
            assert stage_of(x, y, now, RULES, recent) is None

        # The same input gives the same pairs, in whatever order it comes.
        shuffled = list(pool)
        rng.shuffle(shuffled)
        assert pair_all(shuffled, now, RULES, recent) == pairs
    assert paired_somewhere > 500
