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
from typing import Any, NamedTuple

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ParentClosePolicy

from workflows import ids
from workflows import search_attributes as attrs
from workflows.events import JOINED_QUEUE, MATCHED, MATCHING_NAMESPACE, matched_payload, user_room
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
    InboxItem,
    MatchmakerState,
    News,
    Outcome,
    Paired,
    PairMember,
    Partner,
    QuestionSummary,
    QueueSnapshot,
    RecentPair,
    Rejoin,
    SessionInput,
    Withdraw,
    Withdrawn,
)
from workflows.match_news import Newsroom
from workflows.pairing import (
    Entry,
    Pair,
    best_partner,
    next_relaxation,
    pair_all,
    pair_key,
    position_of,
)

_LOCAL_TIMEOUT = timedelta(seconds=10)
# A pair's room id comes from its two request runs: a retried round that makes the same pair
# makes the same room, and one that pairs differently cannot reuse another pair's room.
_ROOMS = uuid.UUID("5f0c3a4e-8f1d-4c69-9a57-6f1f3d2b7c10")
# Rounds from here on announce their pairs only once the round is recorded (see _make_all).
NEWS_AFTER_COMMIT = "news-after-commit"
# A full history continues as new even with signals waiting in the inbox (they are carried).
CONTINUE_WITH_INBOX = "continue-with-inbox"
# What both students of a pair hear when its room cannot be made.
_NO_ROOM = "a room for your match could not be made; please join the queue again"
# A room cannot be made while the database is down: keep trying, never give up on a pair.
_LOCAL_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=5))


class Tell(NamedTuple):
    """A signal the matchmaker owes one request run."""

    user_id: str
    run_id: str
    signal: str
    message: object


