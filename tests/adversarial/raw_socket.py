"""A Socket.IO client written by hand over a raw WebSocket: it sends packets as bytes on the wire,
including those no Socket.IO library would (wrong attachment counts, stray binary frames)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp


class RawSocket:
    def __init__(self, base_url: str) -> None:
        self.url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self._session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def open(self, namespace: str, auth: dict[str, Any]) -> str:
        """Engine.IO open, then a Socket.IO connect to ``namespace``; the first reply to it."""
        self._session = aiohttp.ClientSession()
        self.ws = await self._session.ws_connect(self.url, max_msg_size=0)
        opened = await self.ws.receive_str()
        assert opened.startswith("0"), opened
        await self.ws.send_str(f"40{namespace},{json.dumps(auth)}")
        return await self.text()

    async def text(self) -> str:
        """The next text frame, answering Engine.IO pings on the way."""
        assert self.ws is not None
        while True:
            message = await self.ws.receive()
            if message.type == aiohttp.WSMsgType.TEXT:
                if message.data == "2":
                    await self.ws.send_str("3")
                    continue
                return str(message.data)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise ConnectionError("the server closed the socket")

    async def send_text(self, frame: str) -> None:
        assert self.ws is not None
        await self.ws.send_str(frame)

    async def send_binary(self, frame: bytes) -> None:
        assert self.ws is not None
        await self.ws.send_bytes(frame)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._session is not None:
            await self._session.close()
