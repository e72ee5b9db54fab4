"""What every PeerPrep namespace shares: token auth on connect, explicit event dispatch, and
handlers that can never take the process down."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import socketio
from pydantic import ValidationError

from observability import metrics
from observability.logs import log_context
from storage.models import User
from web.auth import AuthError, authenticate_until
from web.state import AppState

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[None]]


def describe_invalid(error: ValidationError) -> str:
    """A payload's first problem, as ``field: what is wrong`` for an error event."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    return f"{where}: {first['msg'].removeprefix('Value error, ')}"


@dataclass(frozen=True, slots=True)
class SocketUser:
    """Who is behind a socket, as verified at connect time (kept in the socket's session)."""

    user_id: str
    username: str
    is_admin: bool
    # The socket's authority ends with its token (seconds since the epoch).
    expires_at: float = float("inf")


EXPIRED = "your sign-in has expired; sign in again"


class AuthenticatedNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    """Subclasses list their handlers in ``handlers()``; names come from ``workflows.events``."""

    error_event = "error"

    def __init__(self, namespace: str, state: Callable[[], AppState]) -> None:
        super().__init__(namespace)
        self._state = state
        self._handlers: dict[str, Handler] | None = None
        # user id -> the sockets this process holds for them on this namespace
        self._sockets_of: dict[str, set[str]] = {}
        # sid -> the timer that disconnects it when its token expires
        self._expiries: dict[str, asyncio.TimerHandle] = {}

    @property
    def app(self) -> AppState:
        return self._state()

    def handlers(self) -> dict[str, Handler]:
        raise NotImplementedError

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event == "connect":
            return await self._connect(*args)
        sid = args[0]
        # Whatever a handler logs carries the socket's user (and room).
        known = await self.get_session(sid)
        with log_context(
            user_id=getattr(known, "user_id", None), room_id=getattr(known, "room_id", None)
        ):
            if event == "disconnect":
                expiry = self._expiries.pop(sid, None)
                if expiry is not None:
                    expiry.cancel()
                if getattr(known, "user_id", None) is not None:
                    self._release_socket(known.user_id, sid)
                    self.counted_out()
                return await self._guarded(event, self.on_disconnect, *args)
            if self._handlers is None:
                # Built once: a keystroke's event should not build the table again.
                self._handlers = self.handlers()
            if getattr(known, "expires_at", float("inf")) <= time.time():
                # Its timer may not have fired yet.
                await self._expire(sid)
                return None
            handler = self._handlers.get(event)
            if handler is None:
                await self.emit(
                    self.error_event, {"ok": False, "message": f"unknown event {event!r}"}, to=sid
                )
                return None
            return await self._guarded(event, handler, *args)

    def expire_at(self, sid: str, expires_at: float) -> None:
        """Tell the socket and disconnect it when its token expires."""
        delay = max(expires_at - time.time(), 0.0)
        loop = asyncio.get_running_loop()
        self._expiries[sid] = loop.call_later(
            delay, lambda: self.server.start_background_task(self._expire, sid)
        )

    async def _expire(self, sid: str) -> None:
        self._expiries.pop(sid, None)
        await self.emit(self.error_event, {"ok": False, "message": EXPIRED}, to=sid)
        await self.disconnect(sid)

    def hold_socket(self, user_id: str, sid: str) -> bool:
        """Count ``sid`` as one of the user's sockets, unless they hold as many as allowed."""
        held = self._sockets_of.setdefault(user_id, set())
        if len(held) >= self.app.settings.max_sockets_per_user:
            return False
        held.add(sid)
        return True

    def _release_socket(self, user_id: str, sid: str) -> None:
        held = self._sockets_of.get(user_id)
        if held is not None:
            held.discard(sid)
            if not held:
                del self._sockets_of[user_id]

    def too_many_sockets(self) -> str:
        limit = self.app.settings.max_sockets_per_user
        return f"too many open connections: at most {limit} per user; close another tab"

    def counted_in(self) -> None:
        """A socket is in (authenticated, or admitted to its room): counted until it leaves."""
        metrics.socket_connected(self.namespace)
        log.info("socket connected", extra={"namespace": self.namespace})

    def counted_out(self) -> None:
        metrics.socket_disconnected(self.namespace)
        log.info("socket disconnected", extra={"namespace": self.namespace})

    async def _guarded(self, event: str, handler: Handler, sid: str, *args: Any) -> None:
        try:
            await handler(sid, *args)
        except Exception:
            metrics.ERRORS.labels(metrics.SOCKET_HANDLER).inc()
            log.exception("handler for %s failed", event)
            await self.emit(
                self.error_event, {"ok": False, "message": f"{event} failed; try again"}, to=sid
            )

    async def _connect(self, sid: str, _environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            async with self.app.database.session() as session:
                user, expires_at = await authenticate_until(session, self.app.tokens, token)
        except AuthError as error:
            log.info("socket refused: %s", error.message, extra={"namespace": self.namespace})
            raise socketio.exceptions.ConnectionRefusedError(error.message) from None
        if not self.hold_socket(str(user.id), sid):
            raise socketio.exceptions.ConnectionRefusedError(self.too_many_sockets())
        await self.save_session(
            sid, SocketUser(str(user.id), user.username, user.is_admin, expires_at)
        )
        self.expire_at(sid, expires_at)
        with log_context(user_id=str(user.id)):
            await self.on_authenticated(sid, user, auth if isinstance(auth, dict) else {})
            self.counted_in()

    async def on_authenticated(self, sid: str, user: User, auth: dict[str, Any]) -> None:
        """Runs once the token is verified; may refuse by raising ConnectionRefusedError."""

    async def on_disconnect(self, sid: str, *_reason: Any) -> None:
        """Runs when a socket goes away."""

    async def user(self, sid: str) -> SocketUser:
        user: SocketUser = await self.get_session(sid)
        return user
