"""The door to Temporal for the web tier and operators: matching requests, the matchmaker,
health, and (through ``sessions``) the collaboration sessions.

The client dials lazily, so the API starts (and reports 503) while Temporal is still coming up.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import (
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.service import RPCError, RPCStatusCode

from orchestration.batches import Batches
from orchestration.cancellation import being_cancelled
from orchestration.sessions import SessionWorkflows
from settings import Settings
from workflows import ids
from workflows import search_attributes as attrs
from workflows.match_messages import (
    CancelRequest,
    CancelResult,
    Criteria,
    Emit,
    Enqueue,
    EnqueueBatch,
    Join,
    JoinNews,
    MatchmakerState,
    MatchRequestInput,
    MatchResult,
    MatchStatus,
    Outcome,
    Presence,
    SessionTimeouts,
)
from workflows.matching import MatchRequestWorkflow, request_memo
from workflows.matchmaker import MatchmakerWorkflow
from workflows.pairing import PairingRules


@dataclass(frozen=True, slots=True)
class MatchingConfig:
    """The matching timeouts, taken from settings by whoever builds the orchestrator."""

    matchmaker_id: str
    timeout_seconds: float
    disconnect_grace_seconds: float
    rules: PairingRules
    session_timeouts: SessionTimeouts
    history_limit: int

    @classmethod
    def from_settings(cls, settings: Settings) -> MatchingConfig:
        return cls(
            matchmaker_id=settings.matchmaker_id,
            timeout_seconds=settings.match_timeout_seconds,
            disconnect_grace_seconds=settings.match_disconnect_grace_seconds,
            rules=PairingRules(
                relax_topics_after=settings.match_relax_topics_seconds,
                relax_difficulty_after=settings.match_relax_difficulty_seconds,
                recent_pair_window=settings.match_recent_pair_seconds,
            ),
            session_timeouts=SessionTimeouts(
                idle_seconds=settings.session_idle_seconds,
                max_seconds=settings.session_max_seconds,
                presence_lease_seconds=settings.session_presence_lease_seconds,
                history_limit=settings.session_history_limit,
                exec_task_queue=settings.exec_task_queue,
                run_queue_seconds=settings.exec_queue_seconds,
                run_timeout_seconds=settings.exec_run_timeout_seconds,
            ),
            history_limit=settings.matchmaker_history_limit,
        )


@dataclass(frozen=True, slots=True)
class RequestStart:
    """How a match request is started: its id, queue, input, search attributes and memo.

    Built in one place (:meth:`Orchestrator.request_start`) for the web tier's joins and for
    ``peerprep ops retry``, so every request is found in the Temporal UI the same way.
    """

    workflow_id: str
    task_queue: str
    request: MatchRequestInput
    search_attributes: TypedSearchAttributes
    memo: dict[str, Any] = field(default_factory=dict)


log = logging.getLogger(__name__)
QUERY_TIMEOUT = timedelta(seconds=2)
UPDATE_TIMEOUT = timedelta(seconds=2)
# How long a batch of joins keeps asking for its update's answer before it goes by signal.
UPDATE_PATIENCE = timedelta(seconds=10)


def _not_found(error: RPCError) -> bool:
    return error.status == RPCStatusCode.NOT_FOUND


class Orchestrator:
    def __init__(self, client: Client, task_queue: str, matching: MatchingConfig) -> None:
        self.client = client
        self.task_queue = task_queue
        self.matching = matching
        self.sessions = SessionWorkflows(client)
        self._matchmaker = client.get_workflow_handle_for(
            MatchmakerWorkflow.run, matching.matchmaker_id
        )
        self._admissions = Batches[Enqueue, list[Emit]](self._admit)

    @classmethod
    async def connect(cls, settings: Settings) -> Orchestrator:
        client = await Client.connect(
            settings.resolved_temporal_address, namespace=settings.temporal_namespace, lazy=True
        )
        return cls(client, settings.task_queue, MatchingConfig.from_settings(settings))

    async def healthy(self, within_seconds: float = 2.0) -> bool:
        try:
            async with asyncio.timeout(within_seconds + 0.5):
                return await self.client.service_client.check_health(
                    timeout=timedelta(seconds=within_seconds)
                )
        except (RuntimeError, RPCError, TimeoutError) as error:
            # A health check reports: what stops it (a refused dial is a RuntimeError of the
            # SDK's core, a slow one an RPCError or our timeout) is the answer, which the
            # health route gives; logged at debug, as it repeats with every check of an outage.
            log.debug("Temporal is not healthy: %r", error)
            return False

    @property
    def matchmaker(self) -> WorkflowHandle[MatchmakerWorkflow, None]:
        return self._matchmaker

    async def matchmaker_running(self, within_seconds: float = 2.0) -> bool:
        """Whether the matchmaker runs. One that does not (terminated by an operator, say) is
        started again here, as at boot, rather than at the next student's join; False only when
        that fails too."""
        try:
            async with asyncio.timeout(within_seconds + 0.5):
                try:
                    described = await self._matchmaker.describe(
                        rpc_timeout=timedelta(seconds=within_seconds)
                    )
                    if described.status is WorkflowExecutionStatus.RUNNING:
                        return True
                except RPCError as error:
                    if not _not_found(error):
                        raise
                log.warning("the matchmaker is not running: starting it again")
                await self.ensure_matchmaker()
                return True
        except Exception as error:
            # A health check reports; whatever stops it is the answer, told to the log.
            log.warning("the matchmaker could not be asked or started: %r", error)
            return False

    async def ensure_matchmaker(self) -> None:
        """Start the matchmaker if it is not running, and give it the current rules."""
        state = MatchmakerState(
            rules=self.matching.rules,
            session_timeouts=self.matching.session_timeouts,
            history_limit=self.matching.history_limit,
        )
        await self.client.start_workflow(
            MatchmakerWorkflow.run,
            state,
            id=self.matching.matchmaker_id,
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            start_signal="configure",
            start_signal_args=[state],
            memo={"role": "pairs waiting match requests"},
        )

    def _request(self, user_id: str) -> WorkflowHandle[MatchRequestWorkflow, MatchResult]:
        return self.client.get_workflow_handle_for(
            MatchRequestWorkflow.run, ids.match_request_id(user_id)
        )

    def request_start(
        self,
        user_id: str,
        username: str,
        join: Join,
        *,
        sockets: Sequence[str] = (),
        memo: Mapping[str, Any] | None = None,
    ) -> RequestStart:
        """A new request for the user's join, on the current settings' queue, matchmaker and
        timeouts. ``sockets`` are the user's sockets it should count as connected; ``memo``
        adds to the standard memo."""
        request = MatchRequestInput(
            user_id=user_id,
            username=username,
            matchmaker_id=self.matching.matchmaker_id,
            timeout_seconds=self.matching.timeout_seconds,
            disconnect_grace_seconds=self.matching.disconnect_grace_seconds,
            sockets=list(sockets),
            join=join,
        )
        criteria = join.criteria
        return RequestStart(
            workflow_id=ids.match_request_id(user_id),
            task_queue=self.task_queue,
            request=request,
            search_attributes=attrs.request_attributes(
                user_id, criteria.difficulty, criteria.topics
            ),
            memo={**request_memo(username, Outcome.WAITING, criteria), **(memo or {})},
        )

    async def start_request(
        self, start: RequestStart, *, or_join: bool = True
    ) -> WorkflowHandle[MatchRequestWorkflow, MatchResult]:
        """Start a request. With ``or_join``, a live request of the user gets the join instead
        (one request per user, never a twin); without it, a live request makes this raise
        :class:`temporalio.exceptions.WorkflowAlreadyStartedError`."""
        join = start.request.join
        return await self.client.start_workflow(
            MatchRequestWorkflow.run,
            start.request,
            id=start.workflow_id,
            task_queue=start.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            start_signal="join" if or_join and join is not None else None,
            start_signal_args=[join] if or_join and join is not None else [],
            search_attributes=start.search_attributes,
            memo=start.memo,
        )

    async def join_queue(
        self, user_id: str, username: str, criteria: Criteria, socket_id: str
    ) -> list[Emit]:
        """A join-queue: the user's request holds it first (started, or told if it runs), then
        it goes into the matchmaker's pool. Returns the news the caller delivers (joined-queue,
        and matched for both students if the join was paired at once)."""
        join = Join(join_id=uuid.uuid4().hex, criteria=criteria, socket_id=socket_id)
        handle = await self.start_request(self.request_start(user_id, username, join))
        log.info(
            "joined queue",
            extra={
                "user_id": user_id,
                "workflow_id": handle.id,
                "difficulty": criteria.difficulty,
                "topics": criteria.topics,
            },
        )
        return await self.admit(Enqueue(user_id, username, criteria, join.join_id))

    async def admit(self, join: Enqueue) -> list[Emit]:
        """Into the matchmaker's pool, in one update with the joins sent meanwhile (one in
        flight per process); returns the news of this join for the caller to deliver. The same
        join again (a returning client's) is answered again: joined-queue with its place, or
        matched if it was paired a moment ago."""
        return await self._admissions.send(join)

    async def enqueue(self, join: Enqueue) -> None:
        """Into the matchmaker's pool by signal: the matchmaker tells the student itself (for
        callers with no sockets to tell, such as ``peerprep ops retry``)."""
        await self._signal(EnqueueBatch([join]))

    async def _admit(self, joins: list[Enqueue]) -> list[list[Emit]]:
        """One batch, by update; asked again under the same id while the answer is slow (the
        server answers a repeat with the first one's result). Past the patience, or refused,
        the same joins go by signal: their ids make a repeat harmless, and the matchmaker tells
        those students itself."""
        batch = EnqueueBatch(joins)
        update_id = str(uuid.uuid4())
        deadline = asyncio.get_running_loop().time() + UPDATE_PATIENCE.total_seconds()
        while True:
            try:
                news = await self._matchmaker.execute_update(
                    "admit", batch, id=update_id, result_type=JoinNews, rpc_timeout=UPDATE_TIMEOUT
                )
                return [news.emits.get(join.join_id, []) for join in joins]
            except WorkflowUpdateRPCTimeoutOrCancelledError:
                if being_cancelled():
                    # The SDK reports our own cancellation (a stopping process) as this error:
                    # asking again would keep the process alive for the whole patience.
                    raise asyncio.CancelledError from None
                if asyncio.get_running_loop().time() < deadline:
                    continue
                log.warning("no answer to %d joins in time: sending them by signal", len(joins))
            except RPCError as error:
                log.warning("the joins' update was refused (%s): sending them by signal", error)
            await self._signal(batch)
            return [[] for _join in joins]

    async def _signal(self, batch: EnqueueBatch) -> None:
        try:
            await self._matchmaker.signal(MatchmakerWorkflow.enqueue, batch)
        except RPCError as error:
            if not _not_found(error):
                raise
            # No matchmaker (terminated by an operator, say): start it again, then send.
            log.warning("the matchmaker is not running: starting it again")
            await self.ensure_matchmaker()
            await self._matchmaker.signal(MatchmakerWorkflow.enqueue, batch)

    async def cancel_match(self, user_id: str) -> CancelResult | None:
        """Withdraw the user's live request; ``None`` when there is none."""
        request = self._request(user_id)
        try:
            result = await request.execute_update(MatchRequestWorkflow.cancel, CancelRequest())
            log.info(
                "left queue" if result.cancelled else "cancel too late",
                extra={
                    "user_id": user_id,
                    "workflow_id": request.id,
                    "outcome": result.outcome.value,
                },
            )
            return result
        except WorkflowUpdateFailedError:
            return None  # refused by the validator: the request had already ended
        except RPCError as error:
            if _not_found(error) or error.status == RPCStatusCode.FAILED_PRECONDITION:
                return None  # no request, or one that has completed
            raise

    async def presence(self, user_id: str, socket_id: str, *, connected: bool) -> bool:
        """Tell the live request about a socket; ``False`` when no request is running."""
        try:
            await self._request(user_id).signal(
                MatchRequestWorkflow.presence, Presence(socket_id, connected)
            )
        except RPCError as error:
            if not _not_found(error):
                raise
            return False
        return True

    async def match_state(self, user_id: str) -> MatchStatus | MatchResult | None:
        """The live request's status, the last request's result, or ``None`` if there was none."""
        handle = self._request(user_id)
        try:
            description = await handle.describe()
        except RPCError as error:
            if _not_found(error):
                return None
            raise
        if description.status == WorkflowExecutionStatus.RUNNING:
            return await handle.query(MatchRequestWorkflow.status)
        if description.status == WorkflowExecutionStatus.COMPLETED:
            return await handle.result()
        return None

    async def queue_sizes(self) -> dict[str, int]:
        """How many requests wait in the matchmaker's pool, by difficulty (for metrics)."""
        snapshot = await self._matchmaker.query(
            MatchmakerWorkflow.snapshot, rpc_timeout=QUERY_TIMEOUT
        )
        return dict(snapshot.waiting)
