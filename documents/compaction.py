"""Which stored updates of a room may be folded together: the plan both document stores follow.

Pure (no I/O): a store reads its history timestamps and updates, asks :func:`plan_folds`, then
replaces each fold's updates by the merged one under the fold's last sequence number.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from pycrdt import merge_updates


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    seq: int
    timestamp_ms: int
    update: bytes


@dataclass(frozen=True, slots=True)
class Fold:
    """A run of consecutive updates to replace by one merged update under the last one's seq."""

    seqs: list[int]
    first_ms: int
    last_ms: int
    merged: bytes


def plan_folds(
    boundaries: list[int], updates: Iterable[StoredUpdate], cutoff_ms: int
) -> list[Fold]:
    """The folds that keep the state at every boundary (history timestamp, sorted ascending).

    Updates between two consecutive boundaries (t in (b[k-1], b[k]]) fold together: every
    boundary then sees all of a run or none of it, and the merged update carries the run's
    largest timestamp, inside the same interval. Updates newer than ``cutoff_ms`` or than the
    last boundary stay as they are; ``updates`` come in sequence order.
    """
    if not boundaries:
        return []
    limit = min(boundaries[-1], cutoff_ms)
    runs: list[list[StoredUpdate]] = []
    run: list[StoredUpdate] = []
    run_interval = -1
    for stored in updates:
        foldable = stored.timestamp_ms <= limit
        interval = bisect.bisect_left(boundaries, stored.timestamp_ms)
        if run and (not foldable or interval != run_interval):
            runs.append(run)
            run = []
        if foldable:
            run.append(stored)
            run_interval = interval
    if run:
        runs.append(run)
    return [
        Fold(
            seqs=[stored.seq for stored in run],
            first_ms=min(stored.timestamp_ms for stored in run),
            last_ms=max(stored.timestamp_ms for stored in run),
            merged=merge_updates(*(stored.update for stored in run)),
        )
        for run in runs
        if len(run) > 1
    ]
