"""Shutting down a web process that holds no clients."""

from __future__ import annotations

import socketio

from web.draining import send_clients_elsewhere


async def test_a_process_with_no_clients_drains_without_error() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    await send_clients_elsewhere(sio)
    assert sio.eio.sockets == {}
