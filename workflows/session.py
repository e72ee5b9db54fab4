"""A collaboration session: one workflow per room, from the pair being made to the room's end.

It ends when both members have left on purpose, after ``idle_seconds`` with nobody connected, at
``max_seconds``, or when an operator ends it; then one activity records each member's attempt
(and points for a completed question) and tells the room. Keystrokes never come here: the web
tier keeps the document. A member's leave comes here as an update, and this workflow is its one
owner: the update records it in the room's rows (the record everyone reads) and only then counts
it, so what ends the room and what the room says can never disagree. The workflow hears who is
connected, which decides the idle end; who completed is written by the web tier and read at the
end from the same rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, TimeoutType
from temporalio.exceptions import TimeoutError as ActivityTimeout

from workflows import search_attributes as attrs
from workflows.code_runs import MODES, RUN_CODE, CodeRunRequest, RunCodeInput, unrun
from workflows.match_messages import (
    CarriedSocket,
    PairMember,
    QuestionSummary,
    SessionCarry,
    SessionInput,
)

FINISH_SESSION = "finish_session"
RECORD_LEAVE = "record_leave"
# Not an end: the run hands its state to a fresh one.
CONTINUE = "continue"


@dataclass(frozen=True, slots=True)
class SessionResult:
    room_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class MemberPresence:
    user_id: str
    socket_id: str
    connected: bool


@dataclass(frozen=True, slots=True)
class PresenceRenewal:
    """From one web process: the members' sockets it holds in this room right now."""

    sockets: list[MemberPresence]


@dataclass(frozen=True, slots=True)
class MemberAction:
    user_id: str


@dataclass(frozen=True, slots=True)
class RecordLeaveInput:
    room_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class SessionState:
    room_id: str
    members: list[PairMember]
    connected: list[str]
    left: list[str]
    question: QuestionSummary
    started_at: str
    ended: bool
    end_reason: str | None


@dataclass(frozen=True, slots=True)
class FinishSessionInput:
    room_id: str
    members: list[PairMember]
    started_at: str
    ended_at: str
    reason: str


@dataclass(frozen=True, slots=True)
class FinishSessionResult:
    recorded: int


