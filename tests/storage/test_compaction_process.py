"""The compaction process: plans like the pure function, and is replaced if it dies."""

from __future__ import annotations

import os
import signal

from pycrdt import Doc, Text

from storage import compaction_process
from storage.compaction import StoredUpdate, plan_folds


def typed_updates(count: int) -> list[StoredUpdate]:
    doc: Doc[Text] = Doc()
    text = doc.get("content", type=Text)
    stored = []
    for index in range(count):
        before = doc.get_state()
        text += f"<{index}>"
        stored.append(StoredUpdate(index + 1, 1_000 * (index + 1), doc.get_update(before)))
    return stored


async def test_it_plans_what_the_pure_function_plans() -> None:
    stored = typed_updates(12)
    boundaries = [4_000, 9_000]
    planned = await compaction_process.plan(boundaries, stored, cutoff_ms=20_000)
    assert planned == plan_folds(boundaries, stored, 20_000)
    assert [fold.seqs for fold in planned] == [[1, 2, 3, 4], [5, 6, 7, 8, 9]]


async def test_a_killed_compaction_process_is_replaced() -> None:
    stored = typed_updates(6)
    first = await compaction_process.plan([6_000], stored, cutoff_ms=10_000)
    pid = await compaction_process.pid()
    os.kill(pid, signal.SIGKILL)
    again = await compaction_process.plan([6_000], stored, cutoff_ms=10_000)
    assert again == first
    assert await compaction_process.pid() != pid
