"""Committed workflow histories replay against the current code: a change that would break
running workflows (non-determinism) fails here, before it is deployed.

The histories come from the test suite itself: run it with PEERPREP_RECORD_HISTORIES=<folder>,
then copy representative ones here. Replace one only on purpose, with a versioning plan for the
runs already in flight (docs/versioning.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from workers.replay import replay_histories
from workers.worker import WORKFLOWS

HISTORIES = {
    path.stem: path.read_text()
    for path in sorted((Path(__file__).parent.parent / "histories").glob("*.json"))
}


def test_there_are_histories_of_every_kind_of_workflow() -> None:
    names = {name.split("-")[0] for name in HISTORIES}
    assert {"matchmaker", "matchrequest", "collabsession"} <= names


@pytest.mark.parametrize("name", sorted(HISTORIES))
async def test_history_replays_deterministically(name: str) -> None:
    history = WorkflowHistory.from_json(name, HISTORIES[name])
    await Replayer(workflows=WORKFLOWS).replay_workflow(history)


async def test_replay_passes_over_a_run_no_worker_has_started(
    temporal_client: Client, task_queue: str
) -> None:
    # Nobody polls this queue: the run's history holds its start and nothing a worker did, so
    # nothing to check. (One holding only the start makes the SDK's replayer wait forever.)
    handle = await temporal_client.start_workflow(
        "Matchmaker", id=f"unstarted-{task_queue}", task_queue=task_queue
    )

    async def history() -> AsyncIterator[WorkflowHistory]:
        yield await handle.fetch_history()

    try:
        report = await asyncio.wait_for(replay_histories(history()), 30)
    finally:
        await handle.terminate("the test is done with it")
    assert (report.ok, report.failed, report.unstarted) == (0, 0, 1)
