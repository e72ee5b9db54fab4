"""The matchmaker: one long-running entity workflow holding the pool of waiting requests.

It is the only place where pairing is decided, so two requests can never both claim one user.
Requests talk to it by signal (high rate, no in-flight limit); it answers each request by signal.
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
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ParentClosePolicy

from workflows import ids
from workflows import search_attributes as attrs
from workflows.match_messages import (
    CREATE_PAIR,
    CREATE_PAIRS,
    NOTIFY,
    SESSION_WORKFLOW,
    SIGNAL_PAIRED,
    SIGNAL_REJOIN,
    SIGNAL_WITHDRAWN,
    CreatePairInput,
    CreatePairResult,
    CreatePairsInput,
    CreatePairsResult,
    Emit,
    EmitBatch,
    Enqueue,
    EnqueueBatch,
    InboxItem,
    MatchmakerState,
    News,
    Outcome,
    PairMember,
    QuestionSummary,
    QueueSnapshot,
    Rejoin,
    SessionInput,
    Withdraw,
    Withdrawn,
)
from workflows.match_news import Newsroom, joined_news, matched_news
from workflows.match_pool import Pool, Tell
from workflows.pairing import Entry, Pair, next_relaxation

_LOCAL_TIMEOUT = timedelta(seconds=10)
# A pair's room id comes from its two request runs: a retried round that makes the same pair
# makes the same room, and one that pairs differently cannot reuse another pair's room.
_ROOMS = uuid.UUID("5f0c3a4e-8f1d-4c69-9a57-6f1f3d2b7c10")
# Rounds from here on announce their pairs only once the round is recorded (see _make_all).
NEWS_AFTER_COMMIT = "news-after-commit"
# A full history continues as new even with signals waiting in the inbox (they are carried).
CONTINUE_WITH_INBOX = "continue-with-inbox"
# A join that reaches the pool after its request was paired is no longer answered with a
# rejoin signal: the request already holds that join (the web tier signals it first) and counts
# it against the pair's joins_seen itself. The signal only repeated that, and it mostly failed,
# because by then the request had continued as new (a warning and two events per re-join).
REQUEST_COUNTS_REJOINS = "request-counts-rejoins"
# The requests are told of their pairs in the task that records the round, as the sessions are
# started, not a task later. Told later, a request was still waiting when its student (told by
# the update's answer) joined again, so every re-join took the slow way: the old request
# continued as new and enqueued itself, 24 events and 5 workflow tasks a cycle.
TELL_WITH_ROUND = "tell-with-round"
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
        self._newsroom = Newsroom()
        # About to continue as new: updates are answered at once, and signalled as it were.
        self._closing = False

    @workflow.signal(name="enqueue")
    def enqueue(self, request: Enqueue) -> None:
        self._state.inbox.append(InboxItem(enqueue=request))

    @workflow.signal(name="enqueue_batch")
    def enqueue_batch(self, batch: EnqueueBatch) -> None:
        """Several ``enqueue`` signals in one: a crowd's joins arrive as one event, not as so
        many that the server fails the running task (which then replays the whole history)."""
        self._state.inbox.extend(InboxItem(enqueue=request) for request in batch.requests)

    @workflow.update(name="enqueue_for_news")
    async def enqueue_for_news(self, request: Enqueue) -> News:
        """The ``enqueue`` signal as an update that returns the news of its round for the
        caller to deliver: no activity runs to tell the student, and the caller hears only
        once the round is in this workflow's history. Past the server's limit of updates in
        flight, callers fall back to the signal."""
        if self._closing:
            # This run is about to continue as new: the next one tells the student.
            self._state.inbox.append(InboxItem(enqueue=request))
            return News([])
        key = workflow.current_update_info().id  # type: ignore[union-attr]
        self._state.inbox.append(InboxItem(enqueue=request, reply_to=key))
        await workflow.wait_condition(lambda: self._newsroom.ready(key))
        return News(self._newsroom.take(key))

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
            arrivals, emits, replies = self._take_inbox(now)
            pairs = self._pool.pair_arrivals(arrivals, now)
            if relax_due is not None and now >= relax_due:
                pairs += self._pool.pair_relaxed(now)
            emits = self._newsroom.hold(emits)
            if emits:
                await self._notify(emits)
            if pairs and workflow.patched(NEWS_AFTER_COMMIT):
                await asyncio.gather(*self._send(replies), self._make_all(pairs, now))
            else:
                self._newsroom.release()
                await asyncio.gather(
                    *self._send(replies), *(self._make(pair, now) for pair in pairs)
                )
            self._pool.forget_old_pairs(now)
            relax_due = next_relaxation(self._state.pool, now, self._state.rules)
            if self._history_full() and (
                not self._state.inbox or workflow.patched(CONTINUE_WITH_INBOX)
            ):
                # Under steady load the inbox is never empty here, and a history that only
                # grows makes every replay (after any failed task) slower than the last.
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
        """Apply queued signals in order: who arrived, what to tell them, which replies to send."""
        arrivals: dict[str, Entry] = {}
        replies: list[Tell] = []
        emits: list[Emit] = []
        for item in self._state.inbox:
            if item.enqueue is not None:
                self._route(item.enqueue, item.reply_to)
                settled = self._pool.settled(item.enqueue.request_run_id)
                if settled is not None:
                    # Paired a moment ago (the request has not heard yet): never re-queue it.
                    paired, difficulty = settled
                    user, run = item.enqueue.user_id, item.enqueue.request_run_id
                    if item.enqueue.fresh_join and not item.enqueue.unheard:
                        # A join-queue that reached the pool after the pair was made: the user
                        # has heard of the match and asks again, which is a new request.
                        if not workflow.patched(REQUEST_COUNTS_REJOINS):
                            replies.append(Tell(user, run, SIGNAL_REJOIN, Rejoin()))
                    else:
                        replies.append(Tell(user, run, SIGNAL_PAIRED, paired))
                        emits.append(matched_news(user, paired, difficulty))
                    continue
                entry = self._pool.admit(item.enqueue, now)
                arrivals[entry.user_id] = entry
            elif item.withdraw is not None:
                arrivals.pop(item.withdraw.user_id, None)
                reply = self._pool.withdraw(item.withdraw)
                if reply is not None:
                    replies.append(reply)
        self._state.inbox.clear()
        emits += [joined_news(entry, self._state.pool) for entry in arrivals.values()]
        return list(arrivals.values()), emits, replies

    async def _make_all(self, pairs: list[Pair], now: float) -> None:
        """Rooms, questions and sessions for a round's pairs, then the news to both students.

        The news goes out only once the pairs are in this workflow's history: as the results
        of the round's updates, which the server delivers once the task is recorded, or by an
        activity once the sessions have started. A workflow task that fails before that (as the
        server fails one when too many signals arrive during it) may pair differently on its
        retry, and nobody must have heard of the pairs it threw away.
        """
        requests = [
            CreatePairInput(
                self._room_id(pair),
                self._members(pair),
                pair.difficulty,
                pair.topics,
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
        made: list[tuple[CreatePairInput, QuestionSummary]] = []
        news: list[Emit] = []
        tells: list[Tell] = []
        problems = created.problems or [None] * len(requests)
        for pair, request, question, problem in zip(
            pairs, requests, created.questions, problems, strict=True
        ):
            if question is None:
                workflow.logger.error(
                    "no room for %s: %s", request.room_id, problem or "the question bank is empty"
                )
                tells += self._cancel_both(pair, _NO_ROOM)
                continue
            made.append((request, question))
            paired = self._pool.remember(pair, request.room_id, question, now)
            told = list(zip((pair.first, pair.second), paired, strict=True))
            matched = [
                matched_news(entry.user_id, message, pair.difficulty) for entry, message in told
            ]
            # Either student's update carries the news of both; else an activity tells them.
            if not self._newsroom.hold_together(matched):
                news += matched
            tells += [
                Tell(entry.user_id, entry.request_run_id, SIGNAL_PAIRED, message)
                for entry, message in told
            ]
        # The updates' answers leave with the task that records this round (and the sessions'
        # starts); the others' news waits for the sessions to have started.
        self._newsroom.release()
        sessions = [self._start_session(request, question) for request, question in made]
        if workflow.patched(TELL_WITH_ROUND):
            await asyncio.gather(*sessions, *self._send(tells))
            if news:
                await self._notify(news)
            return
        await asyncio.gather(*sessions)
        await asyncio.gather(*self._send(tells), *([self._notify(news)] if news else []))

    async def _make(self, pair: Pair, now: float) -> None:
        """One pair, announced by its activity before the round was recorded: how rounds ran
        before ``NEWS_AFTER_COMMIT``, kept so their histories replay."""
        room_id = ids.room_id_for(str(workflow.uuid4()))
        request = CreatePairInput(room_id, self._members(pair), pair.difficulty, pair.topics)
        try:
            created = await workflow.execute_local_activity(
                CREATE_PAIR,
                request,
                result_type=CreatePairResult,
                start_to_close_timeout=_LOCAL_TIMEOUT,
                retry_policy=_LOCAL_RETRY,
            )
        except ActivityError as error:
            workflow.logger.error("could not create a room for %s: %s", room_id, error.cause)
            await asyncio.gather(*self._send(self._cancel_both(pair)))
            return
        await self._start_session(request, created.question)
        paired = self._pool.remember(pair, room_id, created.question, now)
        await asyncio.gather(
            self._tell(pair.first.user_id, pair.first.request_run_id, SIGNAL_PAIRED, paired[0]),
            self._tell(pair.second.user_id, pair.second.request_run_id, SIGNAL_PAIRED, paired[1]),
        )

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

    def _cancel_both(self, pair: Pair, message: str = "") -> list[Tell]:
        withdrawn = Withdrawn(Outcome.CANCELLED, message)
        return [
            Tell(entry.user_id, entry.request_run_id, SIGNAL_WITHDRAWN, withdrawn)
            for entry in (pair.first, pair.second)
        ]

    @staticmethod
    def _room_id(pair: Pair) -> str:
        names = [
            f"{entry.user_id}/{entry.request_run_id}/{entry.seq}"
            for entry in (pair.first, pair.second)
        ]
        return ids.room_id_for(str(uuid.uuid5(_ROOMS, "|".join(names))))

    @staticmethod
    def _members(pair: Pair) -> list[PairMember]:
        return [
            PairMember(user_id=entry.user_id, username=entry.username)
            for entry in (pair.first, pair.second)
        ]

    def _route(self, request: Enqueue, update_id: str | None) -> None:
        """Whether this join's update carries its student's news: not when its caller may
        have lost an update's answer (``unheard``); then an activity tells the student."""
        lost = update_id is not None and (
            request.unheard
            or any(
                entry.unheard
                for entry in self._state.pool
                if entry.request_run_id == request.request_run_id
            )
        )
        self._newsroom.route(request.user_id, None if lost else update_id)
        if lost and update_id is not None:
            self._newsroom.answer_empty(update_id)

    def _let_updates_go(self) -> None:
        """Answer every waiting update with no news, and leave their joins in the inbox as if
        signalled, so the next run tells those students itself."""
        self._newsroom.release()
        for index, item in enumerate(self._state.inbox):
            if item.reply_to is not None:
                self._newsroom.answer_empty(item.reply_to)
                self._state.inbox[index] = InboxItem(enqueue=item.enqueue)

    # Small pieces ----------------------------------------------------------------------------

    def _send(self, tells: list[Tell]) -> list[Coroutine[Any, Any, None]]:
        """The signals, made only where they are awaited: a run evicted in between (after a
        failed task, say) leaves no coroutine behind that was never awaited."""
        return [self._tell(*tell) for tell in tells]

    async def _tell(self, user_id: str, run_id: str, signal: str, message: object) -> None:
        handle = workflow.get_external_workflow_handle(ids.match_request_id(user_id), run_id=run_id)
        try:
            await handle.signal(signal, message)
        except ApplicationError as error:
            # The request has ended (terminated by an operator, say): nobody left to tell.
            workflow.logger.warning("could not signal %s: %s", user_id, error)

    async def _notify(self, emits: list[Emit]) -> None:
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
