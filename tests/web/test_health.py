"""``/health`` reports each dependency, and answers 503 when one is down."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

import httpx
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from storage.database import Database
from tests.helpers.accounts import Accounts
from tests.helpers.config import OPERATOR, make_settings
from tests.helpers.servers import ThreadedServer
from tests.helpers.waiting import eventually
from web.app import create_app
from workers.temporal_server import DevServer, free_port


async def _reported(client: httpx.AsyncClient, status: int) -> httpx.Response:
    """``/health`` once its background checks report ``status``."""
    response: httpx.Response = await eventually(
        lambda: client.get("/health"), lambda seen: seen.status_code == status, f"/health {status}"
    )
    return response


async def test_health_is_ok_when_database_and_temporal_answer(http: httpx.AsyncClient) -> None:
    response = await _reported(http, 200)
    body = response.json()
    assert body["status"] == "ok"
    assert body["dependencies"]["database"]["status"] == "ok"
    assert body["dependencies"]["temporal"]["status"] == "ok"
    assert body["dependencies"]["matchmaker"]["status"] == "ok"


async def test_health_starts_a_terminated_matchmaker_again(
    database: Database, temporal_server: DevServer, tmp_path: Path
) -> None:
    matchmaker_id = f"matchmaker-{uuid.uuid4().hex[:8]}"
    settings = make_settings(
        tmp_path, database.url, temporal_server.address, matchmaker_id=matchmaker_id
    )
    port = free_port()
    client = await Client.connect(temporal_server.address)
    matchmaker = client.get_workflow_handle(matchmaker_id)

    async def status() -> WorkflowExecutionStatus | None:
        with contextlib.suppress(RPCError):
            return (await matchmaker.describe()).status
        return None

    with ThreadedServer(create_app(settings), port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            # The web tier starts it in the background as it comes up.
            await eventually(
                status, lambda seen: seen is WorkflowExecutionStatus.RUNNING, "the matchmaker"
            )
            first_run = (await matchmaker.describe()).run_id
            await matchmaker.terminate("an operator's mistake")
            refused = await http.get("/health/deep")
            response = await http.get("/health/deep", headers=OPERATOR)
    assert refused.status_code == 401
    assert response.status_code == 200
    assert response.json()["dependencies"]["matchmaker"]["status"] == "ok"
    described = await matchmaker.describe()
    assert described.status is WorkflowExecutionStatus.RUNNING
    assert described.run_id != first_run


async def test_health_is_503_when_temporal_is_down(database: Database, tmp_path: Path) -> None:
    dead = f"127.0.0.1:{free_port()}"
    settings = make_settings(tmp_path, database.url, dead)
    port = free_port()
    with ThreadedServer(create_app(settings), port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            response = await _reported(client, 503)
            questions = await client.get("/questions")
    body = response.json()
    assert body["status"] == "degraded"
    assert body["dependencies"]["temporal"]["status"] == "down"
    assert body["dependencies"]["matchmaker"]["status"] == "down"
    assert body["dependencies"]["database"]["status"] == "ok"
    # The REST API keeps serving what does not need Temporal.
    assert questions.status_code == 200


async def test_health_is_503_when_the_database_is_down(
    temporal_server: DevServer, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path, "postgresql://nobody@127.0.0.1:1/none", temporal_server.address
    )
    port = free_port()
    with ThreadedServer(create_app(settings), port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            response = await eventually(
                lambda: client.get("/health"),
                lambda seen: (
                    seen.json()["dependencies"].get("database", {}).get("status") == "down"
                ),
                "the database reported down",
            )
    assert response.status_code == 503
    assert response.json()["dependencies"]["database"]["status"] == "down"
    assert response.json()["dependencies"]["temporal"]["status"] == "ok"


async def test_openapi_and_docs_are_served(http: httpx.AsyncClient) -> None:
    schema = await http.get("/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/questions", "/questions/{question_id}", "/attempts", "/profile/me", "/ranking"):
        assert path in paths
    docs = await http.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_unknown_route_is_a_json_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/no-such-route")
    assert response.status_code == 404
    assert response.json()["message"]


async def test_metrics_and_the_deep_health_check_are_for_operators_only(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    student = await accounts.signup()
    admin = await accounts.signup(admin=True)
    for path in ("/metrics", "/health/deep"):
        assert (await http.get(path)).status_code == 401
        assert (await http.get(path, headers=student.headers)).status_code == 403
        wrong = {"Authorization": "Bearer not-the-operator-token"}
        assert (await http.get(path, headers=wrong)).status_code == 401
        assert (await http.get(path, headers=OPERATOR)).status_code in (200, 503)
        assert (await http.get(path, headers=admin.headers)).status_code in (200, 503)
    # The public check stays open and cheap: it answers from the last background report.
    assert (await http.get("/health")).status_code in (200, 503)
