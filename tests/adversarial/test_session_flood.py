"""A member who floods the room with reconnects and language changes cannot push the session
workflow to Temporal's history limit, which would end it without recording the attempts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType

from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.records import attempts_with_code
from tests.helpers.rooms import Peers, join, matched_room, settled
from workflows.events import COLLAB_NAMESPACE

HISTORY_LIMIT = 40


async def test_reconnect_and_language_floods_continue_the_session_and_lose_no_attempt(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts, http: httpx.AsyncClient
) -> None:
    stack = live_stack(session_history_limit=HISTORY_LIMIT)
    assert stack.client is not None
    client = stack.client
    room, alice, mallory = await matched_room(stack, peers, accounts)
    honest = await join(stack, peers, alice, room)
    first_run = (await stack.call(client.get_workflow_handle(f"session-{room}").describe())).run_id

    for _ in range(30):
        flood = peers(stack.base_url, COLLAB_NAMESPACE)
        await flood.connect({"token": mallory.token, "sessionId": room})
        await flood.wait_for("collab:connected")
        await flood.disconnect()
    hostile = await join(stack, peers, mallory, room)
    for index in range(60):
        language = ("java", "cpp")[index % 2]
        await hostile.peer.emit("collab:language:set", {"language": language})
    await honest.peer.wait_for("collab:language", lambda data: data == {"language": "cpp"})

    await honest.type(0, "print('mine')")
    await settled(hostile, "print('mine')")
    await honest.peer.emit("collab:leave")
    await hostile.peer.wait_for("collab:left")
    await hostile.peer.emit("collab:leave")
    result = await asyncio.wait_for(
        stack.call(client.get_workflow_handle(f"session-{room}").result()), 30
    )
    assert result["reason"] == "left"
    for account in (alice, mallory):
        attempts = await attempts_with_code(http, account)
        assert [(a["status"], a["code"]) for a in attempts] == [("left", "print('mine')")]

    runs: list[Any] = []

    async def every_run() -> None:
        async for execution in client.list_workflows(f'WorkflowId = "session-{room}"'):
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            runs.append(await handle.fetch_history())

    await stack.call(every_run())
    assert len(runs) > 1, "the flood should have made the session continue as new"
    assert first_run in {history.run_id for history in runs}
    for history in runs:
        # The check runs between workflow tasks; one task's burst of signals may overshoot.
        assert len(history.events) <= 2 * HISTORY_LIMIT
        signals = [
            event.workflow_execution_signaled_event_attributes.signal_name
            for event in history.events
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        ]
        assert "language" not in signals
