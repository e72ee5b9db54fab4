"""Queries on the question bank. Every function takes the caller's session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import runnable_questions
from storage.errors import Conflict
from storage.models import Difficulty, Question, QuestionTopic
from storage.runnable_questions import KEEP, Content, Keep


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


_SORT_COLUMNS: dict[SortField, SQLColumnExpression[Any]] = {
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
    column: SQLColumnExpression[Any] = _SORT_COLUMNS[sort]
    if sort is SortField.TITLE and session.get_bind().dialect.name == "postgresql":
        # Code-point order, as on SQLite, whatever locale the database was created with.
        column = Question.title.collate("C")
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
    """(topic, difficulty, number of questions) for every topic in the bank.

    Topics are counted by key, as the filter matches them: "Arrays" and "arrays" are one topic,
    shown with the spelling of the earliest question that has it.
    """
    counts = (
        select(QuestionTopic.topic_key, Question.difficulty, func.count())
        .join(Question, Question.id == QuestionTopic.question_id)
        .group_by(QuestionTopic.topic_key, Question.difficulty)
        .order_by(QuestionTopic.topic_key)
    )
    earliest = (
        select(QuestionTopic.topic_key, func.min(QuestionTopic.question_id).label("question_id"))
        .group_by(QuestionTopic.topic_key)
        .subquery()
    )
    labels_query = select(QuestionTopic.topic_key, QuestionTopic.topic).join(
        earliest,
        (earliest.c.topic_key == QuestionTopic.topic_key)
        & (earliest.c.question_id == QuestionTopic.question_id),
    )
    labels = {key: label for key, label in await session.execute(labels_query)}
    return [
        (labels[key], difficulty, count) for key, difficulty, count in await session.execute(counts)
    ]


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
    """Whether another question has this title, regardless of case.

    Compared in Python: SQL ``lower()`` folds only ASCII on SQLite (and under a "C" collation on
    PostgreSQL), so "Öl" and "öl" would pass as different. A bank holds few enough titles.
    """
    key = title.casefold()
    query = select(Question.title)
    if except_id is not None:
        query = query.where(Question.id != except_id)
    return any(other.casefold() == key for other in (await session.scalars(query)))


async def _commit(session: AsyncSession, *, flush_only: bool = False) -> None:
    try:
        await (session.flush() if flush_only else session.commit())
    except IntegrityError:
        await session.rollback()
        raise Conflict("title", "a question with this title already exists") from None


async def create_question(
    session: AsyncSession,
    data: QuestionData,
    question_id: int | None = None,
    runnable: Content = None,
) -> Question:
    """Insert a question, with its runnable data (checked already) if given; :class:`Conflict`
    when the title is taken."""
    if await _title_taken(session, data.title, None):
        raise Conflict("title", "a question with this title already exists")
    question = Question(id=question_id)
    _apply(question, data)
    session.add(question)
    if runnable is not None:
        # The runnable row needs the question's id; both are committed together.
        await _commit(session, flush_only=True)
        await runnable_questions.place(session, question.id, runnable)
    await _commit(session)
    await session.refresh(question)
    return question


async def replace_question(
    session: AsyncSession,
    question: Question,
    data: QuestionData,
    runnable: Content | Keep = KEEP,
) -> None:
    """Overwrite a question with ``data``, and its runnable data (checked already; None
    removes it) unless that is :data:`KEEP`; :class:`Conflict` when the new title is taken."""
    if await _title_taken(session, data.title, question.id):
        raise Conflict("title", "a question with this title already exists")
    # Topic rows are keyed by (question, topic): flush the removals before re-adding a kept topic.
    question.topic_rows = []
    await session.flush()
    _apply(question, data)
    if runnable is not KEEP:
        await _commit(session, flush_only=True)
        await runnable_questions.place(session, question.id, runnable)
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
