"""A room's runs of its code: written by the executor once judged, read by a member who joins
and, when the room ends, for its best submission."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CodeRun

# As execution.runner stores them (Verdict.ACCEPTED, Mode.SUBMIT): kept as plain strings here so
# that storage does not depend on the executor's code.
ACCEPTED = "Accepted"
SUBMIT = "submit"


@dataclass(frozen=True, slots=True)
class BestSubmission:
    """What an attempt keeps of its room's best submission of the question's tests."""

    run_id: str
    verdict: str

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED


async def record_run(
    session: AsyncSession,
    *,
    run_id: str,
    room_id: str,
    requested_by: uuid.UUID,
    source_hash: str,
    runtime: str,
    result: dict[str, Any],
) -> None:
    """Idempotent: a retried activity writes the same run again, once."""
    if await session.get(CodeRun, run_id) is not None:
        return
    session.add(
        CodeRun(
            id=run_id,
            room_id=room_id,
            requested_by=requested_by,
            mode=result["mode"],
            language=result["language"],
            runtime=runtime[:120],
            source_hash=source_hash,
            verdict=result["verdict"],
            passed=result["passed"],
            total=result["total"],
            cpu_ms=result["cpuMs"],
            wall_ms=result["wallMs"],
            memory_bytes=result["memoryBytes"],
            result=result,
        )
    )
    await session.commit()


async def last_run(session: AsyncSession, room_id: str) -> CodeRun | None:
    found = await session.scalars(
        select(CodeRun)
        .where(CodeRun.room_id == room_id)
        .order_by(CodeRun.created_at.desc())
        .limit(1)
    )
    return found.first()


async def best_submission(session: AsyncSession, room_id: str) -> BestSubmission | None:
    """The room's first Accepted submission, else the one that passed most cases (the later of
    equals); ``None`` when nothing was submitted. Runs of the public examples never count."""
    found = await session.scalars(
        select(CodeRun)
        .where(CodeRun.room_id == room_id, CodeRun.mode == SUBMIT)
        .order_by(
            case((CodeRun.verdict == ACCEPTED, 0), else_=1),
            # The first Accepted one; among the rest, most passed, then the latest.
            case((CodeRun.verdict == ACCEPTED, CodeRun.created_at), else_=None).asc(),
            CodeRun.passed.desc(),
            CodeRun.created_at.desc(),
        )
        .limit(1)
    )
    best = found.first()
    return BestSubmission(best.id, best.verdict) if best else None
