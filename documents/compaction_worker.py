"""Where compaction's merging runs: one thread per process, one room at a time.

Merging a room's updates is CPU work in pycrdt that holds the GIL. In the default executor's
threads, a hundred rooms going idle together were merged several at once, and live rooms' edits
waited for the event loop's turn. One thread bounds that to one merge at a time. A process of its
own would not take the loop's turns at all, but multiprocessing's spawn imports the program that
started it again (about 130 MB for ``peerprep up``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from documents.compaction import Fold, StoredUpdate, plan_folds

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compaction")


async def plan(
    boundaries: list[int], updates: Iterable[StoredUpdate], cutoff_ms: int
) -> list[Fold]:
    """:func:`documents.compaction.plan_folds`, in the compaction thread."""
    return await asyncio.get_running_loop().run_in_executor(
        _worker, plan_folds, boundaries, list(updates), cutoff_ms
    )