@workflow.defn(name="Matchmaker")
class MatchmakerWorkflow:
    @workflow.init
    def __init__(self, state: MatchmakerState) -> None:
        self._state = state
        self._newsroom = Newsroom()
        # About to continue as new: updates are answered at once, and signalled as it were.
        self._closing = False

    @workflow.signal(name="enqueue")
    def enqueue(self, request: Enqueue) -> None:
        self._state.inbox.append(InboxItem(enqueue=request))

    @workflow.update(name="enqueue_now")
    def enqueue_now(self, request: Enqueue) -> None:
        """The same as the ``enqueue`` signal, as an update: the server dispatches an update at
        once (a speculative task) where a signal waits for a persisted task, so this is the fast
        path at low load. Past the server's limit of updates in flight, callers fall back to
        the signal."""
        self._state.inbox.append(InboxItem(enqueue=request))

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
            pairs = self._pair_arrivals(arrivals, now)
            if relax_due is not None and now >= relax_due:
                pairs += self._pair_relaxed(now)
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
            self._forget_old_pairs(now)
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
                settled = self._settled_pair(item.enqueue.request_run_id)
                if settled is not None:
                    # Paired a moment ago (the request has not heard yet): never re-queue it.
                    paired, difficulty = settled
                    user, run = item.enqueue.user_id, item.enqueue.request_run_id
                    if item.enqueue.fresh_join and not item.enqueue.unheard:
                        # A join-queue that reached the pool after the pair was made: the user
                        # has heard of the match and asks again, which is a new request.
                        replies.append(Tell(user, run, SIGNAL_REJOIN, Rejoin()))
                    else:
                        replies.append(Tell(user, run, SIGNAL_PAIRED, paired))
                        emits.append(self._matched(user, paired, difficulty))
                    continue
                entry = self._admit(item.enqueue, now)
                arrivals[entry.user_id] = entry
            elif item.withdraw is not None:
                arrivals.pop(item.withdraw.user_id, None)
                reply = self._remove(item.withdraw)
                if reply is not None:
                    replies.append(reply)
        self._state.inbox.clear()
        emits += [self._joined(entry) for entry in arrivals.values()]
        return list(arrivals.values()), emits, replies

    def _admit(self, request: Enqueue, now: float) -> Entry:
        """Add a request to the pool, or update it in place: a changed request keeps its place."""
        for index, entry in enumerate(self._state.pool):
            if entry.user_id == request.user_id:
                same_run = entry.request_run_id == request.request_run_id
                updated = Entry(
                    user_id=entry.user_id,
                    username=request.username,
                    difficulty=request.criteria.difficulty,
                    topics=list(request.criteria.topics),
                    enqueued_at=entry.enqueued_at,
                    seq=entry.seq,
                    request_run_id=request.request_run_id,
                    fresh_joins=(entry.fresh_joins if same_run else 0) + int(request.fresh_join),
                    unheard=(entry.unheard and same_run) or request.unheard,
                )
                self._state.pool[index] = updated
                return updated
        entry = Entry(
            user_id=request.user_id,
            username=request.username,
            difficulty=request.criteria.difficulty,
            topics=list(request.criteria.topics),
            enqueued_at=now,
            seq=self._state.next_seq,
            request_run_id=request.request_run_id,
            fresh_joins=int(request.fresh_join),
            unheard=request.unheard,
        )
        self._state.next_seq += 1
        self._state.pool.append(entry)
        return entry

    def _remove(self, request: Withdraw) -> Tell | None:
        for entry in self._state.pool:
            if entry.user_id == request.user_id:
                if entry.request_run_id != request.request_run_id:
                    return None  # a stale run's withdrawal: the live request stays
                self._state.pool.remove(entry)
                return Tell(
                    entry.user_id, entry.request_run_id, SIGNAL_WITHDRAWN, Withdrawn(request.reason)
                )
        settled = self._settled_pair(request.request_run_id)
        if settled is not None:
            # Paired before the withdrawal arrived: the pairing stands; say so again.
            return Tell(request.user_id, request.request_run_id, SIGNAL_PAIRED, settled[0])
        return Tell(
            request.user_id, request.request_run_id, SIGNAL_WITHDRAWN, Withdrawn(request.reason)
        )

    def _pair_arrivals(self, arrivals: list[Entry], now: float) -> list[Pair]:
        pairs: list[Pair] = []
        recent = self._recent_keys()
        for entry in sorted(arrivals, key=lambda item: item.seq):
            if entry not in self._state.pool:
                continue  # already taken by an earlier arrival of this round
            candidates = [other for other in self._state.pool if other is not entry]
            pair = best_partner(entry, candidates, now, self._state.rules, recent)
            if pair is not None:
                self._take(pair)
                pairs.append(pair)
        return pairs

    def _pair_relaxed(self, now: float) -> list[Pair]:
        relaxed = [
            entry
            for entry in self._state.pool
            if now - entry.enqueued_at >= self._state.rules.relax_topics_after
        ]
        pairs = pair_all(relaxed, now, self._state.rules, self._recent_keys())
        for pair in pairs:
            self._take(pair)
        return pairs

    def _take(self, pair: Pair) -> None:
        self._state.pool.remove(pair.first)
        self._state.pool.remove(pair.second)

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
            paired = self._remember(pair, request.room_id, question, now)
            told = list(zip((pair.first, pair.second), paired, strict=True))
            matched = [
                self._matched(entry.user_id, message, pair.difficulty) for entry, message in told
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
        await asyncio.gather(
            *(self._start_session(request, question) for request, question in made)
        )
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
        paired = self._remember(pair, room_id, created.question, now)
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

    def _remember(
        self, pair: Pair, room_id: str, question: QuestionSummary, now: float
    ) -> list[Paired]:
        """Record the pair (so late messages from either request get the same answer) and
        return what each of the two is told."""
        paired = [
            Paired(
                room_id,
                Partner(pair.second.user_id, pair.second.username),
                question,
                joins_seen=pair.first.fresh_joins,
            ),
            Paired(
                room_id,
                Partner(pair.first.user_id, pair.first.username),
                question,
                joins_seen=pair.second.fresh_joins,
            ),
        ]
        self._state.recent.append(
            RecentPair(
                users=[pair.first.user_id, pair.second.user_id],
                at=now,
                room_id=room_id,
                paired=paired,
                run_ids=[pair.first.request_run_id, pair.second.request_run_id],
                difficulty=pair.difficulty,
            )
        )
        return paired

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

    def _settled_pair(self, run_id: str) -> tuple[Paired, str] | None:
        """What a request run was paired with, if it was paired recently."""
        for recent in self._state.recent:
            if run_id in recent.run_ids:
                return recent.paired[recent.run_ids.index(run_id)], recent.difficulty
        return None

    @staticmethod
    def _matched(user_id: str, paired: Paired, difficulty: str) -> Emit:
        return Emit(
            MATCHED, matched_payload(paired, difficulty), user_room(user_id), MATCHING_NAMESPACE
        )

    def _joined(self, entry: Entry) -> Emit:
        return Emit(
            event=JOINED_QUEUE,
            data={
                "ok": True,
                "difficulty": entry.difficulty,
                "topics": entry.topics,
                "position": position_of(entry, self._state.pool),
            },
            room=user_room(entry.user_id),
            namespace=MATCHING_NAMESPACE,
        )

    async def _notify(self, emits: list[Emit]) -> None:
        await workflow.execute_local_activity(
            NOTIFY,
            EmitBatch(emits),
            start_to_close_timeout=_LOCAL_TIMEOUT,
            retry_policy=_LOCAL_RETRY,
        )

    def _recent_keys(self) -> set[str]:
        return {pair_key(*recent.users) for recent in self._state.recent}

    def _forget_old_pairs(self, now: float) -> None:
        window = self._state.rules.recent_pair_window
        self._state.recent = [recent for recent in self._state.recent if now - recent.at < window]

    def _history_full(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._state.history_limit
        )

    @staticmethod
    def _now() -> float:
        return workflow.now().timestamp()
