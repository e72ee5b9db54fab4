"""The matchmaker's pool and its memory of recent pairs, as plain state: no server."""

from __future__ import annotations

from workflows.match_messages import (
    SIGNAL_SETTLED,
    Criteria,
    Enqueue,
    MatchmakerState,
    Outcome,
    QuestionSummary,
    Settled,
    Withdraw,
)
from workflows.match_pool import Pool, Tell
from workflows.pairing import PairingRules

QUESTION = QuestionSummary(id=7, title="Two Sum", difficulty="easy", topics=["Arrays"])
RULES = PairingRules(relax_topics_after=30, relax_difficulty_after=60, recent_pair_window=600)


def enqueue(user: str, topics: tuple[str, ...] = ("Arrays",), join: str = "") -> Enqueue:
    return Enqueue(
        user_id=user,
        username=f"name-{user}",
        criteria=Criteria("easy", list(topics)),
        join_id=join or f"join-{user}",
    )


def pool_of(state: MatchmakerState) -> list[str]:
    return [entry.user_id for entry in state.pool]


def test_a_newer_join_of_a_waiting_user_takes_the_older_one_s_place_and_criteria() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    first = pool.admit(enqueue("a"), now=10)
    pool.admit(enqueue("b"), now=11)
    again = pool.admit(enqueue("a", ("Graphs",), join="join-a2"), now=50)
    assert pool_of(state) == ["a", "b"]
    assert (again.enqueued_at, again.seq) == (first.enqueued_at, first.seq)
    assert (again.topics, again.join_id) == (["Graphs"], "join-a2")


def test_arrivals_pair_in_the_order_they_came_and_nobody_twice() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    waiting = pool.admit(enqueue("w"), now=0)
    arrivals = [pool.admit(enqueue(user), now=5) for user in ("x", "y", "z")]
    pairs = pool.pair_arrivals(arrivals, now=5)
    assert [(pair.first.user_id, pair.second.user_id) for pair in pairs] == [
        ("w", "x"),
        ("y", "z"),
    ]
    assert waiting not in state.pool
    assert state.pool == []


def test_only_those_past_the_relaxation_delay_pair_on_any_topic() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    pool.admit(enqueue("old", ("Arrays",)), now=0)
    pool.admit(enqueue("older", ("Graphs",)), now=0)
    pool.admit(enqueue("new", ("Heap",)), now=25)
    assert pool.pair_relaxed(now=20) == []
    pairs = pool.pair_relaxed(now=31)
    assert {pairs[0].first.user_id, pairs[0].second.user_id} == {"old", "older"}
    assert pool_of(state) == ["new"]


def test_a_pair_is_remembered_for_late_messages_until_its_window_passes() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    arrivals = [pool.admit(enqueue(user), now=0) for user in ("a", "b")]
    (pair,) = pool.pair_arrivals(arrivals, now=0)
    told = pool.remember(pair, "room-1", QUESTION, now=0)
    assert [paired.partner.id for paired in told] == ["b", "a"]
    assert pool.settled("join-b") == (told[1], "easy")
    # A withdrawal that crossed the pair is answered with the pair again, and nobody is told
    # anything else.
    late = pool.withdraw(Withdraw("b", "join-b", Outcome.CANCELLED))
    assert late == (Tell("b", SIGNAL_SETTLED, Settled("join-b", Outcome.MATCHED, told[1])), False)
    pool.forget_old_pairs(now=RULES.recent_pair_window + 1)
    assert pool.settled("join-b") is None


def test_a_withdrawal_of_an_older_join_leaves_the_newer_one_waiting() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    pool.admit(enqueue("a", join="join-new"), now=0)
    stale = pool.withdraw(Withdraw("a", "join-old", Outcome.TIMED_OUT))
    # Its request hears that join is out; the student is not told (a newer join waits).
    assert stale == (Tell("a", SIGNAL_SETTLED, Settled("join-old", Outcome.TIMED_OUT)), False)
    assert pool_of(state) == ["a"]
    answer = pool.withdraw(Withdraw("a", "join-new", Outcome.CANCELLED))
    assert answer == (Tell("a", SIGNAL_SETTLED, Settled("join-new", Outcome.CANCELLED)), True)
    assert pool_of(state) == []
    # Not waiting and not paired (the join never reached the pool): still answered, so the
    # request does not wait for ever, and its student hears why.
    unknown = pool.withdraw(Withdraw("c", "join-c", Outcome.DISCONNECTED))
    assert unknown == (Tell("c", SIGNAL_SETTLED, Settled("join-c", Outcome.DISCONNECTED)), True)
