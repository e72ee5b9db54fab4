"""``/metrics`` and the logs, on the real thing: the app on a free port, a live stack (web and
worker in one loop, as ``peerprep up``), real sockets, and ``peerprep worker`` as a process."""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import uvicorn
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from observability import metrics as web_metrics
from observability.logs import UVICORN_LOGGERS, build_handler
from storage.database import Database
from tests.helpers import waiting
from tests.helpers.accounts import Accounts
from tests.helpers.config import OPERATOR, make_settings
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, join
from tests.helpers.servers import RunningApp, ThreadedServer
from tests.helpers.services import unavailable
from tests.helpers.socket_peer import SocketPeer
from tests.helpers.up_process import PEERPREP, environment, eventually
from web.app import create_app
from web.sockets.server import write_only_emitter
from workers.temporal_server import DevServer, free_port
from workflows import ids
from workflows.events import MATCHED, MATCHING_NAMESPACE, user_room

REDIS_URL = "redis://127.0.0.1:6379/0"
StackFactory = Callable[..., LiveStack]

OUR_METRICS = {
    "peerprep_socket_connections": "gauge",
    "peerprep_matching_queue_size": "gauge",
    "peerprep_match_latency_seconds": "histogram",
    "peerprep_loaded_rooms": "gauge",
    "peerprep_document_updates": "counter",
    "peerprep_document_persist_seconds": "histogram",
    "peerprep_history_records": "counter",
    "peerprep_errors": "counter",
}


class Scrape:
    """One reading of ``/metrics``, parsed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.families = {family.name: family for family in text_string_to_metric_families(text)}

    def __repr__(self) -> str:
        return self.text

    def value(self, sample: str, **labels: str) -> float:
        """A sample's value (0 when absent, as a counter that never moved)."""
        for family in self.families.values():
            for found in family.samples:
                if found.name == sample and all(
                    found.labels.get(k) == v for k, v in labels.items()
                ):
                    return float(found.value)
        return 0.0


async def scrape(base_url: str) -> Scrape:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.get("/metrics", headers=OPERATOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return Scrape(response.text)


async def scraped_until(
    base_url: str, check: Callable[[Scrape], bool], within: float = 15.0
) -> Scrape:
    return await waiting.eventually(
        lambda: scrape(base_url), check, "the metrics to satisfy the check", within, every=0.2
    )


class CapturedLogs:
    """The root logger's lines, as a configured process writes them (format and redaction)."""

    def __init__(self, log_format: str, level: int) -> None:
        self.stream = io.StringIO()
        self.handler = build_handler("json" if log_format == "json" else "text", self.stream)
        self._level = level
        self._saved = logging.getLogger().level

    def __enter__(self) -> CapturedLogs:
        root = logging.getLogger()
        root.addHandler(self.handler)
        root.setLevel(self._level)
        return self

    def __exit__(self, *_exc: object) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._saved)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@pytest.fixture
def json_logs() -> Iterator[CapturedLogs]:
    with CapturedLogs("json", logging.INFO) as captured:
        yield captured


# /metrics itself -------------------------------------------------------------------------------


async def test_metrics_are_prometheus_text_naming_every_peerprep_metric(
    app_server: RunningApp,
) -> None:
    reading = await scrape(app_server.base_url)
    for name, kind in OUR_METRICS.items():
        assert name in reading.families, name
        assert reading.families[name].type == kind
        assert f"# HELP {name}" in reading.text
    assert reading.value("peerprep_loaded_rooms") >= 0


async def test_an_openmetrics_scraper_gets_openmetrics(app_server: RunningApp) -> None:
    async with httpx.AsyncClient(base_url=app_server.base_url, timeout=10) as client:
        response = await client.get(
            "/metrics",
            headers={"Accept": "application/openmetrics-text; version=1.0.0", **OPERATOR},
        )
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


# Matching and collaboration move the numbers ---------------------------------------------------


