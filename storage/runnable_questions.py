"""Questions' runnable data in SQL (``question_runnables``): written by the seed loader and by
admins, read by the executor for each run and by rooms for their starter code. Every function
takes the caller's session; none commits."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from execution.runnable import RunnableQuestion
from execution.signature import Signature
from storage.models import Question, QuestionRunnable, utcnow


class Keep(Enum):
    """A question's runnable data left as it is (an edit that does not mention it)."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP
# Runnable data in its normal form (:meth:`RunnableQuestion.content`), or none.
Content = dict[str, Any] | None


def _columns(content: dict[str, Any]) -> dict[str, Any]:
    cases = content["cases"]
    return {
        "signature": content["signature"],
        "comparison": content["comparison"],
        "time_limit_ms": content["time_limit_ms"],
        "cases": cases,
        "case_count": len(cases),
        "data_bytes": len(json.dumps(cases, separators=(",", ":"))),
        "revision": uuid.uuid4().hex,
        "updated_at": utcnow(),
    }


async def place(session: AsyncSession, question_id: int, content: Content) -> None:
    """Give question ``question_id`` this runnable data (checked already), or none."""
    # The question's row first, locked on PostgreSQL: two admins' edits of it take turns here
    # instead of both inserting the runnable row.
    await session.execute(select(Question.id).where(Question.id == question_id).with_for_update())
    found = await session.scalar(
        select(QuestionRunnable.question_id).where(QuestionRunnable.question_id == question_id)
    )
    where = QuestionRunnable.question_id == question_id
    if content is None:
        if found is not None:
            await session.execute(delete(QuestionRunnable).where(where))
    elif found is None:
        await session.execute(
            insert(QuestionRunnable).values(question_id=question_id, **_columns(content))
        )
    else:
        await session.execute(update(QuestionRunnable).where(where).values(**_columns(content)))


@dataclass(frozen=True, slots=True)
class Stored:
    """A question's runnable data and the revision it was read at."""

    revision: str
    content: dict[str, Any]


async def get_stored(session: AsyncSession, question_id: int) -> Stored | None:
    """The question's runnable data as stored, hidden cases and all, or None without any."""
    row = (
        await session.execute(
            select(
                QuestionRunnable.revision,
                QuestionRunnable.signature,
                QuestionRunnable.comparison,
                QuestionRunnable.time_limit_ms,
                QuestionRunnable.cases,
            ).where(QuestionRunnable.question_id == question_id)
        )
    ).one_or_none()
    if row is None:
        return None
    content = {
        "signature": row.signature,
        "comparison": row.comparison,
        "time_limit_ms": row.time_limit_ms,
        "cases": row.cases,
    }
    return Stored(row.revision, content)


async def get_revision(session: AsyncSession, question_id: int) -> str | None:
    """The revision of the question's runnable data (new on every write), or None without any:
    a reader that holds this revision parsed already need not read the cases again."""
    return await session.scalar(
        select(QuestionRunnable.revision).where(QuestionRunnable.question_id == question_id)
    )


def parsed(question_id: int, stored: Stored) -> RunnableQuestion:
    """Stored data checked again on the way to a run: a rule may have tightened since it was
    written (:class:`~execution.runnable.RunnableError` then)."""
    return RunnableQuestion.from_content(question_id, stored.content)


async def get_signature(session: AsyncSession, question_id: int) -> Signature | None:
    """Only the question's signature (what starter code is made from), without its cases."""
    raw = await session.scalar(
        select(QuestionRunnable.signature).where(QuestionRunnable.question_id == question_id)
    )
    return None if raw is None else Signature.from_json(raw)
