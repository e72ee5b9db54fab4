"""Replaying recorded workflow histories against the current workflow code: the determinism check
``peerprep ops replay`` runs before a deploy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import typer
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workers.worker import WORKFLOWS


def workflow_types() -> list[str]:
    """The workflow type names the worker registers (hence the ones a replay can check)."""
    names = (workflow._Definition.must_from_class(cls).name for cls in WORKFLOWS)
    return [name for name in names if name is not None]


@dataclass
class ReplayReport:
    ok: int = 0
    failed: int = 0
    missing: list[str] = field(default_factory=list)
    # Runs whose workers have not finished a workflow task yet: nothing of theirs to check.
    unstarted: int = 0


def replayable(history: WorkflowHistory) -> bool:
    """Whether a worker has completed a workflow task of this run: before that its history
    holds no command to check, and the SDK's replayer waits forever on one that holds only
    the start (as a run continued as new has for a moment)."""
    return any(
        event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for event in history.events
    )


async def only_replayable(
    histories: AsyncIterator[WorkflowHistory], report: ReplayReport | None = None
) -> AsyncIterator[WorkflowHistory]:
    """The histories worth replaying; the others are counted in ``report.unstarted``."""
    async for history in histories:
        if replayable(history):
            yield history
        elif report is not None:
            report.unstarted += 1


async def replay_histories(
    histories: AsyncIterator[WorkflowHistory], workflows: Sequence[type] = WORKFLOWS
) -> ReplayReport:
    """Replay each history against ``workflows``, printing one line per workflow."""
    report = ReplayReport()
    replayer = Replayer(workflows=list(workflows))
    async with replayer.workflow_replay_iterator(only_replayable(histories, report)) as results:
        async for result in results:
            history = result.history
            started = history.events[0].workflow_execution_started_event_attributes
            where = f"{history.workflow_id}  run {history.run_id}"
            failure = result.replay_failure
            if failure is None:
                report.ok += 1
                typer.echo(
                    f"ok                 {where}  ({started.workflow_type.name}, "
                    f"{len(history.events)} events)"
                )
                continue
            report.failed += 1
            label = (
                "NON-DETERMINISTIC"
                if isinstance(failure, workflow.NondeterminismError)
                else "FAILED"
            )
            typer.echo(f"{label:<18} {where}: {failure}")
    return report
