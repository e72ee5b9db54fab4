"""Points and the ranking cannot be farmed: a question's points need real work (an Accepted
submission of the question's tests, an edit of the code, a room that lasted) and go to a user
once, not once per session, also when two sessions end at the same moment."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from storage import attempts, users
from storage.attempts import PointsRule, SessionOutcome
from storage.code_runs import BestSubmission
from storage.database import Database
from tests.helpers.accounts import Accounts
from tests.helpers.code_runs import (
    executor_stack,
    needs_a_sandbox,
    question_of,
    reference,
    submitted,
    write,
)
from tests.helpers.live_stack import LiveStack
from tests.helpers.records import attempts_with_code, profile_of
from tests.helpers.rooms import Peers, join, matched_room

QUESTION = {"id": 1, "title": "Two Sum", "difficulty": "Easy", "topics": ["Arrays"]}
ACCEPTED = BestSubmission("run-accepted", "Accepted")


async def _finish(stack: LiveStack, room: str) -> dict[str, Any]:
    assert stack.client is not None
    result: dict[str, Any] = await asyncio.wait_for(
        stack.call(stack.client.get_workflow_handle(f"session-{room}").result()), 30
    )
    return result


async def _complete_and_leave(one: Any, two: Any) -> None:
    for editor in (one, two):
        await editor.peer.emit("collab:complete")
        await editor.peer.wait_for("collab:completed")
    await one.peer.emit("collab:leave")
    await two.peer.wait_for("collab:left")
    await two.peer.emit("collab:leave")


async def test_completing_at_once_without_writing_code_earns_nothing(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    stack = live_stack(points_min_session_seconds=300)
    room, farmer, throwaway = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, farmer, room), await join(stack, peers, throwaway, room)
    await _complete_and_leave(one, two)
    assert (await _finish(stack, room))["reason"] == "left"
    for account in (farmer, throwaway):
        recorded = await attempts_with_code(http, account)
        assert [(a["status"], a["points_awarded"]) for a in recorded] == [("completed", 0)]
        profile = await profile_of(http, account)
        assert (profile["total_points"], profile["questions_completed"]) == (0, 0)


async def test_points_go_to_the_member_who_wrote_code_that_was_accepted_in_a_room_that_lasted(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    needs_a_sandbox()
    stack = executor_stack(live_stack, points_min_session_seconds=2)
    room, writer, watcher = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, writer, room), await join(stack, peers, watcher, room)
    await write(one, two, reference(await question_of(stack, room)))
    # The watcher's own click is fine: the room's submission counts, the watcher's hands do not.
    accepted = await submitted(two)
    assert accepted["verdict"] == "Accepted"
    await asyncio.sleep(2.2)  # the rule's minimum room time, which this test is about
    await _complete_and_leave(one, two)
    await _finish(stack, room)
    recorded = {
        account.username: await attempts_with_code(http, account) for account in (writer, watcher)
    }
    assert [a["points_awarded"] for a in recorded[watcher.username]] == [0]
    assert recorded[writer.username][0]["points_awarded"] > 0
    for attempts_of in recorded.values():
        best = (attempts_of[0]["best_run_id"], attempts_of[0]["best_verdict"])
        assert best == (accepted["runId"], "Accepted")
    assert (await profile_of(http, writer))["questions_completed"] == 1


async def test_marking_completed_after_a_wrong_submission_earns_nothing(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    needs_a_sandbox()
    stack = executor_stack(live_stack, points_min_session_seconds=0)
    room, writer, partner = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, writer, room), await join(stack, peers, partner, room)
    await write(one, two, "wrong = True\n")  # defines nothing the tests call
    failed = await submitted(one)
    assert failed["verdict"] != "Accepted"
    await _complete_and_leave(one, two)
    await _finish(stack, room)
    recorded = await attempts_with_code(http, writer)
    assert [(a["status"], a["points_awarded"], a["best_verdict"]) for a in recorded] == [
        ("completed", 0, failed["verdict"])
    ]
    assert (await profile_of(http, writer))["total_points"] == 0


async def _user(database: Database) -> uuid.UUID:
    tag = uuid.uuid4().hex[:12]
    async with database.session() as session:
        user = await users.create_user(
            session, email=f"farm-{tag}@example.com", username=f"farm_{tag}", password_hash=None
        )
        return user.id


async def _record(database: Database, user: uuid.UUID, room: str) -> int:
    started = datetime.now(UTC) - timedelta(minutes=10)
    async with database.session() as session:
        return await attempts.record_session_attempts(
            session,
            room_id=room,
            question_id=1,
            question=QUESTION,
            language="python",
            code="x",
            started_at=started,
            ended_at=started + timedelta(minutes=9),
            outcomes=[SessionOutcome(user, None, completed=True, edited=True)],
            rule=PointsRule(min_session_seconds=60),
            best=ACCEPTED,
        )


async def _points(database: Database, user: uuid.UUID) -> tuple[int, int]:
    async with database.session() as session:
        found = await users.get_user(session, user)
        assert found is not None
        return found.total_points, found.questions_completed


async def test_a_question_earns_its_points_once_per_user_across_sessions(
    database: Database,
) -> None:
    user = await _user(database)
    assert await _record(database, user, f"room-{uuid.uuid4().hex}") == 1
    assert await _record(database, user, f"room-{uuid.uuid4().hex}") == 1
    assert await _points(database, user) == (1, 1)


async def test_two_sessions_ending_at_once_award_a_question_once(database: Database) -> None:
    user = await _user(database)
    rooms = [f"room-{uuid.uuid4().hex}" for _ in range(2)]
    results = await asyncio.gather(
        *(_record(database, user, room) for room in rooms), return_exceptions=True
    )
    # The loser of the race raises (its activity retries and then records without points).
    retried = [
        await _record(database, user, room)
        for room, result in zip(rooms, results, strict=True)
        if isinstance(result, BaseException)
    ]
    assert all(count == 1 for count in retried)
    assert await _points(database, user) == (1, 1)


@pytest.mark.parametrize("edited", [False, True])
def test_the_rule_needs_an_accepted_submission_an_edit_and_time(edited: bool) -> None:
    rule = PointsRule(min_session_seconds=300)
    start, lasted = datetime(2026, 1, 1, tzinfo=UTC), timedelta(seconds=301)
    outcome = SessionOutcome(uuid.uuid4(), None, completed=False, edited=edited)
    assert rule.earns(outcome, ACCEPTED.accepted, start, start + lasted) is edited
    assert rule.earns(outcome, True, start, start + timedelta(seconds=299)) is False
    wrong = BestSubmission("run-wrong", "Wrong Answer")
    marked = SessionOutcome(uuid.uuid4(), None, completed=True, edited=True)
    assert wrong.accepted is False
    assert rule.earns(marked, wrong.accepted, start, start + timedelta(hours=1)) is False
