"""A collaboration session: one workflow per room, from the pair being made to the room's end.

This first version holds the room's members and question and ends at its maximum duration or
when told to; the collaboration slice fills in presence, idle timeout and attempts.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from temporalio import workflow

from workflows import search_attributes as attrs
from workflows.match_messages import SessionInput


@dataclass(frozen=True, slots=True)
class SessionEnd:
    reason: str


@dataclass(frozen=True, slots=True)
class SessionResult:
    room_id: str
    reason: str


@workflow.defn(name="CollabSession")
class CollabSessionWorkflow:
    @workflow.init
    def __init__(self, session: SessionInput) -> None:
        self._session = session
        self._end_reason: str | None = None

    @workflow.signal
    def end(self, request: SessionEnd) -> None:
        self._end_reason = self._end_reason or request.reason

    @workflow.query
    def members(self) -> list[str]:
        return [member.user_id for member in self._session.members]

    @workflow.run
    async def run(self, session: SessionInput) -> SessionResult:
        workflow.upsert_search_attributes(
            [
                attrs.ROOM_ID.value_set(session.room_id),
                attrs.USER_IDS.value_set([member.user_id for member in session.members]),
                attrs.DIFFICULTY.value_set(session.question.difficulty.lower()),
                attrs.TOPICS.value_set([topic.lower() for topic in session.question.topics]),
                attrs.OUTCOME.value_set("active"),
            ]
        )
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._end_reason is not None, timeout=session.timeouts.max_seconds
            )
        reason = self._end_reason or "max_duration"
        workflow.upsert_search_attributes([attrs.OUTCOME.value_set(f"ended:{reason}")])
        return SessionResult(room_id=session.room_id, reason=reason)
