"""Queries on attempts (a student's history). Every function takes the caller's session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attempt
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


async def list_attempts(
    session: AsyncSession, user_id: uuid.UUID, page: Page
) -> tuple[list[Attempt], int]:
    """The user's attempts, newest first, and how many there are."""
    total_query = select(func.count()).select_from(Attempt).where(Attempt.user_id == user_id)
    total = (await session.execute(total_query)).scalar_one()
    query = (
        select(Attempt)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .offset(page.offset)
        .limit(page.size)
    )
    return list((await session.execute(query)).scalars().all()), total
