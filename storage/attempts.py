"""Queries on attempts (a student's history). Every function takes the caller's session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from storage.code_runs import BestSubmission
from storage.models import DIFFICULTY_POINTS, Attempt, Difficulty, User
from storage.questions import Page


@dataclass(frozen=True, slots=True)
class AttemptReport:
    """An attempt as reported by a client: it never awards points."""

    question_id: int
    status: str
    question: dict[str, Any] | None = None
    language: str | None = None
    code: str | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None


async def record_report(
    session: AsyncSession, user_id: uuid.UUID, report: AttemptReport
) -> Attempt:
    attempt = Attempt(
        user_id=user_id,
        question_id=report.question_id,
        question=report.question,
        status=report.status,
        language=report.language,
        code=report.code,
        points_awarded=0,
        started_at=report.started_at,
        submitted_at=report.submitted_at,
    )
    session.add(attempt)
    await session.commit()
    await session.refresh(attempt)
    return attempt


async def get_attempt(
    session: AsyncSession, user_id: uuid.UUID, attempt_id: uuid.UUID
) -> Attempt | None:
    """One of the user's attempts, with its code; ``None`` for anyone else's."""
    found = await session.execute(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
    )
    return found.scalar_one_or_none()


async def list_attempts(
    session: AsyncSession, user_id: uuid.UUID, page: Page
) -> tuple[list[Attempt], int]:
    """The user's attempts, newest first, and how many there are (without their code)."""
    total_query = select(func.count()).select_from(Attempt).where(Attempt.user_id == user_id)
    total = (await session.execute(total_query)).scalar_one()
    query = (
        select(Attempt)
        .options(defer(Attempt.code, raiseload=True))
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .offset(page.offset)
        .limit(page.size)
    )
    return list((await session.execute(query)).scalars().all()), total


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """One member's end of a collaboration session."""

    user_id: uuid.UUID
    partner_id: uuid.UUID | None
    # The member marked the question completed: their word, kept as the attempt's status.
    completed: bool
    # The member changed the room's text.
    edited: bool = False


@dataclass(frozen=True, slots=True)
class PointsRule:
    """When an attempt earns its question's points (see docs/limits.md).

    Points need real work: the room's code passed every test of the question (an Accepted
    submission, the completion nobody can merely claim), the member changed the room's text,
    and the room lasted ``min_session_seconds``; and a user earns a question's points once, not
    once per session.
    """

    min_session_seconds: float = 300.0

    def earns(
        self, outcome: SessionOutcome, accepted: bool, started_at: datetime, ended_at: datetime
    ) -> bool:
        """Whether the session's work qualifies (before the once-per-question check);
        ``accepted``: the room's best submission was Accepted."""
        lasted = (ended_at - started_at).total_seconds()
        return accepted and outcome.edited and lasted >= self.min_session_seconds


async def record_session_attempts(
    session: AsyncSession,
    *,
    room_id: str,
    question_id: int | None,
    question: dict[str, Any],
    language: str,
    code: str,
    started_at: datetime,
    ended_at: datetime,
    outcomes: list[SessionOutcome],
    rule: PointsRule,
    best: BestSubmission | None = None,
) -> int:
    """One attempt per member, with the room's best submission, and the question's points to
    those whose work earns them (``rule``) and who have not earned this question's points before.

    Idempotent: an attempt already recorded for (member, session) is left as it is, and points go
    with the insert in the same transaction, so a retried activity awards nothing twice.
    Returns how many attempts this call recorded.
    """
    points = DIFFICULTY_POINTS.get(Difficulty(question["difficulty"]), 0) if question else 0
    accepted = best is not None and best.accepted
    recorded = 0
    for outcome in outcomes:
        exists = await session.execute(
            select(Attempt.id).where(
                Attempt.user_id == outcome.user_id, Attempt.session_id == room_id
            )
        )
        if exists.first() is not None:
            continue
        earns = rule.earns(outcome, accepted, started_at, ended_at) and not await _awarded_before(
            session, outcome.user_id, question_id
        )
        awarded = points if earns else 0
        session.add(
            Attempt(
                user_id=outcome.user_id,
                question_id=question_id,
                question=question,
                session_id=room_id,
                partner_id=outcome.partner_id,
                # An Accepted submission completes the question whether or not it was marked.
                status="completed" if outcome.completed or accepted else "left",
                language=language,
                code=code,
                points_awarded=awarded,
                best_run_id=best.run_id if best else None,
                best_verdict=best.verdict if best else None,
                started_at=started_at,
                submitted_at=ended_at,
            )
        )
        if awarded:
            await session.execute(
                update(User)
                .where(User.id == outcome.user_id)
                .values(
                    total_points=User.total_points + awarded,
                    questions_completed=User.questions_completed + 1,
                )
            )
        recorded += 1
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if await _recorded(session, room_id):
            # A concurrent attempt of the same activity got there first: theirs stands, whole.
            return 0
        # Another session awarded the same question's points to a member at the same moment:
        # the caller (a retried activity) records again, and this time awards nothing twice.
        raise
    return recorded


async def _awarded_before(
    session: AsyncSession, user_id: uuid.UUID, question_id: int | None
) -> bool:
    if question_id is None:
        return False
    found = await session.execute(
        select(Attempt.id)
        .where(
            Attempt.user_id == user_id,
            Attempt.question_id == question_id,
            Attempt.points_awarded > 0,
        )
        .limit(1)
    )
    return found.first() is not None


async def _recorded(session: AsyncSession, room_id: str) -> bool:
    found = await session.execute(select(Attempt.id).where(Attempt.session_id == room_id).limit(1))
    return found.first() is not None
