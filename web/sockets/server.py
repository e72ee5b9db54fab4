"""The Socket.IO server: one per web process; a Redis manager links processes when configured."""

from __future__ import annotations

import socketio

from settings import Settings

# Yjs updates travel as binary attachments; the collaboration slice enforces its own cap.
MAX_MESSAGE_BYTES = 2 * 1024 * 1024


def create_socket_server(settings: Settings) -> socketio.AsyncServer:
    manager = socketio.AsyncRedisManager(settings.redis_url) if settings.redis_url else None
    return socketio.AsyncServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=settings.allowed_origins,
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # One client's events are handled in the order sent (its edits, its chat lines); clients
        # are still served concurrently.
        async_handlers=False,
        logger=False,
        engineio_logger=False,
    )


def write_only_emitter(redis_url: str) -> socketio.AsyncRedisManager:
    """For a worker in its own process: emits reach clients through the web processes."""
    return socketio.AsyncRedisManager(redis_url, write_only=True)
