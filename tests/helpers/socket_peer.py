"""A real python-socketio client that records what it hears and waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import socketio

WAIT_SECONDS = 15.0


class SocketPeer:
    """One client socket on one namespace; ``received`` holds (event, payload) in arrival order."""

    def __init__(self, base_url: str, namespace: str) -> None:
        self.base_url = base_url
        self.namespace = namespace
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[tuple[str, Any]] = []
        self._changed = asyncio.Condition()
        self.client.on("*", self._record, namespace=namespace)

    async def _record(self, event: str, *args: Any) -> None:
        async with self._changed:
            self.received.append((event, args[0] if len(args) == 1 else list(args)))
            self._changed.notify_all()

    async def connect(self, auth: dict[str, Any]) -> None:
        await self.client.connect(
            self.base_url,
            namespaces=[self.namespace],
            auth=auth,
            transports=["websocket"],
            wait_timeout=10,
        )

    async def emit(self, event: str, data: Any = None) -> None:
        if data is None:
            await self.client.emit(event, namespace=self.namespace)
        else:
            await self.client.emit(event, data, namespace=self.namespace)

    async def wait_for(
        self,
        event: str,
        where: Callable[[Any], bool] = lambda _data: True,
        within: float = WAIT_SECONDS,
    ) -> Any:
        """The first recorded ``event`` whose payload satisfies ``where`` (waiting if need be)."""

        def found() -> Any:
            for name, data in self.received:
                if name == event and where(data):
                    return data
            return None

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        return found()

    def events(self, event: str) -> list[Any]:
        return [data for name, data in self.received if name == event]

    async def disconnect(self) -> None:
        if self.client.connected:
            await self.client.disconnect()
