"""The web tier's messages to the collaboration session workflows, and its query of them.

Reached as ``Orchestrator.sessions``. A session may have ended (or be a moment from starting):
the room row decides access, so a presence signal that finds no session is logged and dropped.
A leave is the session's to record, so it waits for a session that is about to start.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from orchestration.cancellation import being_cancelled
from workflows import ids
from workflows.code_runs import CodeRunRequest
from workflows.session import (
    CollabSessionWorkflow,
    MemberAction,
    MemberPresence,
    PresenceRenewal,
    SessionResult,
    SessionState,
)

log = logging.getLogger(__name__)

# How long a leave waits for its session: one a pair's round has just made starts within this.
LEAVE_WAIT_SECONDS = 5.0
# Between looks for a session that is not running yet.
_LEAVE_RETRY_SECONDS = 0.1


class LeaveRefused(Exception):
    """The session did not take the leave; the message says why, for the member."""


class RunRefused(Exception):
    """The session did not take the run (one is going, the room ended); says why."""


class SessionWorkflows:
    def __init__(self, client: Client) -> None:
        self._client = client

    async def presence(
        self, room_id: str, user_id: str, socket_id: str, *, connected: bool
    ) -> None:
        await self._tell(room_id, "presence", MemberPresence(user_id, socket_id, connected))

    async def renew(self, room_id: str, sockets: list[tuple[str, str]]) -> None:
        """This process still holds these (user, socket) pairs in the room."""
        renewal = PresenceRenewal([MemberPresence(user, sid, True) for user, sid in sockets])
        await self._tell(room_id, "renew", renewal)

    async def leave(
        self, room_id: str, user_id: str, *, wait_seconds: float = LEAVE_WAIT_SECONDS
    ) -> None:
        """Returns once the session has recorded the leave in the room's rows.

        Raises :class:`LeaveRefused` when the session refuses it or none is running within
        ``wait_seconds``, and :class:`TimeoutError` when no worker answers in that time; the
        update may still be taken later, and a second leave is harmless.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while True:
            patience = asyncio.timeout_at(deadline)
            try:
                async with patience:
                    await self._handle(room_id).execute_update(
                        CollabSessionWorkflow.leave, MemberAction(user_id)
                    )
                break
            except WorkflowUpdateRPCTimeoutOrCancelledError as error:
                # The SDK turns the cancellation our deadline makes into its own error, which
                # the timeout then lets through unchanged; any other cancellation is a stop.
                if patience.expired() and not being_cancelled():
                    raise TimeoutError from error
                raise asyncio.CancelledError from None
            except WorkflowUpdateFailedError as error:
                raise LeaveRefused(str(error.cause or error)) from error
            except RPCError as error:
                if error.status != RPCStatusCode.NOT_FOUND:
                    raise
                if loop.time() + _LEAVE_RETRY_SECONDS >= deadline:
                    raise LeaveRefused("the session is not running") from error
                await asyncio.sleep(_LEAVE_RETRY_SECONDS)
        log.info("left session", extra=self._ids(room_id, user_id))

    async def run_code(self, room_id: str, request: CodeRunRequest) -> dict[str, Any]:
        """The run's result, once judged; :class:`RunRefused` at once when the session does
        not take it (one is going, the room has ended, not a member)."""
        try:
            result: dict[str, Any] = await self._handle(room_id).execute_update(
                CollabSessionWorkflow.run_code, request
            )
        except WorkflowUpdateFailedError as error:
            raise RunRefused(str(error.cause or error)) from error
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            raise RunRefused("the session is not running") from error
        return result

    async def state(self, room_id: str) -> SessionState | None:
        try:
            return await self._handle(room_id).query(CollabSessionWorkflow.state)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise

    def _handle(self, room_id: str) -> WorkflowHandle[CollabSessionWorkflow, SessionResult]:
        return self._client.get_workflow_handle_for(
            CollabSessionWorkflow.run, ids.session_id(room_id)
        )

    async def _tell(self, room_id: str, signal: str, message: object) -> None:
        # A lost signal here only costs the workflow's view of presence.
        try:
            await self._handle(room_id).signal(signal, message)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            log.info(
                "session %s is not running; %s dropped",
                room_id,
                signal,
                extra={"room_id": room_id, "workflow_id": ids.session_id(room_id)},
            )

    @staticmethod
    def _ids(room_id: str, user_id: str) -> dict[str, str]:
        return {"user_id": user_id, "room_id": room_id, "workflow_id": ids.session_id(room_id)}
