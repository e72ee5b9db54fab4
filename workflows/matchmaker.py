"""The matchmaker: one long-running entity workflow holding the pool of waiting joins.

It is the only place where pairing is decided, so two requests can never both claim one user.
Joins come in batches: as the ``admit`` update, whose caller hears the news of its joins back
and delivers it, or as the ``enqueue`` signal from a caller that cannot deliver (the news then
goes by the ``notify`` activity, as does everything no update carries). Withdrawals come by the
``withdraw`` signal; every request hears how its join ended by one signal (``settled``).
docs/matching.md draws the whole protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ParentClosePolicy

from workflows import ids
from workflows import search_attributes as attrs
from workflows.match_messages import (
    CREATE_PAIRS,
    NOTIFY,
    SESSION_WORKFLOW,
    SIGNAL_SETTLED,
    CreatePairInput,
    CreatePairsInput,
    CreatePairsResult,
    Emit,
    EmitBatch,
    EnqueueBatch,
    InboxItem,
    JoinNews,
    MatchmakerState,
    Outcome,
    Paired,
    PairMember,
    QuestionSummary,
    QueueSnapshot,
    SessionInput,
    Settled,
    Withdraw,
)
from workflows.match_news import Replies, joined_news, left_news, matched_news, no_room_news
from workflows.match_pool import Pool, Tell
from workflows.pairing import Entry, Pair, next_relaxation

_LOCAL_TIMEOUT = timedelta(seconds=10)
# A pair's room id comes from its two joins: a retried round that makes the same pair makes the
# same room, and one that pairs differently cannot reuse another pair's room.
_ROOMS = uuid.UUID("5f0c3a4e-8f1d-4c69-9a57-6f1f3d2b7c10")
# The most messages one round takes from its inbox: a round's commands (a session and two
# answers per pair) come back as events while its task runs, and too many of those make the
# server fail the task. The rest wait for the next round, a moment later.
ROUND_MESSAGES = 40
# What both students of a pair hear when its room cannot be made.
_NO_ROOM = "a room for your match could not be made; please join the queue again"
# A room cannot be made while the database is down: keep trying, never give up on a pair.
_LOCAL_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=5))


@workflow.defn(name="Matchmaker")
class MatchmakerWorkflow:
    @workflow.init
    def __init__(self, state: MatchmakerState) -> None:
        self._state = state
        self._pool = Pool(state)
        self._replies = Replies()
        # About to continue as new: updates are answered at once, and their joins told by
        # activity in the next run.
        self._closing = False

    @workflow.update(name="admit")
    async def admit(self, batch: EnqueueBatch) -> JoinNews:
        """Joins from a web process, as many as arrived while its last batch was on its way;
        answered with each join's news once the round that took them in is recorded."""
        if self._closing:
            self._state.inbox.extend(InboxItem(enqueue=request) for request in batch.requests)
            return JoinNews({})
        key = workflow.current_update_info().id  # type: ignore[union-attr]
        self._state.inbox.extend(
            InboxItem(enqueue=request, reply_to=key) for request in batch.requests
        )
        await workflow.wait_condition(lambda: self._replies.ready(key))
        return JoinNews(self._replies.take(key))

    @workflow.signal(name="enqueue")
    def enqueue(self, batch: EnqueueBatch) -> None:
        """Joins whose news the matchmaker tells itself (an operator's retry; a web process
        that gave up waiting for its update)."""
        self._state.inbox.extend(InboxItem(enqueue=request) for request in batch.requests)

    @workflow.signal(name="withdraw")
    def withdraw(self, request: Withdraw) -> None:
        self._state.inbox.append(InboxItem(withdraw=request))

    @workflow.signal
    def configure(self, settings: MatchmakerState) -> None:
        """New rules and session timeouts from a (re)started web tier; the pool stays."""
        self._state.rules = settings.rules
        self._state.session_timeouts = settings.session_timeouts
        self._state.history_limit = settings.history_limit

    @workflow.query
    def snapshot(self) -> QueueSnapshot:
        waiting: dict[str, int] = {}
        for entry in self._state.pool:
            waiting[entry.difficulty] = waiting.get(entry.difficulty, 0) + 1
        return QueueSnapshot(waiting=waiting)

    @workflow.run
    async def run(self, state: MatchmakerState) -> None:
        relax_due = next_relaxation(self._state.pool, self._now(), self._state.rules)
        while True:
            await self._wait(relax_due)
            now = self._now()
            arrivals, news, answers = self._take_inbox(now)
            pairs = self._pool.pair_arrivals(arrivals, now)
            if relax_due is not None and now >= relax_due:
                pairs += self._pool.pair_relaxed(now)
            # A retried round says these again, word for word: they need not wait for it to
            # be recorded (the news of a pair does).
            await self._notify(news)
            await self._make_all(pairs, answers, now)
            self._pool.forget_old_pairs(now)
            relax_due = next_relaxation(self._state.pool, now, self._state.rules)
            if self._history_full():
                # Under steady load the inbox is never empty here: what it holds is carried.
                self._closing = True
                self._let_updates_go()
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._state)

    # The steps of one round -----------------------------------------------------------------

    async def _wait(self, relax_due: float | None) -> None:
        if self._state.inbox:
            return
        timeout = None if relax_due is None else max(relax_due - self._now(), 0.001)
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: bool(self._state.inbox), timeout=timeout)

    def _take_inbox(self, now: float) -> tuple[list[Entry], list[Emit], list[Tell]]:
        """Apply the queued messages in order: who arrived, what to tell students by activity
        now (the rest waits in the updates), and the answers owed to requests."""
        arrivals: dict[str, Entry] = {}
        answers: list[Tell] = []
        news: list[Emit] = []
        taken = self._state.inbox[:ROUND_MESSAGES]
        del self._state.inbox[:ROUND_MESSAGES]
        for item in taken:
            if item.enqueue is not None:
                join = item.enqueue
                if item.reply_to is not None:
                    self._replies.route(join.user_id, item.reply_to, join.join_id)
                settled = self._pool.settled(join.join_id)
                if settled is not None:
                    # A join paired a moment ago, announced again (a client that reconnects
                    # before its request has heard): it is told again, never queued again.
                    paired, difficulty = settled
                    matched = [matched_news(join.user_id, paired, difficulty)]
                    if not self._replies.carry(matched, join.user_id):
                        news += matched
                    continue
                entry = self._pool.admit(join, now)
                arrivals[entry.user_id] = entry
            elif item.withdraw is not None:
                withdraw = item.withdraw
                arrived = arrivals.get(withdraw.user_id)
                if arrived is not None and arrived.join_id == withdraw.join_id:
                    del arrivals[withdraw.user_id]
                answer, tell_student = self._pool.withdraw(withdraw)
                answers.append(answer)
                left = left_news(withdraw.user_id, withdraw.reason, withdraw.waited_seconds)
                if tell_student and left is not None:
                    news.append(left)
        for entry in arrivals.values():
            joined = [joined_news(entry, self._state.pool)]
            if not self._replies.carry(joined, entry.user_id):
                news += joined
        return list(arrivals.values()), news, answers

    async def _make_all(self, pairs: list[Pair], answers: list[Tell], now: float) -> None:
        """Rooms, questions and sessions for a round's pairs; the news to both students; the
        answers owed to requests.

        The news of a pair leaves only once the round is in this workflow's history: with the
        task that records it, as the result of an update, or by activity from the next task (the
        one that sees the answers delivered). A workflow task that fails before that (as the
        server fails one when too many signals arrive during it) may pair differently on its
        retry, and nobody must have heard of the pairs it threw away.
        """
        made: list[tuple[CreatePairInput, QuestionSummary]] = []
        later: list[Emit] = []
        if pairs:
            requests = [
                CreatePairInput(
                    self._room_id(pair), self._members(pair), pair.difficulty, pair.topics
                )
                for pair in pairs
            ]
            created = await workflow.execute_local_activity(
                CREATE_PAIRS,
                CreatePairsInput(requests),
                result_type=CreatePairsResult,
                start_to_close_timeout=_LOCAL_TIMEOUT,
                retry_policy=_LOCAL_RETRY,
            )
            for pair, request, question, problem in zip(
                pairs, requests, created.questions, created.problems, strict=True
            ):
                members = (pair.first, pair.second)
                if question is None:
                    workflow.logger.error("no room for %s: %s", request.room_id, problem)
                    answers += [_answer(entry, Outcome.CANCELLED) for entry in members]
                    later += [no_room_news(entry.user_id, _NO_ROOM) for entry in members]
                    continue
                made.append((request, question))
                paired = self._pool.remember(pair, request.room_id, question, now)
                told = list(zip(members, paired, strict=True))
                answers += [_answer(entry, Outcome.MATCHED, message) for entry, message in told]
                matched = [
                    matched_news(entry.user_id, message, pair.difficulty) for entry, message in told
                ]
                # Either student's update carries the news of both.
                if not self._replies.carry(matched, pair.first.user_id, pair.second.user_id):
                    later += matched
        # The updates answer with the task that records this round, as do the answers and the
        # sessions' starts. The rest of the news waits for the answers to be delivered, the
        # first events after that task; a session's start takes the server longer, and a
        # member who connects before it is counted by the lease renewals soon after.
        self._replies.release({item.reply_to for item in self._state.inbox if item.reply_to})
        sessions = asyncio.gather(
            *(self._start_session(request, question) for request, question in made)
        )
        await asyncio.gather(*self._send(answers))
        await self._notify(later)
        await sessions

    async def _start_session(self, request: CreatePairInput, question: QuestionSummary) -> None:
        await workflow.start_child_workflow(
            SESSION_WORKFLOW,
            SessionInput(request.room_id, request.members, question, self._state.session_timeouts),
            id=ids.session_id(request.room_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
            # Findable and readable in the Temporal UI from its first moment (the session keeps
            # them current as it goes).
            search_attributes=attrs.session_attributes(
                request.room_id,
                [member.user_id for member in request.members],
                question.difficulty,
                list(question.topics),
            ),
            memo={
                "question": question.title,
                "difficulty": question.difficulty,
                "members": [member.username for member in request.members],
            },
        )

    @staticmethod
    def _room_id(pair: Pair) -> str:
        names = [f"{entry.user_id}/{entry.join_id}" for entry in (pair.first, pair.second)]
        return ids.room_id_for(str(uuid.uuid5(_ROOMS, "|".join(names))))

    @staticmethod
    def _members(pair: Pair) -> list[PairMember]:
        return [
            PairMember(user_id=entry.user_id, username=entry.username)
            for entry in (pair.first, pair.second)
        ]

    def _let_updates_go(self) -> None:
        """Answer every waiting update with the news it holds, and leave its other joins in the
        inbox as if signalled, so the next run tells those students itself."""
        for index, item in enumerate(self._state.inbox):
            if item.reply_to is not None:
                self._replies.answer_now(item.reply_to)
                self._state.inbox[index] = InboxItem(enqueue=item.enqueue)

    # Small pieces ----------------------------------------------------------------------------

    def _send(self, tells: list[Tell]) -> list[Coroutine[Any, Any, None]]:
        """The signals, made only where they are awaited: a run evicted in between (after a
        failed task, say) leaves no coroutine behind that was never awaited."""
        return [self._tell(*tell) for tell in tells]

    async def _tell(self, user_id: str, signal: str, message: object) -> None:
        # The request's current run: a join that came after this one's may have continued
        # it as new, and the answer names its join, so the run that holds it takes it.
        handle = workflow.get_external_workflow_handle(ids.match_request_id(user_id))
        try:
            await handle.signal(signal, message)
        except ApplicationError as error:
            # The request has ended (terminated by an operator, say): nobody left to tell.
            workflow.logger.warning("could not signal %s: %s", user_id, error)

    async def _notify(self, emits: list[Emit]) -> None:
        if not emits:
            return
        await workflow.execute_local_activity(
            NOTIFY,
            EmitBatch(emits),
            start_to_close_timeout=_LOCAL_TIMEOUT,
            retry_policy=_LOCAL_RETRY,
        )

    def _history_full(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._state.history_limit
        )

    @staticmethod
    def _now() -> float:
        return workflow.now().timestamp()


def _answer(entry: Entry, outcome: Outcome, paired: Paired | None = None) -> Tell:
    """What a request is told of its join's end."""
    return Tell(entry.user_id, SIGNAL_SETTLED, Settled(entry.join_id, outcome, paired))
