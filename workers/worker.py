"""The Temporal worker: every PeerPrep workflow and activity on one task queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Interceptor, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.notify import Notifier, NotifyActivities
from activities.pairs import PairActivities
from activities.sessions import SessionActivities
from documents.docstore import DocumentReader
from storage.attempts import PointsRule
from storage.database import Database
from workers.telemetry import ActivityFailures
from workflows.matching import MatchRequestWorkflow
from workflows.matchmaker import MatchmakerWorkflow
from workflows.session import CollabSessionWorkflow

WORKFLOWS = [MatchRequestWorkflow, MatchmakerWorkflow, CollabSessionWorkflow]


def build_worker(
    client: Client,
    task_queue: str,
    database: Database,
    notifier: Notifier,
    documents: DocumentReader | None = None,
    points: PointsRule | None = None,
    shutdown_grace_seconds: float = 5.0,
    interceptors: Sequence[Interceptor] = (),
) -> Worker:
    """The worker of ``task_queue``; ``interceptors`` run inside PeerPrep's own."""
    notify = NotifyActivities(notifier)
    pairs = PairActivities(database)
    sessions = SessionActivities(database, notifier, documents, points or PointsRule())
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            notify.notify,
            pairs.create_pairs,
            sessions.finish_session,
            sessions.record_leave,
        ],
        workflow_runner=SandboxedWorkflowRunner(
            # Our workflow modules are deterministic and import nothing with side effects: let the
            # sandbox share them instead of re-importing them for every new run (that re-import
            # dominated each match request's first workflow task).
            restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows")
        ),
        # Failed activity attempts count in peerprep_errors_total.
        interceptors=[ActivityFailures(), *interceptors],
        # In-flight activities get this long to finish when the worker is asked to stop.
        graceful_shutdown_timeout=timedelta(seconds=shutdown_grace_seconds),
    )
