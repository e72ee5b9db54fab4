"""Many messages to one workflow in as few calls as possible.

When a crowd joins the queue at once, a call per join floods the matchmaker: the server fails
the workflow task that is running when too many messages have piled up behind it (and refuses
more than a few updates in flight), and the retry replays the whole history. Here the first
message leaves at once (no added wait at low load), and whatever arrives while a call is on its
way leaves together in the next one: one call in flight per process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batches(Generic[T, R]):
    """``send`` returns its message's own result once its batch was answered (``deliver`` gives
    one result per message, in order), or raises what delivering the batch raised (every
    message of a failed batch gets the error)."""

    def __init__(self, deliver: Callable[[list[T]], Awaitable[list[R]]]) -> None:
        self._deliver = deliver
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def send(self, message: T) -> R:
        sent: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        # A caller that stopped waiting leaves its outcome unread: read it, so that a failed
        # batch is not also logged as an exception nobody retrieved.
        sent.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._waiting.append((message, sent))
        if self._sender is None:
            self._sender = asyncio.create_task(self._send_waiting())
        # The batch goes out even if this caller stops waiting: others may share it.
        return await asyncio.shield(sent)

    async def _send_waiting(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    results = await self._deliver([message for message, _sent in batch])
                except Exception as error:
                    # Handed to every caller of the batch, who decides what it means.
                    for _message, sent in batch:
                        sent.set_exception(error)
                else:
                    for (_message, sent), result in zip(batch, results, strict=True):
                        sent.set_result(result)
                batch = []
        finally:
            self._sender = None
            # Cancelled (the process is stopping): nobody is left waiting for an answer.
            for _message, sent in batch + self._waiting:
                sent.cancel()
            self._waiting = []
