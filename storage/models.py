"""The relational schema: users (profiles), questions and attempts.

Alembic migrations under ``storage/migrations`` create exactly this; a test compares the two.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names so migrations can refer to them on both backends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on both backends (SQLite hands back naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class Difficulty(StrEnum):
    EASY = "Easy"
    MEDIUM = "Medium"
    HARD = "Hard"

    @property
    def points(self) -> int:
        return DIFFICULTY_POINTS[self]

    @property
    def rank(self) -> int:
        return DIFFICULTY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Difficulty:
        """Any casing of easy/medium/hard."""
        return cls(value.strip().capitalize())


DIFFICULTY_POINTS = {Difficulty.EASY: 1, Difficulty.MEDIUM: 3, Difficulty.HARD: 5}
DIFFICULTY_RANK = {Difficulty.EASY: 1, Difficulty.MEDIUM: 2, Difficulty.HARD: 3}


class User(Base):
    """A student's account and profile. External-token users have no password hash."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('user', 'admin')", name="role"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.USER.value)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    total_points: Mapped[int] = mapped_column(Integer, default=0)
    questions_completed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


# "Bob" and "bob" are one username: the database enforces what the queries assume.
Index("uq_users_username_lower", func.lower(User.username), unique=True)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("difficulty IN ('Easy', 'Medium', 'Hard')", name="difficulty"),
        CheckConstraint("acceptance_rate >= 0 AND acceptance_rate <= 100", name="acceptance_rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text)
    difficulty: Mapped[str] = mapped_column(String(8), index=True)
    # Kept beside the label so that sorting by difficulty means easy < medium < hard.
    difficulty_rank: Mapped[int] = mapped_column(Integer)
    examples: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    constraints: Mapped[list[str]] = mapped_column(JSON, default=list)
    acceptance_rate: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    topic_rows: Mapped[list[QuestionTopic]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="QuestionTopic.position",
    )

    @property
    def topics(self) -> list[str]:
        return [row.topic for row in self.topic_rows]

    @property
    def points(self) -> int:
        return Difficulty(self.difficulty).points


class QuestionTopic(Base):
    """One topic of a question: a table, not JSON, so both backends filter it with an index."""

    __tablename__ = "question_topics"
    __table_args__ = (Index("ix_question_topics_topic_key", "topic_key"),)

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    topic_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class QuestionRunnable(Base):
    """What makes a question runnable (see ``execution.runnable``): a table of its own, so that
    listing and pairing questions never read test cases, which run to megabytes."""

    __tablename__ = "question_runnables"
    __table_args__ = (
        CheckConstraint("case_count >= 1 AND case_count <= 200", name="case_count"),
        CheckConstraint("data_bytes >= 0 AND data_bytes <= 2097152", name="data_bytes"),
        CheckConstraint("time_limit_ms >= 100 AND time_limit_ms <= 10000", name="time_limit_ms"),
    )

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[dict[str, Any]] = mapped_column(JSON)
    comparison: Mapped[dict[str, Any]] = mapped_column(JSON)
    time_limit_ms: Mapped[int] = mapped_column(Integer)
    cases: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Kept beside the cases so that the database itself bounds what a question holds (the
    # bounds of ``execution.runnable``: MAX_CASES, MAX_RUNNABLE_BYTES of compact JSON).
    case_count: Mapped[int] = mapped_column(Integer)
    data_bytes: Mapped[int] = mapped_column(Integer)
    # New on every write: a reader that parsed this revision before need not parse it again.
    revision: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Attempt(Base):
    """One student's attempt at a question, alone or in a collaboration session."""

    __tablename__ = "attempts"
    __table_args__ = (
        # A session records at most one attempt per member, however often its activity retries.
        UniqueConstraint("user_id", "session_id", name="uq_attempts_user_session"),
        Index("ix_attempts_user_created", "user_id", "created_at"),
        # A question's points go to a user once: two sessions ending at once cannot both award.
        Index(
            "uq_attempts_awarded_question",
            "user_id",
            "question_id",
            unique=True,
            sqlite_where=text("points_awarded > 0"),
            postgresql_where=text("points_awarded > 0"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    # What the question was when attempted: it survives later edits or deletion of the question.
    question: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    session_id: Mapped[str | None] = mapped_column(String(128))
    partner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(Text)
    points_awarded: Mapped[int] = mapped_column(Integer, default=0)
    # The room's best submission when it ended: the first Accepted one, else the one that
    # passed most cases (None when nothing was submitted). No foreign key: like the question
    # snapshot, the attempt outlives its room, whose runs go with it; the verdict stays.
    best_run_id: Mapped[str | None] = mapped_column(String(64))
    best_verdict: Mapped[str | None] = mapped_column(String(24))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Room(Base):
    """A collaboration room made for one matched pair."""

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    # The question as it was when the pair was made: the room keeps it if the bank changes.
    question: Mapped[dict[str, Any]] = mapped_column(JSON)
    difficulty: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(16), default="python", server_default="python")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    member_rows: Mapped[list[RoomMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RoomMember.position"
    )

    @property
    def member_ids(self) -> list[uuid.UUID]:
        return [row.user_id for row in self.member_rows]


class RoomMember(Base):
    __tablename__ = "room_members"
    __table_args__ = (Index("ix_room_members_user", "user_id"),)

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ChatMessage(Base):
    """One chat line in a room; kept with the session, oldest first."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_room_created", "room_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# Rooms' documents when they live in this database (``PEERPREP_DOCUMENT_STORE=sql``): see
# ``documents.sql_docstore``. No foreign key to ``rooms``: the store stands on its own.
class DocHead(Base):
    """The last sequence number given out in a room; its row also serialises writers."""

    __tablename__ = "doc_heads"

    room_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class DocUpdate(Base):
    """One Yjs update of a room (or several, merged by compaction), in sequence order."""

    __tablename__ = "doc_updates"

    room_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[str] = mapped_column(String(64))
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DocHistoryRecord(Base):
    """One burst of edits as shown in a room's history (JSON as sent to clients)."""

    __tablename__ = "doc_history"
    __table_args__ = (Index("ix_doc_history_room_time", "room_id", "timestamp_ms", "id"),)

    # SQLite autoincrements only an INTEGER primary key.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    room_id: Mapped[str] = mapped_column(String(64))
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


class CodeRun(Base):
    """One Run or Submit of a room's code, as the executor judged it (see ``execution``)."""

    __tablename__ = "code_runs"
    __table_args__ = (Index("ix_code_runs_room_created", "room_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(16))
    runtime: Mapped[str] = mapped_column(String(120), default="")
    source_hash: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(24))
    passed: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    cpu_ms: Mapped[float] = mapped_column(Float, default=0.0)
    wall_ms: Mapped[float] = mapped_column(Float, default=0.0)
    memory_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # The whole result as both members saw it: public cases in full, hidden ones by verdict.
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
