"""The web tier's ASGI application: REST routes now, Socket.IO namespaces in later slices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from settings import Settings
from storage.database import Database
from web.auth import Passwords, TokenService
from web.errors import BodySizeLimit, install_error_handlers
from web.http import attempts, auth, health, profile, questions, ranking
from web.orchestration import Orchestrator
from web.state import AppState

DESCRIPTION = (
    "PeerPrep: practise technical interviews in pairs. Authenticate with `Authorization: "
    "Bearer <token>` (from `/auth/login`, or a Supabase token signed with the shared secret)."
)


def create_app(settings: Settings) -> FastAPI:
    """Build the application; resources open in its lifespan, never at import."""
    # Fails before the server binds when the secret is missing or a placeholder in production.
    tokens = TokenService.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.resolved_database_url)
        orchestrator = await Orchestrator.connect(
            settings.resolved_temporal_address, settings.temporal_namespace, settings.task_queue
        )
        app.state.peerprep = AppState(
            settings=settings,
            database=database,
            tokens=tokens,
            passwords=Passwords(),
            orchestrator=orchestrator,
        )
        try:
            yield
        finally:
            await database.dispose()

    app = FastAPI(title="PeerPrep", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    for module in (auth, questions, attempts, profile, ranking, health):
        app.include_router(module.router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    return app
