"""Shared fixtures: one real Temporal dev server, both databases, the app on a free port.

Nothing is mocked. PostgreSQL and Redis are optional on a developer's machine (their tests are
skipped), but under ``CI=true`` a missing service fails the run.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
import psycopg
import pytest
import uvicorn
from temporalio.client import Client

from settings import Settings, get_settings
from storage import migrate, users
from storage.database import Database
from storage.models import Role
from storage.question_bank import seed
from tests.live_stack import LiveStack
from tests.socket_peer import SocketPeer
from web.app import create_app
from web.temporal_setup import ensure_search_attributes
from workers.temporal_server import DevServer, free_port

POSTGRES_ADMIN_URL = os.environ.get(
    "PEERPREP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_SECRET = "test-secret-" + "x" * 40


def unavailable(service: str, error: Exception) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be there."""
    message = f"{service} is not reachable: {error}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


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


@contextlib.contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a brand-new PostgreSQL database, dropped on the way out."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        unavailable("PostgreSQL", error)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


# Every test signs up from 127.0.0.1: the per-address limits would stop the suite. The tests of
# the limits themselves set theirs.
TEST_OPERATOR_TOKEN = "operator-" + "o" * 40
OPERATOR = {"Authorization": f"Bearer {TEST_OPERATOR_TOKEN}"}
GENEROUS_LIMITS: dict[str, object] = {
    "operator_token": TEST_OPERATOR_TOKEN,
    "limit_signups": "100000/hour",
    "limit_logins_per_address": "100000/minute",
    "limit_attempt_reports": "100000/day",
}


def make_settings(
    data_dir: Path, database_url: str, temporal_address: str, **extra: object
) -> Settings:
    return get_settings(
        data_dir=data_dir,
        database_url=database_url,
        temporal_address=temporal_address,
        jwt_secret=TEST_SECRET,
        **{**GENEROUS_LIMITS, **extra},
    )


class ThreadedServer:
    """uvicorn serving an app on a free port from a thread: real sockets, in-process."""

    def __init__(self, app: object, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        ready = threading.Event()
        while not self.server.started and self.thread.is_alive():
            ready.wait(0.02)
        if not self.server.started:
            raise RuntimeError("the test server did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass(frozen=True)
class RunningApp:
    base_url: str
    settings: Settings


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


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    email: str
    username: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Accounts:
    """Creates real accounts through ``/auth/signup``; admins are promoted in the database."""

    def __init__(self, http: httpx.AsyncClient, database: Database) -> None:
        self._http = http
        self._database = database

    async def signup(self, *, admin: bool = False, username: str | None = None) -> Account:
        tag = secrets.token_hex(4)
        email = f"student-{tag}@example.com"
        password = f"pw-{tag}-long-enough"
        name = username or f"student_{tag}"
        response = await self._http.post(
            "/auth/signup", json={"email": email, "password": password, "username": name}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        account = Account(
            id=uuid.UUID(body["user"]["user_id"]),
            email=email,
            username=name,
            password=password,
            token=body["access_token"],
        )
        if admin:
            async with self._database.session() as session:
                user = await users.get_user(session, account.id)
                assert user is not None
                await users.set_role(session, user, Role.ADMIN)
        return account


@pytest.fixture
def accounts(http: httpx.AsyncClient, database: Database) -> Accounts:
    return Accounts(http, database)


def mint_token(
    sub: str | uuid.UUID,
    *,
    secret: str = TEST_SECRET,
    algorithm: str = "HS256",
    lifetime: int = 3600,
    **claims: object,
) -> str:
    """A token as an external (Supabase-style) issuer would sign it; claims override defaults."""
    now = int(time.time())
    payload: dict[str, object] = {
        "sub": str(sub),
        "email": f"{sub}@supabase.example",
        "role": "authenticated",
        "aud": "authenticated",
        "iss": "https://project.supabase.example/auth/v1",
        "iat": now,
        "exp": now + lifetime,
    }
    payload.update(claims)
    return jwt.encode(
        {k: v for k, v in payload.items() if v is not None}, secret, algorithm=algorithm
    )


# Short enough to keep tests quick, long enough that a slow shared machine does not trip them.
LIVE_DEFAULTS: dict[str, object] = {
    "match_timeout_seconds": 30.0,
    "match_relax_topics_seconds": 30.0,
    "match_relax_difficulty_seconds": 60.0,
    "match_disconnect_grace_seconds": 30.0,
    # Sessions in tests last seconds; the points rule's tests set their own minimum.
    "points_min_session_seconds": 0.0,
}


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
