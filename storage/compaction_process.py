"""Where compaction's merging runs: one low-priority process per web process, not its threads.

Merging a room's updates is CPU work in pycrdt that holds the GIL. In a thread it takes the event
loop's turn: when a hundred rooms went idle together, their compactions made live rooms' edits
wait hundreds of milliseconds. In a process of its own, niced, it uses a spare core instead, and
one room at a time.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from storage.compaction import Fold, StoredUpdate, plan_folds

NICENESS = 10

_pool: ProcessPoolExecutor | None = None


def _lower_priority() -> None:
    os.nice(NICENESS)


def _planner() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # Spawned, not forked: this process runs threads (the Temporal SDK's, the writer's).
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_lower_priority,
        )
    return _pool


async def plan(
    boundaries: list[int], updates: Iterable[StoredUpdate], cutoff_ms: int
) -> list[Fold]:
    """:func:`storage.compaction.plan_folds`, run in the compaction process."""
    global _pool
    stored = list(updates)
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_planner(), plan_folds, boundaries, stored, cutoff_ms)
    except BrokenProcessPool:
        # The process died (killed by the OS, say): start another and ask once more.
        _pool = None
        return await loop.run_in_executor(_planner(), plan_folds, boundaries, stored, cutoff_ms)


async def pid() -> int:
    """The compaction process's id (for operators and tests)."""
    return await asyncio.get_running_loop().run_in_executor(_planner(), os.getpid)
