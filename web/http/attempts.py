"""``/attempts``: the caller's history. Client reports are kept but never award points."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from storage import attempts as store
from storage import questions
from storage.models import Attempt
from web.deps import CurrentUser, DbSession, State
from web.http.body import RequestBody
from web.http.pagination import PageQuery
from web.rate_limits import Action

router = APIRouter(prefix="/attempts", tags=["attempts"])


def _aware(value: datetime | None) -> datetime | None:
    # A time without an offset is taken as UTC rather than refused: the old frontend sent both.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Timestamp = Annotated[datetime | None, AfterValidator(_aware)]


class QuestionSnapshot(BaseModel):
    """The question as the client saw it, kept with its report (other fields are dropped)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    title: str = Field(min_length=1, max_length=200)
    difficulty: str | None = Field(default=None, max_length=16)
    topics: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=20)


class AttemptCreate(RequestBody):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    question_id: int = Field(ge=1, le=2**31 - 1)
    status: str = Field(pattern=r"^[A-Za-z_ -]{1,32}$")
    started_at: Timestamp = None
    submitted_at: Timestamp = None
    question: QuestionSnapshot | None = None
    language: str | None = Field(default=None, max_length=32)
    code: str | None = Field(default=None, max_length=200_000)


class AttemptSummary(BaseModel):
    """An attempt as listed: everything but its code (``GET /attempts/{id}`` has it)."""

    id: uuid.UUID
    user_id: uuid.UUID
    question_id: int | None
    question: dict[str, Any] | None
    session_id: str | None
    partner_id: uuid.UUID | None
    status: str
    language: str | None
    points_awarded: int
    # The room's best submission of the question's tests when it ended (None: none was made).
    best_run_id: str | None = None
    best_verdict: str | None = None
    started_at: datetime | None
    submitted_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, attempt: Attempt) -> AttemptSummary:
        return cls.model_validate(attempt, from_attributes=True)


class AttemptPublic(AttemptSummary):
    """One attempt with its final code."""

    code: str | None

    @classmethod
    def of(cls, attempt: Attempt) -> AttemptPublic:
        return cls.model_validate(attempt, from_attributes=True)


class AttemptPage(BaseModel):
    total: int
    page: int
    pageSize: int
    items: list[AttemptSummary]


@router.post("", response_model=AttemptPublic, status_code=201)
async def report_attempt(
    user: CurrentUser, session: DbSession, state: State, body: AttemptCreate
) -> AttemptPublic:
    state.limits.enforce(Action.ATTEMPT_REPORT, str(user.id))
    question = await questions.get_question(session, body.question_id)
    if question is None:
        raise HTTPException(404, f"question {body.question_id} does not exist")
    snapshot = (
        body.question.model_dump(exclude_unset=True)
        if body.question
        else {
            "id": question.id,
            "title": question.title,
            "difficulty": question.difficulty,
            "topics": question.topics,
        }
    )
    report = store.AttemptReport(
        question_id=question.id,
        status=body.status.lower(),
        question=snapshot,
        language=body.language,
        code=body.code,
        started_at=body.started_at,
        submitted_at=body.submitted_at,
    )
    return AttemptPublic.of(await store.record_report(session, user.id, report))


@router.get("", response_model=AttemptPage)
async def list_attempts(user: CurrentUser, session: DbSession, page: PageQuery) -> AttemptPage:
    items, total = await store.list_attempts(session, user.id, page)
    return AttemptPage(
        total=total,
        page=page.number,
        pageSize=page.size,
        items=[AttemptSummary.of(item) for item in items],
    )


@router.get("/{attempt_id}", response_model=AttemptPublic)
async def get_attempt(
    user: CurrentUser, session: DbSession, attempt_id: uuid.UUID
) -> AttemptPublic:
    """One of the caller's attempts, with its code (404 for anyone else's)."""
    attempt = await store.get_attempt(session, user.id, attempt_id)
    if attempt is None:
        raise HTTPException(404, "no such attempt")
    return AttemptPublic.of(attempt)
