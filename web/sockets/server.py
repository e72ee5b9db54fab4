"""The Socket.IO server: one per web process; a Redis manager links processes when configured.

Both are instrumented (``observability.metrics``) at the one place every outgoing event
passes in this process: the server's ``emit`` for what this process sends (handlers, and
activities of a worker sharing the process), and, with Redis, the manager's handling of events
published by other processes (a worker on its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import socketio

from observability import metrics
from settings import Settings
from workflows.events import (
    COLLAB_ENDED,
    COLLAB_ERROR,
    COLLAB_NAMESPACE,
    MATCH_ERROR,
    MATCHING_NAMESPACE,
)

log = logging.getLogger(__name__)

# Yjs updates travel as binary attachments; the collaboration slice enforces its own cap.
MAX_MESSAGE_BYTES = 2 * 1024 * 1024
# Our events carry one binary value at most (a Yjs or awareness update).
MAX_ATTACHMENTS = 1


class RefusedPacket(ValueError):
    """A packet this server does not take (it is dropped, and the socket goes on)."""

    def __init__(self, message: str, namespace: str | None) -> None:
        super().__init__(message)
        self.namespace = namespace or "/"


# Each namespace's error event (a refusal is told on the namespace it came in on).
ERROR_EVENTS = {COLLAB_NAMESPACE: COLLAB_ERROR, MATCHING_NAMESPACE: MATCH_ERROR}
# Names python-socketio hands to a namespace's lifecycle handlers: a client's *event* of that
# name would run them (a fake "connect" re-admits the socket, a fake "disconnect" releases it
# while it stays connected).
RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error"})


class BoundedPacket(socketio.packet.Packet):  # type: ignore[misc]
    """A Socket.IO packet that announces at most :data:`MAX_ATTACHMENTS` binary attachments.

    python-socketio keeps a binary event's attachments in memory until as many as it announced
    (up to ten digits) have arrived: one socket could buffer without bound. A packet announcing
    more is refused when it is decoded (the server drops it and the attachments that follow).
    """

    def decode(self, encoded_packet: Any) -> int:
        count: int = super().decode(encoded_packet) or 0
        if count > MAX_ATTACHMENTS:
            raise RefusedPacket(
                f"a packet may carry at most {MAX_ATTACHMENTS} binary attachment", self.namespace
            )
        return count


class InstrumentedServer(socketio.AsyncServer):  # type: ignore[misc]
    async def emit(
        self,
        event: str,
        data: Any = None,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: str | None = None,
        callback: Any = None,
        ignore_queue: bool = False,
    ) -> None:
        target = to or room
        metrics.observe_emit(
            event, data, target if isinstance(target, str) else None, namespace or "/"
        )
        await super().emit(
            event,
            data,
            to=to,
            room=room,
            skip_sid=skip_sid,
            namespace=namespace,
            callback=callback,
            ignore_queue=ignore_queue,
        )
        if event == COLLAB_ENDED and isinstance(room, str):
            await close_room(self, namespace or "/", room)

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        # Dropped here, quietly: python-engineio would log each with its traceback, and the
        # traceback keeps the frame's bytes alive for as long as the log record lives.
        if isinstance(data, bytes) and eio_sid not in self._binary_packet:
            log.info("dropped a binary frame that no packet announced")
            return
        try:
            await super()._handle_eio_message(eio_sid, data)
        except RefusedPacket as refused:
            log.warning("dropped a packet: %s", refused)
            await self._refuse(eio_sid, refused.namespace, str(refused))

    async def _handle_event(self, eio_sid: str, namespace: str | None, id: Any, data: Any) -> None:
        if isinstance(data, list) and data and data[0] in RESERVED_EVENTS:
            await self._refuse(eio_sid, namespace or "/", f"{data[0]!r} is not an event to send")
            return
        await super()._handle_event(eio_sid, namespace, id, data)

    async def _refuse(self, eio_sid: str, namespace: str, message: str) -> None:
        """Tell a socket its packet was refused, on the namespace's error event."""
        sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
        event = ERROR_EVENTS.get(namespace)
        if sid is not None and event is not None:
            await self.emit(event, {"ok": False, "message": message}, to=sid, namespace=namespace)

    async def shutdown(self) -> None:
        await super().shutdown()
        if isinstance(self.manager, InstrumentedRedisManager):
            await self.manager.close()


class InstrumentedRedisManager(socketio.AsyncRedisManager):  # type: ignore[misc]
    async def _handle_emit(self, message: dict[str, Any]) -> None:
        # python-socketio's hook for an event published by any process (this one included: a
        # repeat is harmless, the match clock ends once). Error replies were counted where they
        # were sent.
        event, room = message.get("event"), message.get("room")
        if isinstance(event, str):
            metrics.observe_match_news(
                event, room if isinstance(room, str) else None, message.get("namespace")
            )
        await super()._handle_emit(message)
        if event == COLLAB_ENDED and isinstance(room, str):
            await close_room(self.server, message.get("namespace") or "/", room)

    async def close(self) -> None:
        """Stop listening and close the Redis connection (python-socketio leaves both open)."""
        listener = getattr(self, "thread", None)
        if isinstance(listener, asyncio.Task):
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        for connection in (getattr(self, "pubsub", None), getattr(self, "redis", None)):
            if connection is not None:
                await connection.aclose()


class SameOriginOr:
    """Socket.IO's origin check in production: the configured origins, and the page's own.

    An empty list would switch python-engineio's check off altogether (any site could open
    sockets with a user's token); ``None`` would allow only the same origin.
    """

    def __init__(self, configured: list[str]) -> None:
        self.configured = frozenset(configured)

    def __call__(self, origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None or origin in self.configured:
            return True
        host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST")
        scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
        if not host:
            return False
        own = f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}"
        return origin == own


def socket_origins(settings: Settings) -> str | SameOriginOr:
    """Any origin in development; the configured ones and the same origin otherwise."""
    allowed = settings.allowed_origins
    if allowed == "*":
        return "*"
    return SameOriginOr(list(allowed))


async def close_room(server: socketio.AsyncServer, namespace: str, room: str) -> None:
    """Disconnect this process's sockets in a room whose session has ended (they were told)."""
    for sid, _eio_sid in list(server.manager.get_participants(namespace, room)):
        await server.disconnect(sid, namespace=namespace)


def create_socket_server(settings: Settings) -> socketio.AsyncServer:
    manager = (
        InstrumentedRedisManager(settings.redis_url, channel=settings.redis_channel)
        if settings.redis_url
        else None
    )
    return InstrumentedServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=socket_origins(settings),
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        serializer=BoundedPacket,
        # One client's events are handled in the order sent (its edits, its chat lines); clients
        # are still served concurrently.
        async_handlers=False,
        logger=False,
        engineio_logger=False,
    )


def write_only_emitter(redis_url: str, channel: str) -> socketio.AsyncRedisManager:
    """For a worker in its own process: emits reach clients through the web processes."""
    return socketio.AsyncRedisManager(redis_url, channel=channel, write_only=True)
