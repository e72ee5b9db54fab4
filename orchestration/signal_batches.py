"""Many messages to one workflow as few signals as possible.

When a crowd joins the queue at once, a signal per join floods the matchmaker: the server fails
the workflow task that is running when too many signals have piled up behind it, and the retry
replays the whole history. Here the first message leaves at once (no added wait at low load),
and whatever arrives while a signal is on its way leaves together in the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SignalBatches(Generic[T]):
    """``send`` returns once its message is in a signal the server accepted, or raises what
    sending that signal raised (every message of a failed batch gets the error)."""

    def __init__(self, send: Callable[[list[T]], Awaitable[None]]) -> None:
        self._send = send
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def send(self, message: T) -> None:
        sent = asyncio.get_running_loop().create_future()
        # A caller that stopped waiting leaves its outcome unread: read it, so that a failed
        # batch is not also logged as an exception nobody retrieved.
        sent.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._waiting.append((message, sent))
        if self._sender is None:
            self._sender = asyncio.create_task(self._send_waiting())
        # The batch goes out even if this caller stops waiting: others may share it.
        await asyncio.shield(sent)

    async def _send_waiting(self) -> None:
        batch: list[tuple[T, asyncio.Future[None]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                error = await self._deliver([message for message, _sent in batch])
                for _message, sent in batch:
                    if error is None:
                        sent.set_result(None)
                    else:
                        sent.set_exception(error)
                batch = []
        finally:
            self._sender = None
            # Cancelled (the process is stopping): nobody is left waiting for an answer.
            for _message, sent in batch + self._waiting:
                sent.cancel()
            self._waiting = []

    async def _deliver(self, messages: list[T]) -> Exception | None:
        try:
            await self._send(messages)
        except Exception as error:
            return error
        return None
