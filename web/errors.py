"""Every failure leaves as JSON with a human-readable ``message`` (the frontend shows it)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage.errors import Conflict
from web.auth import AuthError

log = logging.getLogger(__name__)


def error_body(status: int, message: str, **extra: Any) -> JSONResponse:
    """The one error shape: ``message`` and ``detail`` both carry the human-readable text."""
    return JSONResponse({"message": message, "detail": message, **extra}, status_code=status)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def _validation_message(error: Mapping[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        return "request body is not valid JSON"
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    location = tuple(error.get("loc", ()))
    if not [part for part in location if part not in ("body", "query", "path", "header")]:
        return message  # a check of the whole body names its field in the message itself
    return f"{_field(location)}: {message}"


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError | ValidationError)
    errors = [
        {"field": _field(tuple(item.get("loc", ()))), "message": _validation_message(item)}
        for item in exc.errors()
    ]
    message = errors[0]["message"] if errors else "invalid request"
    return error_body(422, message, errors=errors)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = error_body(exc.status_code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _auth(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    response = error_body(401, exc.message)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _conflict(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Conflict)
    return error_body(409, exc.message, field=exc.field)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_body(500, "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    # A model built inside a handler (a merged PATCH) fails the same way a request body does.
    app.add_exception_handler(ValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(AuthError, _auth)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(Exception, _unexpected)


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413, before any handler reads them;
    ``route_limit`` names the routes allowed more (its bytes, at least ``limit``) or answers None.

    A declared length is checked up front; a chunked body is read (up to the limit) and replayed,
    so the application never sees a partial body.
    """

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        route_limit: Callable[[Scope], int | None] | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.route_limit = route_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wider = self.route_limit(scope) if self.route_limit is not None else None
        limit = max(self.limit, wider or 0)
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await self._refuse(limit, scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b""):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(limit, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_body(413, f"request body is larger than {limit} bytes")
        await response(scope, receive, send)
