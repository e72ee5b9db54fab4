"""What one web process holds open: built in the lifespan, reached through ``web.deps``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from documents.room_documents import Documents
from orchestration.orchestrator import Orchestrator
from settings import Settings
from storage.database import Database
from storage.passwords import Passwords
from web.auth import TokenService
from web.rate_limits import RateLimits
from web.topics import KnownTopics

if TYPE_CHECKING:
    from web.http.health import HealthReport


@dataclass(slots=True)
class AppState:
    settings: Settings
    database: Database
    tokens: TokenService
    passwords: Passwords
    orchestrator: Orchestrator
    documents: Documents
    topics: KnownTopics
    limits: RateLimits
    # The last report of the background health checks (None until the first one).
    health: HealthReport | None = None
    # Why this process's own executor could not start (``peerprep up``); None: runs go to the
    # executors' task queue, wherever they are.
    execution_unavailable: str | None = None
