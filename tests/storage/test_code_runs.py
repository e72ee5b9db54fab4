"""A room's runs on both backends: the best submission an ended room's attempts keep."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from execution.runner import Mode, Verdict
from storage import code_runs, rooms, users
from storage.database import Database
from storage.models import CodeRun

SNAPSHOT = {"id": 1, "title": "Two Sum", "difficulty": "Easy", "topics": ["Arrays"]}


async def _room(database: Database) -> tuple[str, uuid.UUID]:
    tag = uuid.uuid4().hex[:16]
    room_id = f"room-{tag}"
    async with database.session() as session:
        user = await users.create_user(
            session, email=f"runs-{tag}@example.com", username=f"runs_{tag}", password_hash=None
        )
        await rooms.create_room(session, room_id, [user.id], 1, SNAPSHOT, "Easy")
    return room_id, user.id


async def _runs(
    database: Database, room_id: str, user: uuid.UUID, runs: list[tuple[str, str, int]]
) -> list[str]:
    """Stores (mode, verdict, passed) runs a second apart, oldest first; their ids."""
    start = datetime.now(UTC) - timedelta(hours=1)
    ids = []
    async with database.session() as session:
        for offset, (mode, verdict, passed) in enumerate(runs):
            run_id = uuid.uuid4().hex
            session.add(
                CodeRun(
                    id=run_id,
                    room_id=room_id,
                    requested_by=user,
                    mode=mode,
                    language="python",
                    source_hash="0" * 64,
                    verdict=verdict,
                    passed=passed,
                    total=15,
                    result={},
                    created_at=start + timedelta(seconds=offset),
                )
            )
            ids.append(run_id)
        await session.commit()
    return ids


async def _best(database: Database, room_id: str) -> code_runs.BestSubmission | None:
    async with database.session() as session:
        return await code_runs.best_submission(session, room_id)


def test_the_stored_names_are_the_executor_s() -> None:
    assert (code_runs.ACCEPTED, code_runs.SUBMIT) == (Verdict.ACCEPTED, Mode.SUBMIT)


async def test_the_first_accepted_submission_is_the_best(database: Database) -> None:
    room_id, user = await _room(database)
    ids = await _runs(
        database,
        room_id,
        user,
        [
            ("submit", "Wrong Answer", 14),
            ("submit", "Accepted", 15),
            ("run", "Accepted", 3),
            ("submit", "Accepted", 15),
        ],
    )
    best = await _best(database, room_id)
    assert best == code_runs.BestSubmission(ids[1], "Accepted")
    assert best is not None
    assert best.accepted


async def test_without_an_accepted_one_the_submission_that_passed_most_is_the_best(
    database: Database,
) -> None:
    room_id, user = await _room(database)
    ids = await _runs(
        database,
        room_id,
        user,
        [
            ("submit", "Wrong Answer", 9),
            ("submit", "Time Limit", 12),
            ("run", "Accepted", 15),  # the examples alone never count
            ("submit", "Runtime Error", 12),
            ("submit", "Compile Error", 0),
        ],
    )
    best = await _best(database, room_id)
    assert best is not None
    assert (best.run_id, best.verdict, best.accepted) == (ids[3], "Runtime Error", False)


async def test_a_room_with_only_example_runs_has_no_best_submission(database: Database) -> None:
    room_id, user = await _room(database)
    await _runs(database, room_id, user, [("run", "Accepted", 3)])
    assert await _best(database, room_id) is None
