"""A match request: one workflow per user's wait for a partner, ending matched, timed out or
cancelled. It owns the user's side (criteria, timeout, disconnect grace); the matchmaker decides
pairs and answers every withdrawal, so a request that times out just as it is paired ends matched.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import search_attributes as attrs
from workflows.events import LEFT_QUEUE, MATCH_TIMEOUT, MATCHING_NAMESPACE, user_room
from workflows.match_messages import (
    NOTIFY,
    SIGNAL_ENQUEUE,
    SIGNAL_WITHDRAW,
    CancelRequest,
    CancelResult,
    Emit,
    EmitBatch,
    Enqueue,
    Join,
    MatchRequestInput,
    MatchResult,
    MatchStatus,
    Outcome,
    Paired,
    Presence,
    Rejoin,
    Withdraw,
    Withdrawn,
)
from workflows.match_news import matched_news

MATCHMAKER_ATTEMPTS = 12


@workflow.defn(name="MatchRequest")
class MatchRequestWorkflow:
    @workflow.init
    def __init__(self, request: MatchRequestInput) -> None:
        self._request = request
        self._criteria = request.criteria
        self._started = workflow.now()
        self._needs_enqueue = not request.enqueued_by_web
        self._withdraw_reason: Outcome | None = None
        self._withdraw_sent = False
        self._outcome: Outcome | None = None
        self._withdrawn_message = ""
        self._paired: Paired | None = None
        self._sockets: set[str] = set(request.sockets)
        # A join that came after this request was settled: it becomes the next request.
        self._rejoin: Join | None = None
        self._last_join: Join | None = None
        self._web_joins = 0
        self._last_seen = workflow.now()
        # Set when sockets come or go, so the wait is re-armed with the right grace deadline.
        self._presence_changed = False
        # A returning socket asked where the request stands and has not been told yet.
        self._announce_pending = False

    # Messages from the web tier --------------------------------------------------------------

    @workflow.signal
    def join(self, join: Join) -> None:
        """A join-queue (the first, or a repeat with new criteria: same place in line)."""
        self._sockets.add(join.socket_id)
        self._last_join = join
        if join.enqueued_by_web:
            self._web_joins += 1
        if self._outcome is None and self._withdraw_reason is None:
            self._criteria = join.criteria
            self._needs_enqueue = self._needs_enqueue or not join.enqueued_by_web
        else:
            self._rejoin = join

    @workflow.signal
    def presence(self, presence: Presence) -> None:
        if presence.connected:
            self._sockets.add(presence.socket_id)
            if presence.announce:
                self._announce_pending = True
                # Re-announcing makes the matchmaker tell the user where they stand.
                if self._outcome is None and self._withdraw_reason is None:
                    self._needs_enqueue = True
        else:
            self._sockets.discard(presence.socket_id)
            if not self._sockets:
                self._last_seen = workflow.now()
        self._presence_changed = True

    @workflow.update
    async def cancel(self, _request: CancelRequest) -> CancelResult:
        if self._withdraw_reason is None:
            self._withdraw_reason = Outcome.CANCELLED
        await workflow.wait_condition(lambda: self._outcome is not None)
        outcome = self._outcome or Outcome.CANCELLED
        return CancelResult(cancelled=outcome is not Outcome.MATCHED, outcome=outcome)

    @cancel.validator
    def _validate_cancel(self, _request: CancelRequest) -> None:
        if self._outcome is not None:
            raise ValueError(f"the request has already ended ({self._outcome.value})")

    @workflow.query
    def status(self) -> MatchStatus:
        return MatchStatus(
            outcome=self._outcome or Outcome.WAITING,
            criteria=self._criteria,
            waited_seconds=self._waited(),
            paired=self._paired,
        )

    # Messages from the matchmaker ------------------------------------------------------------

    @workflow.signal
    def paired(self, paired: Paired) -> None:
        if self._outcome is None:
            self._paired = paired
            self._outcome = Outcome.MATCHED
            if paired.joins_seen < self._web_joins:
                self._rejoin = self._last_join

    @workflow.signal
    def rejoin(self, _rejoin: Rejoin) -> None:
        """The last join reached the matchmaker after this request was paired: the user heard of
        the match and asked again, so that join becomes the next request."""
        if self._last_join is not None:
            self._rejoin = self._last_join

    @workflow.signal
    def withdrawn(self, withdrawn: Withdrawn) -> None:
        if self._outcome is None:
            if self._withdraw_reason is None:
                self._withdrawn_message = withdrawn.message
            self._outcome = self._withdraw_reason or withdrawn.reason

    # The request's life ----------------------------------------------------------------------

    @workflow.run
    async def run(self, request: MatchRequestInput) -> MatchResult:
        deadline = self._started + timedelta(seconds=request.timeout_seconds)
        ack_deadline = None
        if not self._started_marked(request):
            self._mark(Outcome.WAITING)
        while self._outcome is None:
            if self._needs_enqueue and self._withdraw_reason is None:
                self._needs_enqueue = False
                self._announce_pending = False
                await self._tell_matchmaker(SIGNAL_ENQUEUE, self._enqueue_message())
                continue
            if self._withdraw_reason is not None and not self._withdraw_sent:
                self._withdraw_sent = True
                ack_deadline = workflow.now() + timedelta(seconds=request.ack_seconds)
                await self._tell_matchmaker(
                    SIGNAL_WITHDRAW,
                    Withdraw(request.user_id, workflow.info().run_id, self._withdraw_reason),
                )
                continue
            wake = ack_deadline if ack_deadline is not None else self._next_deadline(deadline)
            self._presence_changed = False
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    self._has_news, timeout=max((wake - workflow.now()).total_seconds(), 0.001)
                )
            now = workflow.now()
            if self._outcome is not None or self._has_news():
                continue
            if ack_deadline is not None and now >= ack_deadline:
                # The matchmaker never answered: end as asked rather than wait forever.
                self._outcome = self._withdraw_reason
            elif now >= deadline:
                self._withdraw_reason = Outcome.TIMED_OUT
            elif not self._sockets and now >= self._grace_deadline():
                self._withdraw_reason = Outcome.DISCONNECTED
        outcome = self._outcome
        await self._announce(outcome)
        self._mark(outcome)
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._rejoin is not None:
            # The user asked again while this request was ending: carry on as a fresh request.
            workflow.continue_as_new(
                dataclasses.replace(
                    request,
                    criteria=self._rejoin.criteria,
                    sockets=sorted(self._sockets),
                    enqueued_by_web=False,
                )
            )
        return MatchResult(
            outcome=outcome,
            user_id=request.user_id,
            criteria=self._criteria,
            waited_seconds=self._waited(),
            paired=self._paired,
        )

    def _has_news(self) -> bool:
        return (
            self._outcome is not None
            or self._presence_changed
            or (self._needs_enqueue and self._withdraw_reason is None)
            or (self._withdraw_reason is not None and not self._withdraw_sent)
        )

    def _grace_deadline(self) -> datetime:
        return self._last_seen + timedelta(seconds=self._request.disconnect_grace_seconds)

    def _next_deadline(self, deadline: datetime) -> datetime:
        if self._sockets:
            return deadline
        return min(deadline, self._grace_deadline())

    def _waited(self) -> float:
        return round((workflow.now() - self._started).total_seconds(), 3)

    async def _tell_matchmaker(self, signal: str, message: object) -> None:
        handle = workflow.get_external_workflow_handle(self._request.matchmaker_id)
        for attempt in range(MATCHMAKER_ATTEMPTS):
            try:
                await handle.signal(signal, message)
                return
            except ApplicationError:
                # Not running (yet, or between runs): the worker starts it; try again shortly.
                await workflow.sleep(min(2**attempt * 0.2, 5.0))
        raise ApplicationError(f"matchmaker {self._request.matchmaker_id} is not running")

    def _enqueue_message(self) -> Enqueue:
        info = workflow.info()
        return Enqueue(
            user_id=self._request.user_id,
            username=self._request.username,
            criteria=self._criteria,
            request_workflow_id=info.workflow_id,
            request_run_id=info.run_id,
        )

    async def _announce(self, outcome: Outcome) -> None:
        """Tell the user's sockets how a request ended that they did not end themselves."""
        room = user_room(self._request.user_id)
        if outcome is Outcome.MATCHED and self._announce_pending and self._paired is not None:
            # A socket came back just as the pair was made, after the matchmaker's news went out.
            emit = matched_news(self._request.user_id, self._paired, self._criteria.difficulty)
        elif outcome is Outcome.TIMED_OUT:
            emit = Emit(
                MATCH_TIMEOUT, {"waitedSeconds": round(self._waited())}, room, MATCHING_NAMESPACE
            )
        elif outcome is Outcome.DISCONNECTED:
            emit = Emit(
                LEFT_QUEUE, {"ok": True, "reason": "disconnected"}, room, MATCHING_NAMESPACE
            )
        elif outcome is Outcome.CANCELLED and self._withdrawn_message:
            # Withdrawn by the matchmaker (no room could be made), not by the student.
            emit = Emit(
                LEFT_QUEUE,
                {"ok": False, "error": self._withdrawn_message},
                room,
                MATCHING_NAMESPACE,
            )
        else:
            return  # matched: the matchmaker told them; cancelled: the web tier answers
        await workflow.execute_activity(
            NOTIFY, EmitBatch([emit]), start_to_close_timeout=timedelta(seconds=10)
        )

    def _started_marked(self, request: MatchRequestInput) -> bool:
        """Whether this run's start already set its search attributes and memo as ``_mark``
        would. Decided by the input, not ``workflow.patched``: a patch marker would upsert a
        search attribute of its own. A run continued as new carries the last run's."""
        return (
            request.started_marked
            and workflow.info().continued_run_id is None
            and self._criteria == request.criteria
        )

    def _mark(self, outcome: Outcome) -> None:
        # A run continued as new inherits the last run's attributes and memo: every key is set
        # (or cleared) here, so a new request never shows the previous match's room or criteria.
        paired = self._paired
        workflow.upsert_search_attributes(
            [
                attrs.USER_IDS.value_set([self._request.user_id]),
                attrs.DIFFICULTY.value_set(self._criteria.difficulty),
                attrs.TOPICS.value_set([topic.lower() for topic in self._criteria.topics]),
                attrs.OUTCOME.value_set(outcome.value),
                attrs.ROOM_ID.value_set(paired.room_id) if paired else attrs.ROOM_ID.value_unset(),
            ]
        )
        workflow.upsert_memo(
            {
                "outcome": outcome.value,
                "difficulty": self._criteria.difficulty,
                "topics": list(self._criteria.topics),
                "room": paired.room_id if paired else None,
                "partner": paired.partner.username if paired else None,
                "question": paired.question.title if paired else None,
            }
        )
