"""Shared fixtures: one real Temporal dev server, both databases, the app on a free port.

Nothing is mocked. PostgreSQL and Redis are optional on a developer's machine (their tests are
skipped), but under ``CI=true`` a missing service fails the run. What the fixtures are made of
lives in ``tests/helpers``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from orchestration.namespace import ensure_search_attributes
from storage import migrate
from storage.database import Database
from storage.question_bank import seed
from tests.helpers.accounts import Accounts
from tests.helpers.config import LIVE_DEFAULTS, make_settings
from tests.helpers.live_stack import LiveStack
from tests.helpers.servers import RunningApp, ThreadedServer
from tests.helpers.services import fresh_postgres_database
from tests.helpers.socket_peer import SocketPeer
from web.app import create_app
from workers.temporal_server import DevServer, free_port


@pytest.fixture(scope="session")
async def temporal_server() -> AsyncIterator[DevServer]:
    server = DevServer(port=free_port(), ui_port=None)
    server.start()
    try:
        await server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def temporal_client(temporal_server: DevServer) -> Client:
    client = await Client.connect(temporal_server.address)
    await ensure_search_attributes(client, "default")
    return client


@pytest.fixture
def task_queue() -> str:
    """A fresh task queue per test, so workers of different tests never steal each other's work."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A brand-new PostgreSQL database for this test session, dropped at the end."""
    with fresh_postgres_database("peerprep_test") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Each storage and web test runs once per backend; the schema comes from the migrations."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'peerprep.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    async with db.session() as session:
        await seed(session)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def app_server(
    database: Database,
    temporal_server: DevServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningApp]:
    settings = make_settings(tmp_path_factory.mktemp("app"), database.url, temporal_server.address)
    port = free_port()
    with ThreadedServer(create_app(settings), port):
        yield RunningApp(f"http://127.0.0.1:{port}", settings)


@pytest.fixture
async def http(app_server: RunningApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=app_server.base_url, timeout=10) as client:
        yield client


@pytest.fixture
async def bank(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Two questions of the seeded bank, as ``GET /questions`` shows them."""
    response = await http.get("/questions", params={"pageSize": 2})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    assert len(items) == 2
    return items


@pytest.fixture
def accounts(http: httpx.AsyncClient, database: Database) -> Accounts:
    return Accounts(http, database)


@pytest.fixture
def live_stack(
    database: Database, temporal_server: DevServer, tmp_path: Path
) -> Iterator[Callable[..., LiveStack]]:
    """Start web + worker in one loop (as ``peerprep up`` does) with a private matchmaker and
    task queue; keyword arguments override settings."""
    stacks: list[LiveStack] = []

    def start(**overrides: object) -> LiveStack:
        tag = uuid.uuid4().hex[:10]
        options = {
            **LIVE_DEFAULTS,
            "task_queue": f"test-{tag}",
            "matchmaker_id": f"matchmaker-{tag}",
            **overrides,
        }
        settings = make_settings(
            tmp_path / f"stack-{len(stacks)}", database.url, temporal_server.address, **options
        )
        stack = LiveStack(settings).start()
        stacks.append(stack)
        return stack

    yield start
    for stack in stacks:
        stack.stop()


@pytest.fixture
async def peers() -> AsyncIterator[Callable[[str, str], SocketPeer]]:
    """Socket clients that are all disconnected at the end of the test."""
    made: list[SocketPeer] = []

    def make(base_url: str, namespace: str) -> SocketPeer:
        peer = SocketPeer(base_url, namespace)
        made.append(peer)
        return peer

    yield make
    for peer in made:
        await peer.disconnect()
