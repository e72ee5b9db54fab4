"""Committed workflow histories replay against the current code: a change that would break
running workflows (non-determinism) fails here, before it is deployed.

The histories come from the test suite itself: run it with PEERPREP_RECORD_HISTORIES=<folder>,
then copy representative ones here. Replace one only on purpose, with a versioning plan
(``workflow.patched``) for the runs already in flight.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

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
