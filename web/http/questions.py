"""``/questions``: the bank, public to read, admin-only to change; ``/topics`` for pickers.

A question's runnable data (signature, comparison, time limit, test cases) is written with the
question (``runnable`` in its body) and read by admins alone, at ``/questions/{id}/runnable``:
students meet it only through a room (its starter code, the public cases of a run)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from execution.runnable import RunnableError, checked_content
from storage import questions as store
from storage import runnable_questions
from storage.models import Difficulty, Question
from storage.runnable_questions import KEEP, Content, Keep
from web.deps import AdminUser, DbSession
from web.http.body import RequestBody, refuse_nul
from web.http.pagination import PageQuery

router = APIRouter(tags=["questions"])

QuestionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The question's id")]

MAX_TOPIC_LENGTH = 64
# Topics one listing may filter on, however they are spread over repeated or comma-separated values.
MAX_FILTER_TOPICS = 50
RUNNABLE_FIELD = (
    "The question's runnable data: signature, comparison, time_limit_ms and cases "
    "(docs/runnable-questions.md). Null removes it; absent leaves it as it is."
)


def _clean_topic(topic: str) -> str:
    cleaned = " ".join(topic.split())
    if not cleaned:
        raise ValueError("topics must not be blank")
    return cleaned


Topic = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TOPIC_LENGTH),
    AfterValidator(_clean_topic),
]


def _difficulty(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Difficulty.parse(value)
        except ValueError:
            raise ValueError("difficulty must be easy, medium or hard") from None
    return value


class Example(RequestBody):
    model_config = ConfigDict(extra="forbid")

    input: str = Field(max_length=2000)
    output: str = Field(max_length=2000)
    explanation: str | None = Field(default=None, max_length=4000)


class QuestionCreate(RequestBody):
    """A whole question (POST and PUT)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    difficulty: Difficulty
    topics: list[Topic] = Field(
        min_length=1, max_length=10, validation_alias=AliasChoices("topics", "related_topics")
    )
    examples: list[Example] = Field(default_factory=list, max_length=10)
    constraints: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=20
    )
    acceptance_rate: float = Field(default=0.0, ge=0, le=100)
    runnable: dict[str, Any] | None = Field(default=None, description=RUNNABLE_FIELD)

    _parse_difficulty = field_validator("difficulty", mode="before")(_difficulty)

    def to_data(self) -> store.QuestionData:
        return store.QuestionData(
            title=self.title,
            description=self.description,
            difficulty=self.difficulty,
            topics=self.topics,
            examples=[example.model_dump() for example in self.examples],
            constraints=self.constraints,
            acceptance_rate=self.acceptance_rate,
        )


