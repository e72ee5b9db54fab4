"""Temporal visibility for operators: the queries ``peerprep ops list`` sends (built from the
search attributes every request and session carries, with user input refused rather than escaped)
and the table it prints."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from temporalio.client import WorkflowExecution

from workflows import search_attributes as attrs
from workflows.match_messages import MATCH_REQUEST_WORKFLOW, SESSION_WORKFLOW, Outcome
from workflows.pairing import DIFFICULTIES


class Kind(StrEnum):
    REQUESTS = "requests"
    SESSIONS = "sessions"
    ALL = "all"


KIND_TYPES = {
    Kind.REQUESTS: (MATCH_REQUEST_WORKFLOW,),
    Kind.SESSIONS: (SESSION_WORKFLOW,),
    Kind.ALL: (MATCH_REQUEST_WORKFLOW, SESSION_WORKFLOW),
}
# Visibility's names for execution statuses, keyed by what the operator types.
STATUSES = {
    "running": "Running",
    "completed": "Completed",
    "failed": "Failed",
    "canceled": "Canceled",
    "terminated": "Terminated",
    "continued_as_new": "ContinuedAsNew",
    "timed_out": "TimedOut",
}
SESSION_OUTCOMES = ("active", "ended")
# A session's end reason: left, idle, max_duration, or the word an operator ended it with.
_ENDED = re.compile(r"ended:[a-z0-9_-]{1,64}")
_DURATION = re.compile(r"(?:\d{1,6}[smhdw])+")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_LITERAL = 256


class OpsInputError(ValueError):
    """Bad operator input; ``option`` names the flag it came from."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


# The visibility query ---------------------------------------------------------------------------


def literal(value: str, option: str) -> str:
    """``value`` as a string literal of a visibility query.

    Quotes and backslashes (which could end or escape the literal) and control characters are
    refused rather than escaped: no id, difficulty or topic of ours contains them, and the dev
    server's SQLite store mishandles escaped quotes. Whatever passes cannot leave the literal.
    """
    if not value or len(value) > _MAX_LITERAL:
        raise OpsInputError(option, f"must be 1 to {_MAX_LITERAL} characters")
    if any(char in '"\\' or not char.isprintable() for char in value):
        raise OpsInputError(option, "must not contain quotes, backslashes or control characters")
    return f'"{value}"'


def parse_since(text: str, now: datetime) -> datetime:
    """``30m``, ``2h``, ``7d``, ``1h30m`` ago, or an ISO 8601 time (UTC unless it has an offset)."""
    text = text.strip()
    try:
        if _DURATION.fullmatch(text):
            seconds = sum(
                int(amount) * _UNIT_SECONDS[unit]
                for amount, unit in re.findall(r"(\d+)([smhdw])", text)
            )
            return now - timedelta(seconds=seconds)
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        pass
    else:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    raise OpsInputError(
        "--since", f"{text!r} is neither a duration (30m, 2h, 7d, 1h30m) nor an ISO 8601 time"
    )


def _outcome_clause(outcome: str) -> str:
    name = attrs.OUTCOME.name
    if outcome == "ended":
        return f'{name} STARTS_WITH "ended:"'
    if (
        outcome in {item.value for item in Outcome}
        or outcome == "active"
        or _ENDED.fullmatch(outcome)
    ):
        return f"{name} = {literal(outcome, '--outcome')}"
    known = ", ".join([*(item.value for item in Outcome), *SESSION_OUTCOMES, "ended:<reason>"])
    raise OpsInputError("--outcome", f"unknown outcome {outcome!r}; one of: {known}")


@dataclass(frozen=True)
class Filters:
    kind: Kind = Kind.ALL
    user: str | None = None
    room: str | None = None
    difficulty: str | None = None
    topic: str | None = None
    outcomes: Sequence[str] = ()
    status: str | None = None
    since: datetime | None = None


def build_query(filters: Filters) -> str:
    """The visibility query for ``filters``; raises :class:`OpsInputError` on bad input."""
    types = KIND_TYPES[filters.kind]
    clauses = [f"WorkflowType IN ({', '.join(literal(name, '--kind') for name in types)})"]
    if filters.user is not None:
        clauses.append(f"{attrs.USER_IDS.name} = {literal(filters.user.strip(), '--user')}")
    if filters.room is not None:
        clauses.append(f"{attrs.ROOM_ID.name} = {literal(filters.room.strip(), '--room')}")
    if filters.difficulty is not None:
        level = filters.difficulty.strip().lower()
        if level not in DIFFICULTIES:
            raise OpsInputError("--difficulty", "must be easy, medium or hard")
        clauses.append(f"{attrs.DIFFICULTY.name} = {literal(level, '--difficulty')}")
    if filters.topic is not None:
        topic = " ".join(filters.topic.split()).lower()
        clauses.append(f"{attrs.TOPICS.name} = {literal(topic, '--topic')}")
    if filters.outcomes:
        parts = [_outcome_clause(outcome.strip().lower()) for outcome in filters.outcomes]
        clauses.append(parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})")
    if filters.status is not None:
        status = STATUSES.get(filters.status.strip().lower())
        if status is None:
            raise OpsInputError("--status", f"must be one of: {', '.join(STATUSES)}")
        clauses.append(f'ExecutionStatus = "{status}"')
    if filters.since is not None:
        clauses.append(f'StartTime >= "{rfc3339(filters.since)}"')
    return " AND ".join(clauses)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Rows of the listing ----------------------------------------------------------------------------

COLUMNS = ("id", "type", "status", "outcome", "users", "difficulty", "topics", "started", "closed")


def describe_row(execution: WorkflowExecution) -> dict[str, Any]:
    found = execution.typed_search_attributes
    return {
        "id": execution.id,
        "run_id": execution.run_id,
        "type": execution.workflow_type,
        "status": execution.status.name.lower() if execution.status else None,
        "outcome": found.get(attrs.OUTCOME),
        "users": found.get(attrs.USER_IDS) or [],
        "room": found.get(attrs.ROOM_ID),
        "difficulty": found.get(attrs.DIFFICULTY),
        "topics": found.get(attrs.TOPICS) or [],
        "started": rfc3339(execution.start_time),
        "closed": rfc3339(execution.close_time) if execution.close_time else None,
        "task_queue": execution.task_queue,
    }


def table(rows: Sequence[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, list):
            return ",".join(str(item) for item in value) or "-"
        return "-" if value is None else str(value)

    cells = [list(COLUMNS), *([cell(row[column]) for column in COLUMNS] for row in rows)]
    widths = [max(len(line[index]) for line in cells) for index in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )


# Plumbing shared by the commands ---------------------------------------------------------------
