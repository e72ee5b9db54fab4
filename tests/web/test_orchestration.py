"""The web tier's orchestrator against a real Temporal server, where no socket is needed."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from orchestration.orchestrator import MatchingConfig, Orchestrator
from tests.helpers.config import make_settings
from workers.temporal_server import DevServer
from workflows import ids
from workflows.match_messages import Criteria, EnqueueBatch, Join


async def test_a_join_is_held_by_the_request_and_in_the_pool_s_inbox_before_any_worker_runs(
    temporal_server: DevServer, temporal_client: Client, task_queue: str, tmp_path: Path
) -> None:
    # No worker polls this queue: a join must still return at once (signals do not wait for a
    # worker), held by the user's request and sent to the matchmaker under one join id.
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
    criteria = Criteria("easy", ["Arrays"])
    try:
        await asyncio.wait_for(
            orchestrator.join_queue(user_id, "early", criteria, "socket-1"), timeout=5
        )
        request = await _signals(temporal_client, ids.match_request_id(user_id), "join")
        pool = await _signals(temporal_client, settings.matchmaker_id, "enqueue")
        converter = temporal_client.data_converter
        (join,) = await converter.decode(request[0].input.payloads, [Join])
        (batch,) = await converter.decode(pool[0].input.payloads, [EnqueueBatch])
        assert (join.criteria, join.socket_id) == (criteria, "socket-1")
        assert [(e.user_id, e.join_id, e.criteria) for e in batch.requests] == [
            (user_id, join.join_id, criteria)
        ]
    finally:
        for workflow_id in (settings.matchmaker_id, ids.match_request_id(user_id)):
            await temporal_client.get_workflow_handle(workflow_id).terminate("test over")


async def _signals(client: Client, workflow_id: str, name: str) -> list[Any]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return [
        event.workflow_execution_signaled_event_attributes
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        and event.workflow_execution_signaled_event_attributes.signal_name == name
    ]
