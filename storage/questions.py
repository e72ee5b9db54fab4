"""Queries on the question bank. Every function takes the caller's session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict
from storage.models import Difficulty, Question, QuestionTopic


class SortField(StrEnum):
    ID = "id"
    TITLE = "title"
    DIFFICULTY = "difficulty"
    ACCEPTANCE_RATE = "acceptance_rate"


class SortDirection(StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class QuestionData:
    """Everything that defines a question, as written by an admin or the bank."""

    title: str
    description: str
    difficulty: Difficulty
    topics: list[str]
    examples: list[dict[str, Any]] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    acceptance_rate: float = 0.0


@dataclass(frozen=True, slots=True)
class QuestionFilter:
    topics: Sequence[str] = ()
    difficulty: Difficulty | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def topic_key(topic: str) -> str:
    """Topics compare without regard to case or surrounding space."""
    return " ".join(topic.split()).lower()


def _conditions(flt: QuestionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.difficulty is not None:
        conditions.append(Question.difficulty == flt.difficulty.value)
    if flt.topics:
        keys = sorted({topic_key(topic) for topic in flt.topics})
        conditions.append(
            Question.id.in_(
                select(QuestionTopic.question_id).where(QuestionTopic.topic_key.in_(keys))
            )
        )
    if flt.text:
        conditions.append(Question.title.icontains(flt.text, autoescape=True))
    return conditions


_SORT_COLUMNS = {
    SortField.ID: Question.id,
    SortField.TITLE: Question.title,
    SortField.DIFFICULTY: Question.difficulty_rank,
    SortField.ACCEPTANCE_RATE: Question.acceptance_rate,
}


async def list_questions(
    session: AsyncSession,
    flt: QuestionFilter,
    page: Page,
    sort: SortField = SortField.ID,
    direction: SortDirection = SortDirection.ASC,
) -> tuple[list[Question], int]:
    """One page of questions matching ``flt`` and the total number that match."""
    conditions = _conditions(flt)
    total_query = select(func.count()).select_from(Question).where(*conditions)
    total = (await session.execute(total_query)).scalar_one()
    column = _SORT_COLUMNS[sort]
    primary = column.desc() if direction is SortDirection.DESC else column.asc()
    query = (
        select(Question)
        .where(*conditions)
        .order_by(primary, Question.id.asc())
        .offset(page.offset)
        .limit(page.size)
    )
    items = list((await session.execute(query)).scalars().all())
    return items, total


async def get_question(session: AsyncSession, question_id: int) -> Question | None:
    return await session.get(Question, question_id)


async def list_topics(session: AsyncSession) -> list[tuple[str, str, int]]:
    """(topic, difficulty, number of questions) for every topic in the bank."""
    query = (
        select(QuestionTopic.topic, Question.difficulty, func.count())
        .join(Question, Question.id == QuestionTopic.question_id)
        .group_by(QuestionTopic.topic, Question.difficulty)
        .order_by(QuestionTopic.topic)
    )
    return [(topic, difficulty, count) for topic, difficulty, count in await session.execute(query)]


def _apply(question: Question, data: QuestionData) -> None:
    question.title = data.title
    question.description = data.description
    question.difficulty = data.difficulty.value
    question.difficulty_rank = data.difficulty.rank
    question.examples = list(data.examples)
    question.constraints = list(data.constraints)
    question.acceptance_rate = data.acceptance_rate
    seen: dict[str, str] = {}
    for topic in data.topics:
        seen.setdefault(topic_key(topic), " ".join(topic.split()))
    question.topic_rows = [
        QuestionTopic(topic_key=key, topic=label, position=position)
        for position, (key, label) in enumerate(seen.items())
    ]


async def _title_taken(session: AsyncSession, title: str, except_id: int | None) -> bool:
    query = select(Question.id).where(func.lower(Question.title) == title.lower())
    if except_id is not None:
        query = query.where(Question.id != except_id)
    return (await session.execute(query.limit(1))).first() is not None


async def _commit(session: AsyncSession) -> None:
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict("title", "a question with this title already exists") from None


async def create_question(
    session: AsyncSession, data: QuestionData, question_id: int | None = None
) -> Question:
    """Insert a question; :class:`Conflict` when the title is taken."""
    if await _title_taken(session, data.title, None):
        raise Conflict("title", "a question with this title already exists")
    question = Question(id=question_id)
    _apply(question, data)
    session.add(question)
    await _commit(session)
    await session.refresh(question)
    return question


async def replace_question(session: AsyncSession, question: Question, data: QuestionData) -> None:
    """Overwrite a question with ``data``; :class:`Conflict` when the new title is taken."""
    if await _title_taken(session, data.title, question.id):
        raise Conflict("title", "a question with this title already exists")
    # Topic rows are keyed by (question, topic): flush the removals before re-adding a kept topic.
    question.topic_rows = []
    await session.flush()
    _apply(question, data)
    await _commit(session)
    await session.refresh(question)


async def delete_question(session: AsyncSession, question: Question) -> None:
    # The topic rows go with it through the relationship's cascade.
    await session.delete(question)
    await session.commit()


def as_data(question: Question) -> QuestionData:
    """The editable content of a stored question (the base of a partial update)."""
    return QuestionData(
        title=question.title,
        description=question.description,
        difficulty=Difficulty(question.difficulty),
        topics=question.topics,
        examples=list(question.examples),
        constraints=list(question.constraints),
        acceptance_rate=question.acceptance_rate,
    )


async def count_questions(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(Question))).scalar_one()


async def sync_id_sequence(session: AsyncSession) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('questions', 'id'), "
            "COALESCE((SELECT MAX(id) FROM questions), 0) + 1, false)"
        )
    )
    await session.commit()
