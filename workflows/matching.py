"""A match request: one workflow per user's wait for a partner, ending matched, timed out or
cancelled. It owns the user's side (their joins, the timeout, the disconnect grace); the
matchmaker decides pairs and answers every withdrawal, so a request that times out just as it
is paired ends matched. It tells nobody anything: the matchmaker tells the students.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import search_attributes as attrs
from workflows.match_messages import (
    SIGNAL_WITHDRAW,
    CancelRequest,
    CancelResult,
    Criteria,
    Join,
    MatchRequestInput,
    MatchResult,
    MatchStatus,
    Outcome,
    Paired,
    Presence,
    Settled,
    Withdraw,
)

MATCHMAKER_ATTEMPTS = 12


@workflow.defn(name="MatchRequest")
class MatchRequestWorkflow:
    @workflow.init
    def __init__(self, request: MatchRequestInput) -> None:
        self._request = request
        self._started = workflow.now()
        # This run's joins, oldest first; the last is the one waiting in the pool.
        self._joins: list[Join] = [] if request.join is None else [request.join]
        # A join that came once this run's was settled or being withdrawn: the next run's.
        self._next: Join | None = None
        self._next_answer: Settled | None = None
        self._withdraw_reason: Outcome | None = None
        self._withdraw_sent = False
        self._outcome: Outcome | None = None
        self._paired: Paired | None = None
        self._sockets: set[str] = set(request.sockets)
        self._last_seen = workflow.now()
        # Set when sockets come or go, so the wait is re-armed with the right grace deadline.
        self._presence_changed = False
        if request.answer is not None:
            self.settled(request.answer)

    # Messages from the web tier --------------------------------------------------------------

    @workflow.signal
    def join(self, join: Join) -> None:
        """A join-queue (the first, or a repeat with new criteria: same place in line)."""
        self._sockets.add(join.socket_id)
        known = [*self._joins, *([self._next] if self._next is not None else [])]
        if any(seen.join_id == join.join_id for seen in known):
            return  # a join this run holds, delivered again (the start's own, as its signal)
        if self._outcome is None and self._withdraw_reason is None:
            self._joins.append(join)
        else:
            self._next = join

    @workflow.signal
    def presence(self, presence: Presence) -> None:
        if presence.connected:
            self._sockets.add(presence.socket_id)
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
        current = self._current()
        return MatchStatus(
            outcome=self._outcome or Outcome.WAITING,
            criteria=current.criteria,
            waited_seconds=self._waited(),
            paired=self._paired,
            join_id=current.join_id,
        )

    # Messages from the matchmaker ------------------------------------------------------------

    @workflow.signal
    def settled(self, answer: Settled) -> None:
        """How one of this user's joins ended. A pairing of any join of this run ends it
        matched (a join sent after the paired one reached the pool as a new one: it is the next
        run's); a withdrawal counts for the join being withdrawn."""
        if self._next is not None and answer.join_id == self._next.join_id:
            self._next_answer = answer
            return
        if self._outcome is not None:
            return
        ids = [join.join_id for join in self._joins]
        if answer.join_id not in ids:
            return
        if answer.outcome is Outcome.MATCHED:
            self._paired = answer.paired
            self._outcome = Outcome.MATCHED
            later = self._joins[ids.index(answer.join_id) + 1 :]
            if later and self._next is None:
                self._next = later[-1]
        elif answer.join_id == ids[-1]:
            self._outcome = self._withdraw_reason or answer.outcome

    # The request's life ----------------------------------------------------------------------

    @workflow.run
    async def run(self, request: MatchRequestInput) -> MatchResult:
        deadline = self._started + timedelta(seconds=request.timeout_seconds)
        ack_deadline = None
        while self._outcome is None:
            if self._withdraw_reason is not None and not self._withdraw_sent:
                self._withdraw_sent = True
                ack_deadline = workflow.now() + timedelta(seconds=request.ack_seconds)
                await self._withdraw(self._withdraw_reason)
                continue
            wake = ack_deadline if ack_deadline is not None else self._next_deadline(deadline)
            self._presence_changed = False
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    self._has_news, timeout=max((wake - workflow.now()).total_seconds(), 0.001)
                )
            now = workflow.now()
            if self._has_news():
                continue
            if ack_deadline is not None and now >= ack_deadline:
                # The matchmaker never answered: end as asked rather than wait forever.
                self._outcome = self._withdraw_reason
            elif now >= deadline:
                self._withdraw_reason = Outcome.TIMED_OUT
            elif not self._sockets and now >= self._grace_deadline():
                self._withdraw_reason = Outcome.DISCONNECTED
        outcome = self._outcome
        self._mark(outcome)
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._next is not None:
            # The user asked again while this request was ending: carry on as a fresh request
            # (the web tier has put that join in the pool already), found as a waiting one
            # from its start, as a first run is.
            criteria = self._next.criteria
            workflow.continue_as_new(
                dataclasses.replace(
                    request,
                    sockets=sorted(self._sockets),
                    join=self._next,
                    answer=self._next_answer,
                ),
                search_attributes=attrs.request_attributes(
                    request.user_id, criteria.difficulty, criteria.topics
                ),
                memo=request_memo(request.username, Outcome.WAITING, criteria),
            )
        return MatchResult(
            outcome=outcome,
            user_id=request.user_id,
            criteria=self._current().criteria,
            waited_seconds=self._waited(),
            paired=self._paired,
        )

    def _current(self) -> Join:
        if not self._joins:
            raise ApplicationError("a match request needs a join", non_retryable=True)
        return self._joins[-1]

    def _has_news(self) -> bool:
        return (
            self._outcome is not None
            or self._presence_changed
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

    async def _withdraw(self, reason: Outcome) -> None:
        message = Withdraw(self._request.user_id, self._current().join_id, reason, self._waited())
        handle = workflow.get_external_workflow_handle(self._request.matchmaker_id)
        for attempt in range(MATCHMAKER_ATTEMPTS):
            try:
                await handle.signal(SIGNAL_WITHDRAW, message)
                return
            except ApplicationError:
                # Not running (yet, or between runs): the web tier starts it; try again shortly.
                await workflow.sleep(min(2**attempt * 0.2, 5.0))
        raise ApplicationError(f"matchmaker {self._request.matchmaker_id} is not running")

    def _mark(self, outcome: Outcome) -> None:
        # Every key is set (or cleared) here, so the run shows only its own match.
        paired = self._paired
        criteria = self._current().criteria
        workflow.upsert_search_attributes(
            [
                attrs.USER_IDS.value_set([self._request.user_id]),
                attrs.DIFFICULTY.value_set(criteria.difficulty),
                attrs.TOPICS.value_set([topic.lower() for topic in criteria.topics]),
                attrs.OUTCOME.value_set(outcome.value),
                attrs.ROOM_ID.value_set(paired.room_id) if paired else attrs.ROOM_ID.value_unset(),
            ]
        )
        workflow.upsert_memo(request_memo(self._request.username, outcome, criteria, paired))


def request_memo(
    username: str, outcome: Outcome, criteria: Criteria, paired: Paired | None = None
) -> dict[str, object]:
    """What a request's memo says in the Temporal UI, from its start to its end."""
    return {
        "user": username,
        "outcome": outcome.value,
        "difficulty": criteria.difficulty,
        "topics": list(criteria.topics),
        "room": paired.room_id if paired else None,
        "partner": paired.partner.username if paired else None,
        "question": paired.question.title if paired else None,
    }
