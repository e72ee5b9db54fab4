"""The Temporal worker: every PeerPrep workflow and activity on one task queue."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.probe import ProbeActivities
from storage.database import Database
from workflows.probe import ProbeWorkflow


def build_worker(client: Client, task_queue: str, database: Database) -> Worker:
    probe = ProbeActivities(database)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProbeWorkflow],
        activities=[probe.count_questions],
        # In-flight activities get this long to finish when the worker is asked to stop.
        graceful_shutdown_timeout=timedelta(seconds=5),
    )
