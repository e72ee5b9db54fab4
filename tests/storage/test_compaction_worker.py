"""The compaction thread plans what the pure planning function plans."""

from __future__ import annotations

from pycrdt import Doc, Text

from documents import compaction_worker
from documents.compaction import StoredUpdate, plan_folds


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
    planned = await compaction_worker.plan(boundaries, stored, cutoff_ms=20_000)
    assert planned == plan_folds(boundaries, stored, 20_000)
    assert [fold.seqs for fold in planned] == [[1, 2, 3, 4], [5, 6, 7, 8, 9]]
