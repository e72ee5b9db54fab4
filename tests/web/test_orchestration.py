"""The web tier's orchestrator against a real Temporal server, where no socket is needed."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client

from orchestration.orchestrator import MatchingConfig, Orchestrator
from orchestration.sessions import SessionWorkflows
from tests.helpers.config import make_settings
from workers.temporal_server import DevServer
from workflows import ids
from workflows.match_messages import Criteria


async def test_a_join_waiting_for_the_matchmaker_stops_when_its_process_stops(
    temporal_server: DevServer, temporal_client: Client, task_queue: str, tmp_path: Path
) -> None:
    # No worker polls this queue, so the matchmaker never answers the join's update: the join
    # keeps asking for up to ten seconds. A stopping process cancels it and must not wait that.
    settings = make_settings(
        tmp_path,
        f"sqlite:///{tmp_path / 'unused.db'}",
        temporal_server.address,
        task_queue=task_queue,
        matchmaker_id=f"matchmaker-{task_queue}",
    )
    orchestrator = Orchestrator(
        temporal_client, settings.task_queue, MatchingConfig.from_settings(settings)
    )
    await orchestrator.ensure_matchmaker()
    user_id = str(uuid.uuid4())
    joining = asyncio.create_task(
        orchestrator.join_queue(user_id, "stopping", Criteria("easy", ["Arrays"]), "socket-1")
    )
    try:
        await asyncio.sleep(1.0)
        assert not joining.done()
        joining.cancel()
        done, _pending = await asyncio.wait([joining], timeout=3)
        assert joining in done
        assert joining.cancelled()
    finally:
        joining.cancel()
        for workflow_id in (settings.matchmaker_id, ids.match_request_id(user_id)):
            await temporal_client.get_workflow_handle(workflow_id).terminate("test over")


async def test_a_leave_no_worker_answers_times_out_and_a_stop_still_cancels_it(
    temporal_client: Client, task_queue: str
) -> None:
    # The session exists but no worker serves it, so the leave's update is still in flight
    # when its patience runs out: the SDK's own error for that must reach the caller as the
    # timeout it is, and a process stopping meanwhile must see its cancellation.
    room = str(uuid.uuid4())
    handle = await temporal_client.start_workflow(
        "CollabSessionWorkflow", id=ids.session_id(room), task_queue=task_queue
    )
    sessions = SessionWorkflows(temporal_client)
    try:
        with pytest.raises(TimeoutError):
            await sessions.leave(room, str(uuid.uuid4()), wait_seconds=1.0)
        leaving = asyncio.create_task(sessions.leave(room, str(uuid.uuid4()), wait_seconds=30))
        await asyncio.sleep(0.5)
        leaving.cancel()
        done, _pending = await asyncio.wait([leaving], timeout=3)
        assert leaving in done
        assert leaving.cancelled()
    finally:
        await handle.terminate("test over")