async def test_matching_and_collaboration_move_the_metrics_and_log_their_ids(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, json_logs: CapturedLogs
) -> None:
    stack = live_stack()
    before = await scrape(stack.base_url)
    alice, bob = await accounts.signup(), await accounts.signup()

    first = peers(stack.base_url, MATCHING_NAMESPACE)
    await first.connect({"token": alice.token})
    await first.emit(
        "join-queue", {"userId": str(alice.id), "difficulty": "easy", "topics": ["Arrays"]}
    )
    await first.wait_for("joined-queue")
    waiting = await scraped_until(
        stack.base_url,
        lambda r: r.value("peerprep_matching_queue_size", difficulty="easy") == 1,
    )
    assert waiting.value("peerprep_matching_queue_size", difficulty="hard") == 0
    assert (
        waiting.value("peerprep_socket_connections", namespace=MATCHING_NAMESPACE)
        == before.value("peerprep_socket_connections", namespace=MATCHING_NAMESPACE) + 1
    )

    second = peers(stack.base_url, MATCHING_NAMESPACE)
    await second.connect({"token": bob.token})
    await second.emit(
        "join-queue", {"userId": str(bob.id), "difficulty": "easy", "topics": ["Arrays"]}
    )
    room = (await first.wait_for("matched"))["roomId"]
    await second.wait_for("matched")
    matched = await scraped_until(
        stack.base_url,
        lambda r: r.value("peerprep_matching_queue_size", difficulty="easy") == 0,
    )
    assert matched.value("peerprep_match_latency_seconds_count") == (
        before.value("peerprep_match_latency_seconds_count") + 2
    )
    # A refused join is an error reply.
    await second.emit("join-queue", {"userId": str(alice.id), "difficulty": "easy", "topics": []})
    await second.wait_for("joined-queue", lambda data: data.get("ok") is False)

    editor = await join(stack, peers, alice, room)
    await join(stack, peers, bob, room)
    await editor.peer.emit("collab:update", b"\x00 not a yjs update")
    await editor.peer.wait_for("collab:error")
    await editor.type(0, "def solve():\n")
    # The registry is the process's: an earlier test may have counted updates already.
    updates_before = before.value("peerprep_document_updates_total", source="update")
    collab = await scraped_until(
        stack.base_url,
        lambda r: r.value("peerprep_document_updates_total", source="update") > updates_before,
    )
    assert collab.value("peerprep_loaded_rooms") == 1
    assert (
        collab.value("peerprep_socket_connections", namespace="/collab")
        == before.value("peerprep_socket_connections", namespace="/collab") + 2
    )
    assert (
        collab.value("peerprep_document_updates_total", source="update")
        == before.value("peerprep_document_updates_total", source="update") + 1
    )
    assert collab.value("peerprep_document_persist_seconds_count", operation="update") > 0
    assert collab.value("peerprep_errors_total", kind="socket_error_event") >= (
        before.value("peerprep_errors_total", kind="socket_error_event") + 2
    )

    lines = json_logs.lines()

    def logged(message: str, **fields: str) -> dict[str, Any]:
        for line in lines:
            if line["message"] == message and all(line.get(k) == v for k, v in fields.items()):
                return line
        raise AssertionError(f"no {message!r} line with {fields} in:\n{json_logs.text}")

    joined = logged("joined queue", user_id=str(alice.id))
    assert joined["workflow_id"] == ids.match_request_id(str(alice.id))
    assert joined["difficulty"] == "easy"
    logged("socket connected", user_id=str(bob.id), namespace=MATCHING_NAMESPACE)
    logged("matched", user_id=str(bob.id), room_id=room, workflow_id=stack.settings.matchmaker_id)
    logged("socket connected", user_id=str(alice.id), room_id=room, namespace="/collab")
    for line in lines:
        assert {"timestamp", "level", "logger", "message"} <= set(line)


async def test_matched_relayed_by_redis_from_another_process_ends_the_match_clock(
    database: Database, temporal_server: DevServer, tmp_path: Path, accounts: Accounts
) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", error)
    settings = make_settings(tmp_path, database.url, temporal_server.address, redis_url=REDIS_URL)
    port = free_port()
    account = await accounts.signup()
    user_id = str(uuid.uuid4())
    with ThreadedServer(create_app(settings), port):
        # A first socket makes the server start listening to Redis.
        peer = SocketPeer(f"http://127.0.0.1:{port}", MATCHING_NAMESPACE)
        await peer.connect({"token": account.token})
        try:
            web_metrics.MATCH_CLOCK.joined(user_id)
            before = REGISTRY.get_sample_value("peerprep_match_latency_seconds_count") or 0.0
            # As a worker in its own process sends it: published to Redis, never through this
            # process's Socket.IO server.
            emitter = write_only_emitter(REDIS_URL, settings.redis_channel)
            await emitter.emit(
                MATCHED, {"roomId": "r"}, room=user_room(user_id), namespace=MATCHING_NAMESPACE
            )
            await emitter.redis.aclose()
            await waiting.until(
                lambda: REGISTRY.get_sample_value("peerprep_match_latency_seconds_count") != before,
                "matched to be observed",
                within=10,
            )
        finally:
            await peer.disconnect()


# Secrets never reach a log ---------------------------------------------------------------------


