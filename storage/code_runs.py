"""A room's runs of its code: written by the executor once judged, read by a member who joins."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CodeRun


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