@workflow.defn(name="CollabSession")
class CollabSessionWorkflow:
    @workflow.init
    def __init__(self, session: SessionInput) -> None:
        self._session = session
        carried = session.carried
        self._end_reason: str | None = carried.end_reason if carried else None
        # (user, socket) -> when a web process last vouched for it.
        self._sockets: dict[tuple[str, str], datetime] = {
            (socket.user_id, socket.socket_id): datetime.fromisoformat(socket.seen_at)
            for socket in (carried.sockets if carried else [])
        }
        self._left: set[str] = set(carried.left) if carried else set()
        self._started = datetime.fromisoformat(carried.started_at) if carried else workflow.now()
        self._idle_since = datetime.fromisoformat(carried.idle_since) if carried else workflow.now()
        self._changed = False
        self._ended = False
        # The run in flight, if any: one at a time per room.
        self._running: str | None = None

    @workflow.signal
    def presence(self, presence: MemberPresence) -> None:
        key = (presence.user_id, presence.socket_id)
        if presence.connected:
            self._sockets[key] = workflow.now()
        else:
            self._sockets.pop(key, None)
            if not self._sockets:
                self._idle_since = workflow.now()
        self._changed = True

    @workflow.signal
    def renew(self, renewal: PresenceRenewal) -> None:
        """A web process still holds these sockets (one it lost track of may come back)."""
        for presence in renewal.sockets:
            if self._is_member(presence.user_id):
                self._sockets[(presence.user_id, presence.socket_id)] = workflow.now()
        self._changed = True

    @workflow.update
    async def leave(self, action: MemberAction) -> None:
        """Answered once the leave is in the room's rows; a repeat changes nothing."""
        if action.user_id in self._left:
            return
        await workflow.execute_activity(
            RECORD_LEAVE,
            RecordLeaveInput(self._session.room_id, action.user_id),
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=5)),
        )
        self._left.add(action.user_id)
        self._changed = True

    @leave.validator
    def _leave_allowed(self, action: MemberAction) -> None:
        # Rejected before anything enters the history.
        if not self._is_member(action.user_id):
            raise ValueError("only the session's members can leave it")
        if self._ended:
            raise ValueError("the session has ended")

    @workflow.update
    async def run_code(self, request: CodeRunRequest) -> dict[str, Any]:
        """Judge the room's code on the executors' queue; the result, whatever it is."""
        self._running = request.run_id
        timeouts = self._session.timeouts
        try:
            return await workflow.execute_activity(  # type: ignore[no-any-return]
                RUN_CODE,
                RunCodeInput(
                    run_id=request.run_id,
                    room_id=self._session.room_id,
                    question_id=self._session.question.id,
                    user_id=request.user_id,
                    mode=request.mode,
                    language=request.language,
                    source=request.source,
                    source_hash=request.source_hash,
                ),
                task_queue=timeouts.exec_task_queue,
                schedule_to_start_timeout=timedelta(seconds=timeouts.run_queue_seconds),
                start_to_close_timeout=timedelta(seconds=timeouts.run_timeout_seconds),
                heartbeat_timeout=timedelta(seconds=10),
                # Only the executor's own faults come back as failures (the student's are
                # verdicts): a few more tries, on whichever executor is free.
                retry_policy=RetryPolicy(maximum_attempts=3),
                result_type=dict,
            )
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ActivityTimeout) and cause.type == TimeoutType.SCHEDULE_TO_START:
                message = "every executor is busy: try again in a moment"
                return unrun("Busy", request.mode, request.language, message)
            return unrun(
                "Internal Error", request.mode, request.language, "the run could not be judged"
            )
        finally:
            self._running = None

    @run_code.validator
    def _run_allowed(self, request: CodeRunRequest) -> None:
        if not self._is_member(request.user_id):
            raise ValueError("only the session's members can run its code")
        if self._ended or self._end_reason is not None:
            raise ValueError("the session has ended")
        if self._running is not None:
            raise ValueError("a run is already going: its result comes to both of you")
        if request.mode not in MODES:
            raise ValueError(f"mode is one of {', '.join(MODES)}")

    @workflow.query
    def state(self) -> SessionState:
        return SessionState(
            room_id=self._session.room_id,
            members=self._session.members,
            connected=sorted({user for user, _socket in self._sockets}),
            left=sorted(self._left),
            question=self._session.question,
            started_at=self._started.isoformat(),
            ended=self._ended,
            end_reason=self._end_reason,
        )

    @workflow.run
    async def run(self, session: SessionInput) -> SessionResult:
        if session.carried is None:
            self._tag(session)
        reason = await self._until_over(session)
        if reason == CONTINUE:
            await workflow.wait_condition(workflow.all_handlers_finished)
            workflow.continue_as_new(dataclasses.replace(session, carried=self._carry()))
        self._end_reason = reason
        ended = workflow.now()
        await workflow.execute_activity(
            FINISH_SESSION,
            FinishSessionInput(
                room_id=session.room_id,
                members=session.members,
                started_at=self._started.isoformat(),
                ended_at=ended.isoformat(),
                reason=reason,
            ),
            result_type=FinishSessionResult,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)),
        )
        self._ended = True
        workflow.upsert_search_attributes([attrs.OUTCOME.value_set(f"ended:{reason}")])
        workflow.upsert_memo(
            {
                "question": session.question.title,
                "members": [member.username for member in session.members],
                "ended": reason,
            }
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return SessionResult(room_id=session.room_id, reason=reason)

    @staticmethod
    def _tag(session: SessionInput) -> None:
        workflow.upsert_search_attributes(
            [
                attrs.ROOM_ID.value_set(session.room_id),
                attrs.USER_IDS.value_set([member.user_id for member in session.members]),
                attrs.DIFFICULTY.value_set(session.question.difficulty.lower()),
                attrs.TOPICS.value_set([topic.lower() for topic in session.question.topics]),
                attrs.OUTCOME.value_set("active"),
            ]
        )

    def _carry(self) -> SessionCarry:
        return SessionCarry(
            started_at=self._started.isoformat(),
            idle_since=self._idle_since.isoformat(),
            sockets=[
                CarriedSocket(user, socket, seen.isoformat())
                for (user, socket), seen in sorted(self._sockets.items())
            ],
            left=sorted(self._left),
            end_reason=self._end_reason,
        )

    async def _until_over(self, session: SessionInput) -> str:
        deadline = self._started + timedelta(seconds=session.timeouts.max_seconds)
        while True:
            if self._end_reason is not None:
                return self._end_reason
            if self._left >= {member.user_id for member in session.members}:
                return "left"
            info = workflow.info()
            if (
                info.is_continue_as_new_suggested()
                or info.get_current_history_length() >= session.timeouts.history_limit
            ):
                return CONTINUE
            now = workflow.now()
            self._expire(now, session.timeouts.presence_lease_seconds)
            wake = self._next_wake(
                deadline, session.timeouts.idle_seconds, session.timeouts.presence_lease_seconds
            )
            if now >= deadline:
                return "max_duration"
            if not self._sockets and now >= self._idle_since + timedelta(
                seconds=session.timeouts.idle_seconds
            ):
                return "idle"
            self._changed = False
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._changed or self._end_reason is not None,
                    timeout=max((wake - now).total_seconds(), 0.001),
                )

    def _expire(self, now: datetime, lease_seconds: float) -> None:
        """Forget sockets nobody has vouched for within the lease (their web process is gone)."""
        if lease_seconds <= 0 or not self._sockets:
            return
        lease = timedelta(seconds=lease_seconds)
        stale = {key: seen for key, seen in self._sockets.items() if seen + lease <= now}
        for key in stale:
            del self._sockets[key]
        if stale and not self._sockets:
            self._idle_since = max(stale.values()) + lease

    def _next_wake(self, deadline: datetime, idle_seconds: float, lease_seconds: float) -> datetime:
        if self._sockets:
            if lease_seconds <= 0:
                return deadline
            return min(deadline, min(self._sockets.values()) + timedelta(seconds=lease_seconds))
        return min(deadline, self._idle_since + timedelta(seconds=idle_seconds))

    def _is_member(self, user_id: str) -> bool:
        return any(member.user_id == user_id for member in self._session.members)