async def test_signup_login_and_authenticated_calls_never_log_a_password_or_token(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    with CapturedLogs("json", logging.DEBUG) as captured:
        account = await accounts.signup()
        login = await http.post(
            "/auth/login", json={"email": account.email, "password": account.password}
        )
        assert login.status_code == 200
        token = login.json()["access_token"]
        assert (await http.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).is_success
        wrong = await http.post(
            "/auth/login", json={"email": account.email, "password": account.password + "x"}
        )
        assert wrong.status_code == 401
    assert captured.lines(), "nothing was logged at DEBUG: the capture is not working"
    for secret in (account.password, account.token, token):
        assert secret not in captured.text


class AccessLoggingServer(ThreadedServer):
    """The app served as ``peerprep`` serves it: uvicorn's lines through the root logger."""

    def __init__(self, app: object, port: int) -> None:
        config = uvicorn.Config(
            app,  # type: ignore[arg-type]
            host="127.0.0.1",
            port=port,
            log_config=None,
            log_level="info",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)


@pytest.fixture
def uvicorn_propagates() -> Iterator[None]:
    """uvicorn's loggers as ``configure_logging`` leaves them (other tests' servers gave them
    handlers of their own), restored afterwards."""
    saved = []
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, list(logger.handlers), logger.propagate))
        logger.handlers.clear()
        logger.propagate = True
    yield
    for logger, handlers, propagate in saved:
        logger.handlers[:] = handlers
        logger.propagate = propagate


@pytest.mark.usefixtures("uvicorn_propagates")
async def test_the_access_log_never_shows_a_token_from_a_query_string(
    database: Database, temporal_server: DevServer, tmp_path: Path, accounts: Accounts
) -> None:
    account = await accounts.signup()
    settings = make_settings(tmp_path, database.url, temporal_server.address)
    port = free_port()
    with (
        CapturedLogs("text", logging.INFO) as captured,
        AccessLoggingServer(create_app(settings), port),
    ):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await client.get("/health", params={"token": account.token})
            await client.get(
                "/socket.io/",
                params={"EIO": "4", "transport": "polling", "access_token": account.token},
            )
    access = [line for line in captured.text.splitlines() if "uvicorn.access" in line]
    assert len(access) == 2, captured.text
    assert all("[redacted]" in line for line in access)
    assert account.token not in captured.text


# The worker on its own -------------------------------------------------------------------------


def test_a_worker_process_serves_its_metrics_and_the_sdk_s_and_logs_json(
    temporal_server: DevServer, tmp_path: Path
) -> None:
    port, sdk_port = free_port(), free_port()
    log_file = tmp_path / "worker.log"
    env = environment(
        PEERPREP_TEMPORAL_ADDRESS=temporal_server.address,
        PEERPREP_TASK_QUEUE=f"test-{uuid.uuid4().hex[:12]}",
        PEERPREP_DATA_DIR=str(tmp_path / "data"),
        PEERPREP_DATABASE_URL=f"sqlite:///{tmp_path / 'worker.db'}",
        PEERPREP_DOCUMENT_STORE="sql",
        PEERPREP_WORKER_METRICS_PORT=str(port),
        PEERPREP_TEMPORAL_METRICS_PORT=str(sdk_port),
        PEERPREP_LOG_FORMAT="json",
    )
    with log_file.open("wb") as output:
        worker = subprocess.Popen(
            [PEERPREP, "worker"], stdout=output, stderr=output, env=env, start_new_session=True
        )
    texts = {port: "", sdk_port: ""}
    try:

        def scraped(which: int, wanted: tuple[str, ...]) -> bool:
            if worker.poll() is not None:
                raise AssertionError(f"the worker exited:\n{log_file.read_text()}")
            try:
                texts[which] = httpx.get(f"http://127.0.0.1:{which}/metrics", timeout=2).text
            except httpx.HTTPError:
                return False
            return all(name in texts[which] for name in wanted)

        sdk_names = ("temporal_num_pollers", "temporal_request_total")
        eventually(lambda: scraped(sdk_port, sdk_names), 30, "the SDK's metrics")
        eventually(lambda: scraped(port, ("peerprep_errors",)), 30, "the worker's metrics")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(15)
    sdk = Scrape(texts[sdk_port])
    assert sdk.families["temporal_request_latency_seconds"].type == "histogram"
    assert sdk.families["temporal_num_pollers"].type == "gauge"
    assert "peerprep_errors" in Scrape(texts[port]).families
    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line.strip()]
    assert any(line["message"].startswith("worker metrics at") for line in lines)
    assert all({"timestamp", "level", "logger", "message"} <= set(line) for line in lines)
