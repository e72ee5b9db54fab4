"""The visibility queries ``peerprep ops`` builds, and the input it refuses before reaching
Temporal (exit code 2, a message naming the option)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from workers.cli import app
from workers.visibility import Filters, Kind, OpsInputError, build_query, parse_since

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_a_users_requests_and_sessions_are_one_query() -> None:
    assert build_query(Filters(user="u-1")) == (
        'WorkflowType IN ("MatchRequest", "CollabSession") AND PeerPrepUserIds = "u-1"'
    )


def test_every_filter_becomes_a_clause_in_the_stored_spelling() -> None:
    query = build_query(
        Filters(
            kind=Kind.REQUESTS,
            room="room-9",
            difficulty=" Hard ",
            topic="Dynamic   Programming",
            outcomes=["timed_out", "disconnected"],
            status="completed",
            since=NOW,
        )
    )
    assert query == (
        'WorkflowType IN ("MatchRequest") AND PeerPrepRoomId = "room-9"'
        ' AND PeerPrepDifficulty = "hard" AND PeerPrepTopics = "dynamic programming"'
        ' AND (PeerPrepOutcome = "timed_out" OR PeerPrepOutcome = "disconnected")'
        ' AND ExecutionStatus = "Completed" AND StartTime >= "2025-03-01T12:00:00Z"'
    )


def test_session_outcomes_match_any_or_one_end_reason() -> None:
    assert build_query(Filters(kind=Kind.SESSIONS, outcomes=["ended"])).endswith(
        'PeerPrepOutcome STARTS_WITH "ended:"'
    )
    assert build_query(Filters(kind=Kind.SESSIONS, outcomes=["ended:idle"])).endswith(
        'PeerPrepOutcome = "ended:idle"'
    )


@pytest.mark.parametrize(
    "value",
    ['x" OR WorkflowType = "Matchmaker', "back\\slash", "new\nline", "", "x" * 257],
)
def test_input_that_could_leave_its_literal_is_refused(value: str) -> None:
    with pytest.raises(OpsInputError) as refused:
        build_query(Filters(user=value))
    assert refused.value.option == "--user"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", NOW - timedelta(hours=2)),
        ("1h30m", NOW - timedelta(minutes=90)),
        ("7d", NOW - timedelta(days=7)),
        ("2025-02-28T08:00:00+02:00", datetime(2025, 2, 28, 6, 0, tzinfo=UTC)),
        ("2025-02-28", datetime(2025, 2, 28, tzinfo=UTC)),
    ],
)
def test_since_is_a_duration_ago_or_a_time(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--since", "yesterday"],
        ["list", "--since", "99999999999999999999d"],
        ["list", "--outcome", "timedout"],
        ["list", "--outcome", "ended:"],
        ["list", "--difficulty", "extreme"],
        ["list", "--status", "sleeping"],
        ["list", "--kind", "matchmakers"],
        ["list", "--user", 'x" OR 1 = 1'],
        ["list", "--limit", "0"],
        ["replay", "--since", "last week"],
        ["retry", "session-room-1"],
        ["retry", "match-"],
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args: list[str]) -> None:
    # Nothing listens here: every one of these is refused before Temporal is dialled.
    env = {"PEERPREP_TEMPORAL_ADDRESS": "127.0.0.1:9", "PEERPREP_JWT_SECRET": "s" * 40}
    result = CliRunner().invoke(app, ["ops", *args], env=env)
    assert result.exit_code == 2, result.output
    assert "rror" in result.output