class QuestionUpdate(RequestBody):
    """Some fields of a question (PATCH); absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=20_000)
    difficulty: Difficulty | None = None
    topics: list[Topic] | None = Field(
        default=None,
        min_length=1,
        max_length=10,
        validation_alias=AliasChoices("topics", "related_topics"),
    )
    examples: list[Example] | None = Field(default=None, max_length=10)
    constraints: list[Annotated[str, Field(max_length=500)]] | None = Field(
        default=None, max_length=20
    )
    acceptance_rate: float | None = Field(default=None, ge=0, le=100)
    runnable: dict[str, Any] | None = Field(default=None, description=RUNNABLE_FIELD)

    _parse_difficulty = field_validator("difficulty", mode="before")(_difficulty)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Runs only for fields that were given: an absent field stays as it is, a null is refused
        # (and the error names the field). A null ``runnable`` removes the question's.
        if value is None and info.field_name != "runnable":
            raise ValueError("may not be null")
        return value

    def merged_into(self, current: store.QuestionData) -> QuestionCreate:
        return QuestionCreate.model_validate(
            {**asdict(current), **self.model_dump(exclude_unset=True, exclude={"runnable"})}
        )


class RunnablePublic(BaseModel):
    """A question's runnable data in full, hidden cases too (admins only): the shape
    ``runnable`` is written in, with every default filled in."""

    signature: dict[str, Any]
    comparison: dict[str, Any]
    time_limit_ms: int
    cases: list[dict[str, Any]]


class QuestionPublic(BaseModel):
    id: int
    title: str
    description: str
    difficulty: Difficulty
    topics: list[str]
    related_topics: list[str]
    examples: list[dict[str, Any]]
    constraints: list[str]
    acceptance_rate: float
    points: int

    @classmethod
    def of(cls, question: Question) -> QuestionPublic:
        return cls(
            id=question.id,
            title=question.title,
            description=question.description,
            difficulty=Difficulty(question.difficulty),
            topics=question.topics,
            related_topics=question.topics,
            examples=question.examples,
            constraints=question.constraints,
            acceptance_rate=question.acceptance_rate,
            points=question.points,
        )


class QuestionPage(BaseModel):
    items: list[QuestionPublic]
    total: int
    page: int
    pageSize: int


class TopicSummary(BaseModel):
    topic: str
    total: int
    by_difficulty: dict[str, int]


def _filter_topics(values: list[str] | None) -> list[str]:
    """The topics of repeated and comma-separated ``topic`` parameters."""
    topics = [part for value in values or [] for part in value.split(",") if part.strip()]
    if len(topics) > MAX_FILTER_TOPICS:
        raise HTTPException(422, f"topic: at most {MAX_FILTER_TOPICS} topics")
    for topic in topics:
        if len(" ".join(topic.split())) > MAX_TOPIC_LENGTH:
            raise HTTPException(422, f"topic: at most {MAX_TOPIC_LENGTH} characters per topic")
        refuse_nul("topic", topic)
    return topics


def _choice(
    value: str | None, allowed: type[store.SortField] | type[store.SortDirection], name: str
) -> Any:
    if value is None:
        return None
    try:
        return allowed(value.strip().lower())
    except ValueError:
        options = ", ".join(member.value for member in allowed)
        raise HTTPException(422, f"{name}: must be one of {options}") from None


@router.get("/questions", response_model=QuestionPage)
async def list_questions(
    session: DbSession,
    page: PageQuery,
    topic: Annotated[
        list[Annotated[str, Query(max_length=(MAX_TOPIC_LENGTH + 1) * MAX_FILTER_TOPICS)]] | None,
        Query(max_length=10, description="Topic to match; repeat or separate with commas"),
    ] = None,
    difficulty: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the title")] = None,
    sort_by: Annotated[str | None, Query(alias="sortBy", max_length=32)] = None,
    sort_dir: Annotated[str | None, Query(alias="sortDir", max_length=8)] = None,
) -> QuestionPage:
    topics = _filter_topics(topic)
    refuse_nul("q", q)
    level = None
    if difficulty:
        try:
            level = Difficulty.parse(difficulty)
        except ValueError:
            raise HTTPException(422, "difficulty: must be easy, medium or hard") from None
    items, total = await store.list_questions(
        session,
        store.QuestionFilter(topics=topics, difficulty=level, text=(q or "").strip() or None),
        page,
        _choice(sort_by, store.SortField, "sortBy") or store.SortField.ID,
        _choice(sort_dir, store.SortDirection, "sortDir") or store.SortDirection.ASC,
    )
    return QuestionPage(
        items=[QuestionPublic.of(item) for item in items],
        total=total,
        page=page.number,
        pageSize=page.size,
    )


@router.get("/topics", response_model=list[TopicSummary])
async def list_topics(session: DbSession) -> list[TopicSummary]:
    summaries: dict[str, TopicSummary] = {}
    for topic, difficulty, count in await store.list_topics(session):
        summary = summaries.setdefault(topic, TopicSummary(topic=topic, total=0, by_difficulty={}))
        summary.total += count
        summary.by_difficulty[difficulty] = count
    return list(summaries.values())


async def _existing(session: DbSession, question_id: int) -> Question:
    question = await store.get_question(session, question_id)
    if question is None:
        raise HTTPException(404, f"question {question_id} does not exist")
    return question


def _runnable(body: QuestionCreate | QuestionUpdate) -> Content | Keep:
    """The body's runnable data checked and in its normal form, None to remove it, or
    :data:`KEEP` when the body does not mention it; a 422 naming the field that does not hold."""
    if "runnable" not in body.model_fields_set:
        return KEEP
    if body.runnable is None:
        return None
    try:
        return checked_content(body.runnable)
    except RunnableError as error:
        where = ("body", "runnable", error.field) if error.field else ("body", "runnable")
        raise RequestValidationError(
            [{"type": "value_error", "loc": where, "msg": error.problem, "input": None}]
        ) from None


@router.get("/questions/{question_id}", response_model=QuestionPublic)
async def get_question(session: DbSession, question_id: QuestionId) -> QuestionPublic:
    return QuestionPublic.of(await _existing(session, question_id))


@router.get("/questions/{question_id}/runnable", response_model=RunnablePublic)
async def get_runnable(
    session: DbSession, _admin: AdminUser, question_id: QuestionId
) -> RunnablePublic:
    await _existing(session, question_id)
    stored = await runnable_questions.get_stored(session, question_id)
    if stored is None:
        raise HTTPException(404, f"question {question_id} has no runnable data")
    return RunnablePublic(**stored.content)


@router.post("/questions", response_model=QuestionPublic, status_code=201)
async def create_question(
    session: DbSession, _admin: AdminUser, body: QuestionCreate
) -> QuestionPublic:
    runnable = _runnable(body)
    created = await store.create_question(
        session, body.to_data(), runnable=None if runnable is KEEP else runnable
    )
    return QuestionPublic.of(created)


@router.put("/questions/{question_id}", response_model=QuestionPublic)
async def replace_question(
    session: DbSession, _admin: AdminUser, question_id: QuestionId, body: QuestionCreate
) -> QuestionPublic:
    question = await _existing(session, question_id)
    # Absent, the runnable data stays: an editor that does not show it must not wipe it.
    await store.replace_question(session, question, body.to_data(), _runnable(body))
    return QuestionPublic.of(question)


@router.patch("/questions/{question_id}", response_model=QuestionPublic)
async def update_question(
    session: DbSession, _admin: AdminUser, question_id: QuestionId, body: QuestionUpdate
) -> QuestionPublic:
    question = await _existing(session, question_id)
    runnable = _runnable(body)
    merged = body.merged_into(store.as_data(question))
    await store.replace_question(session, question, merged.to_data(), runnable)
    return QuestionPublic.of(question)


@router.delete("/questions/{question_id}", status_code=204)
async def delete_question(
    session: DbSession, _admin: AdminUser, question_id: QuestionId
) -> Response:
    await store.delete_question(session, await _existing(session, question_id))
    return Response(status_code=204)
