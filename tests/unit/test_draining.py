"""Shutting down a web process: each client is told to reconnect elsewhere, on every namespace,
and then its transport is closed. No Socket.IO disconnect packet may come first: the frontend's
client treats one as "the server sent me away" and would not reconnect, while a closed transport
is a lost connection it reconnects from on its own."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import socketio
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.helpers.waiting import until
from web.draining import RECONNECT_NOTICE, send_clients_elsewhere
from workers.temporal_server import free_port
from workflows.events import COLLAB_NAMESPACE, MATCHING_NAMESPACE, SERVER_SHUTDOWN

NAMESPACES = (MATCHING_NAMESPACE, COLLAB_NAMESPACE)


@pytest.fixture
async def served() -> AsyncIterator[tuple[socketio.AsyncServer, int]]:
    """A Socket.IO server on a real port, served by this test's own event loop."""
    sio = socketio.AsyncServer(async_mode="asgi", namespaces="*")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(socketio.ASGIApp(sio), port=port, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    await until(lambda: server.started, "the server to start")
    yield sio, port
    server.should_exit = True
    await serving


async def open_client(port: int) -> ClientConnection:
    """A client speaking Engine.IO 4 over a WebSocket, connected to both namespaces."""
    ws = await connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
    assert str(await ws.recv()).startswith("0{")
    for namespace in NAMESPACES:
        await ws.send(f"40{namespace},")
        assert str(await ws.recv()).startswith(f"40{namespace},")
    return ws


async def frames_until_closed(ws: ClientConnection) -> list[str]:
    """What the server sends until it closes the transport: an Engine.IO close packet ("1")
    or the WebSocket's own close."""
    frames: list[str] = []
    try:
        while True:
            frame = str(await asyncio.wait_for(ws.recv(), timeout=10))
            if frame == "2":  # Engine.IO ping
                await ws.send("3")
                continue
            frames.append(frame)
            if frame == "1":
                return frames
    except ConnectionClosed:
        return frames


async def test_clients_are_told_then_their_transport_closes(
    served: tuple[socketio.AsyncServer, int],
) -> None:
    sio, port = served
    clients = [await open_client(port) for _ in range(2)]
    await until(lambda: len(sio.eio.sockets) == 2, "both clients to be connected")

    await send_clients_elsewhere(sio)

    for ws in clients:
        frames = await frames_until_closed(ws)
        told = [frame for frame in frames if frame.startswith("42")]
        assert (
            sorted(json.loads(frame.split(",", 1)[1]) for frame in told)
            == [[SERVER_SHUTDOWN, RECONNECT_NOTICE]] * 2
        ), frames
        assert {frame.split(",", 1)[0] for frame in told} == {f"42{ns}" for ns in NAMESPACES}
        # Nothing sent the client away from a namespace: only the transport went.
        assert not [frame for frame in frames if frame.startswith("41")], frames
    await until(lambda: not sio.eio.sockets, "the server to forget the closed clients")


async def test_a_process_with_no_clients_drains_without_error(
    served: tuple[socketio.AsyncServer, int],
) -> None:
    sio, port = served
    ws = await open_client(port)
    await ws.close()
    await until(lambda: not sio.eio.sockets, "the client to be gone")
    await send_clients_elsewhere(sio)
    # The server still serves: a new client connects after the drain.
    again = await open_client(port)
    await again.close()
