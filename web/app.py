"""The web tier's ASGI application: FastAPI for REST, python-socketio for the live namespaces."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from documents.docstore import HistoryRecord
from documents.document_stores import open_doc_store
from documents.room_documents import Documents
from documents.update_guard import UpdateLimits
from orchestration.namespace import ensure_search_attributes
from orchestration.orchestrator import Orchestrator
from settings import Settings
from storage.database import Database
from storage.passwords import Passwords
from web.auth import TokenService
from web.client import install_client
from web.errors import BodySizeLimit, install_error_handlers
from web.http import attempts, auth, health, metrics, profile, questions, ranking, sessions
from web.http.body import route_limit
from web.rate_limits import RateLimits
from web.sockets.collab import CollabNamespace
from web.sockets.matching import MatchingNamespace
from web.sockets.server import create_socket_server
from web.state import AppState
from web.topics import KnownTopics
from workflows.events import (
    COLLAB_HISTORY_NEW,
    COLLAB_NAMESPACE,
    COLLAB_REMOVED,
    MATCHING_NAMESPACE,
    collab_room,
)

log = logging.getLogger(__name__)

DESCRIPTION = (
    "PeerPrep: practise technical interviews in pairs. Authenticate with `Authorization: "
    "Bearer <token>` (from `/auth/login`, or a Supabase token signed with the shared secret). "
    "Live features use Socket.IO namespaces `/matching` and `/collab` on the same origin."
)
MATCHMAKER_RETRY_SECONDS = 2.0


async def _keep_matchmaker_running(orchestrator: Orchestrator, namespace: str) -> None:
    """Register the search attributes and start (or reconfigure) the matchmaker, retrying while
    Temporal is not reachable yet. Every web process does it: the first to start may come up
    before any worker, and a join-queue carries the attributes."""
    while True:
        try:
            await ensure_search_attributes(orchestrator.client, namespace)
            await orchestrator.ensure_matchmaker()
            return
        except Exception as error:
            log.warning("matchmaker not started yet (%s); retrying", error)
            await asyncio.sleep(MATCHMAKER_RETRY_SECONDS)


async def _renew_presence(
    collab: CollabNamespace, orchestrator: Orchestrator, lease_seconds: float
) -> None:
    """Vouch for this process's members' sockets to their sessions, three times a lease: a
    session forgets sockets nobody vouched for, so a process that dies cannot keep one alive."""
    while True:
        await asyncio.sleep(lease_seconds / 3)
        for room_id, present in collab.present().items():
            try:
                await orchestrator.sessions.renew(room_id, present)
            except Exception as error:
                log.warning("could not renew the presence in %s: %s", room_id, error)


def open_documents(settings: Settings) -> Documents:
    """The documents of this process over the configured store (not started yet)."""
    return Documents(
        open_doc_store(settings),
        limits=UpdateLimits(
            max_bytes=settings.max_update_bytes,
            max_structs=settings.max_update_items,
            max_clients=settings.max_update_clients,
            max_deletes=settings.max_update_deletes,
            max_concurrent=settings.max_update_concurrent,
        ),
        max_document_bytes=settings.max_document_bytes,
        unload_after_seconds=settings.document_unload_seconds,
        burst_idle_seconds=settings.history_burst_idle_seconds,
        burst_max_seconds=settings.history_burst_max_seconds,
    )


def create_app(
    settings: Settings,
    sio: socketio.AsyncServer | None = None,
    documents: Documents | None = None,
    *,
    execution_unavailable: str | None = None,
) -> ASGIApp:
    """Build the application; resources open in its lifespan, never at import.

    ``sio`` and ``documents`` are passed in when a worker in the same process must emit through
    the same server and read the same documents; the app then starts and stops neither store.
    """
    # Fails before the server binds when the secret is missing or a placeholder in production.
    tokens = TokenService.from_settings(settings)
    sockets = sio or create_socket_server(settings)
    api = FastAPI(title="PeerPrep", version="0.1.0", description=DESCRIPTION)
    state_holder: list[AppState] = []
    collab = CollabNamespace(COLLAB_NAMESPACE, lambda: state_holder[0])

    async def history_announcer(room_id: str, record: HistoryRecord) -> None:
        await sockets.emit(
            COLLAB_HISTORY_NEW,
            record.to_wire(),
            room=collab_room(room_id),
            namespace=COLLAB_NAMESPACE,
        )

    async def removal_announcer(room_id: str, user_id: str, lines: int, restore_to: int) -> None:
        await sockets.emit(
            COLLAB_REMOVED,
            {"userId": user_id, "lines": lines, "restoreTo": restore_to},
            room=collab_room(room_id),
            namespace=COLLAB_NAMESPACE,
        )

    def current_state() -> AppState:
        return state_holder[0]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.resolved_database_url)
        orchestrator = await Orchestrator.connect(settings)
        docs = documents or open_documents(settings)
        if documents is None:
            await docs.start()
        docs.on_history(history_announcer)
        docs.on_removal(removal_announcer)
        state = AppState(
            settings=settings,
            database=database,
            tokens=tokens,
            passwords=Passwords(settings.max_concurrent_password_checks),
            orchestrator=orchestrator,
            documents=docs,
            topics=KnownTopics(database),
            limits=RateLimits(settings),
            execution_unavailable=execution_unavailable,
        )
        app.state.peerprep = state
        state_holder.append(state)
        background = [
            asyncio.create_task(
                _keep_matchmaker_running(orchestrator, settings.temporal_namespace)
            ),
            asyncio.create_task(health.keep_checking(state)),
        ]
        if settings.session_presence_lease_seconds > 0:
            background.append(
                asyncio.create_task(
                    _renew_presence(collab, orchestrator, settings.session_presence_lease_seconds)
                )
            )
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if documents is None:
                await docs.stop()
                await docs.store.close()
            await sockets.shutdown()
            await database.dispose()

    api.router.lifespan_context = lifespan
    install_error_handlers(api)
    for module in (auth, questions, attempts, profile, ranking, sessions, health, metrics):
        api.include_router(module.router)
    install_client(api, settings)
    origins = settings.allowed_origins
    if origins:
        api.add_middleware(
            CORSMiddleware,
            allow_origins=[origins] if isinstance(origins, str) else origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type"],
        )
    api.add_middleware(BodySizeLimit, limit=settings.max_body_bytes, route_limit=route_limit)
    api.add_middleware(metrics.ServerErrorCounter)
    sockets.register_namespace(MatchingNamespace(MATCHING_NAMESPACE, current_state))
    sockets.register_namespace(collab)
    app: ASGIApp = socketio.ASGIApp(sockets, other_asgi_app=api)
    return app
