"""One workflow through the real dev server and our worker: server, worker, activity, database."""

from __future__ import annotations

import uuid

from temporalio.client import Client

from activities.notify import Notifier
from storage.database import Database
from storage.question_bank import load_bank
from workers.worker import build_worker
from workflows.probe import ProbeInput, ProbeWorkflow


async def test_probe_workflow_reads_the_database_through_an_activity(
    temporal_client: Client, task_queue: str, database: Database
) -> None:
    async with build_worker(temporal_client, task_queue, database, Notifier(None)):
        result = await temporal_client.execute_workflow(
            ProbeWorkflow.run,
            ProbeInput(note="hello"),
            id=f"probe-{uuid.uuid4()}",
            task_queue=task_queue,
        )
    assert result.note == "hello"
    assert result.questions >= len(load_bank())
