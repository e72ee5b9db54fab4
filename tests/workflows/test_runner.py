"""Workers run workflow code without the SDK's sandbox unless asked to (it costs on every task);
a non-deterministic call then still fails, where replays run: in the sandbox."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Replayer, Worker

from tests.waiting import eventually
from tests.workflows.careless import CarelessDateWorkflow
from workers.worker import workflow_runner


async def _task_failures(handle: WorkflowHandle[CarelessDateWorkflow, str]) -> list[str]:
    return [
        event.workflow_task_failed_event_attributes.failure.message
        async for event in handle.fetch_history_events()
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]


async def test_the_plain_runner_runs_it_and_the_replay_in_the_sandbox_refuses_it(
    temporal_client: Client, task_queue: str
) -> None:
    async with Worker(
        temporal_client,
        task_queue=task_queue,
        workflows=[CarelessDateWorkflow],
        workflow_runner=workflow_runner(sandboxed=False),
    ):
        handle = await temporal_client.start_workflow(
            CarelessDateWorkflow.run, id=f"careless-{uuid.uuid4()}", task_queue=task_queue
        )
        assert await asyncio.wait_for(handle.result(), 20)
    history = await handle.fetch_history()
    with pytest.raises(Exception, match=r"datetime\.date\.today"):
        await Replayer(workflows=[CarelessDateWorkflow]).replay_workflow(history)


async def test_the_sandboxed_runner_fails_its_task(
    temporal_client: Client, task_queue: str
) -> None:
    async with Worker(
        temporal_client,
        task_queue=task_queue,
        workflows=[CarelessDateWorkflow],
        workflow_runner=workflow_runner(sandboxed=True),
    ):
        handle = await temporal_client.start_workflow(
            CarelessDateWorkflow.run, id=f"careless-{uuid.uuid4()}", task_queue=task_queue
        )
        failures = await eventually(
            lambda: _task_failures(handle), bool, "the workflow task to fail in the sandbox"
        )
        await handle.terminate("the test is done with it")
    assert "datetime.date.today" in failures[0]
