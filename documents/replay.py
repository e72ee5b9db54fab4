"""Replaying a room's stored updates without holding up the event loop.

pycrdt keeps the GIL while yrs integrates, so a thread would stall every other room just the
same: a long log is replayed in a worker process instead, which hands back one merged update
(applied here in a single call) or the text. A short log costs less here than the hand-over.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from documents.docstore import load_document

# Below this many updates, replaying here is cheaper than sending them to the worker process.
INLINE_UPDATES = 200


def merged_state(updates: list[bytes]) -> bytes:
    """The document the updates make, as one Yjs update."""
    doc, _text = load_document(updates)
    return doc.get_update()


def final_text(updates: list[bytes]) -> str:
    """The text the updates make."""
    _doc, text = load_document(updates)
    return str(text)


class Replayer:
    """Replays long logs in one worker process of its own, started on first use."""

    def __init__(self, inline_updates: int = INLINE_UPDATES) -> None:
        self.inline_updates = inline_updates
        self._pool: ProcessPoolExecutor | None = None

    async def state(self, updates: list[bytes]) -> bytes:
        """:func:`merged_state`, in the worker process when the log is long."""
        if len(updates) < self.inline_updates:
            return merged_state(updates)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker(), merged_state, updates)

    async def text(self, updates: list[bytes]) -> str:
        """:func:`final_text`, in the worker process when the log is long."""
        if len(updates) < self.inline_updates:
            return final_text(updates)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker(), final_text, updates)

    def _worker(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Spawned, not forked: a fork would copy this process's event loop and threads.
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
