"""The matchmaker's pool and its memory of recent pairs, as plain state: no server."""

from __future__ import annotations

from workflows.match_messages import (
    SIGNAL_PAIRED,
    SIGNAL_WITHDRAWN,
    Criteria,
    Enqueue,
    MatchmakerState,
    Outcome,
    QuestionSummary,
    Withdraw,
    Withdrawn,
)
from workflows.match_pool import Pool, Tell
from workflows.pairing import PairingRules

QUESTION = QuestionSummary(id=7, title="Two Sum", difficulty="easy", topics=["Arrays"])
RULES = PairingRules(relax_topics_after=30, relax_difficulty_after=60, recent_pair_window=600)


def enqueue(
    user: str, topics: tuple[str, ...] = ("Arrays",), run: str = "", *, fresh: bool = False
) -> Enqueue:
    return Enqueue(
        user_id=user,
        username=f"name-{user}",
        criteria=Criteria("easy", list(topics)),
        request_workflow_id=f"match-{user}",
        request_run_id=run or f"run-{user}",
        fresh_join=fresh,
    )


def pool_of(state: MatchmakerState) -> list[str]:
    return [entry.user_id for entry in state.pool]


def test_a_repeated_join_keeps_its_place_and_takes_the_new_criteria() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    first = pool.admit(enqueue("a", fresh=True), now=10)
    pool.admit(enqueue("b"), now=11)
    again = pool.admit(enqueue("a", ("Graphs",), fresh=True), now=50)
    assert pool_of(state) == ["a", "b"]
    assert (again.enqueued_at, again.seq) == (first.enqueued_at, first.seq)
    assert again.topics == ["Graphs"]
    assert again.fresh_joins == 2
    # A new run of the same user's request starts counting its joins again.
    assert pool.admit(enqueue("a", run="run-a2", fresh=True), now=60).fresh_joins == 1


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
    assert pool.settled("run-b") == (told[1], "easy")
    # A withdrawal that crossed the pair is answered with the pair again.
    late = pool.withdraw(Withdraw("b", "run-b", Outcome.CANCELLED))
    assert late == Tell("b", "run-b", SIGNAL_PAIRED, told[1])
    pool.forget_old_pairs(now=RULES.recent_pair_window + 1)
    assert pool.settled("run-b") is None


def test_a_withdrawal_from_a_stale_run_leaves_the_live_request_waiting() -> None:
    state = MatchmakerState(rules=RULES)
    pool = Pool(state)
    pool.admit(enqueue("a", run="run-new"), now=0)
    assert pool.withdraw(Withdraw("a", "run-old", Outcome.TIMED_OUT)) is None
    assert pool_of(state) == ["a"]
    answer = pool.withdraw(Withdraw("a", "run-new", Outcome.CANCELLED))
    assert answer == Tell("a", "run-new", SIGNAL_WITHDRAWN, Withdrawn(Outcome.CANCELLED))
    assert pool_of(state) == []
    # Not waiting and not paired: still answered, so the request does not wait for ever.
    unknown = pool.withdraw(Withdraw("c", "run-c", Outcome.DISCONNECTED))
    assert unknown == Tell("c", "run-c", SIGNAL_WITHDRAWN, Withdrawn(Outcome.DISCONNECTED))
