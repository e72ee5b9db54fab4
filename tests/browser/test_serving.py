"""``web/client.py``: the built client at ``/`` and ``/app/``, and a clear 503 before a build."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from settings import Settings
from web.client import install_client

SCRIPT = "console.log('peerprep');\n" * 100


def app_serving(dist: Path) -> FastAPI:
    app = FastAPI()
    install_client(app, Settings(data_dir=dist.parent, client_dir=dist))

    @app.get("/questions")
    async def questions() -> dict[str, str]:
        return {"route": "api"}

    return app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_serving(tmp_path / "dist"))
    async with httpx.AsyncClient(transport=transport, base_url="http://peerprep") as http:
        yield http


def build(dist: Path) -> None:
    dist.mkdir()
    (dist / "index.html").write_text('<script src="/app/main-ABC.js"></script>')
    (dist / "main-ABC.js").write_text(SCRIPT)


async def test_before_a_build_the_page_and_assets_say_how_to_build_it(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "client/build" in page.text
    for response in (await client.get("/"), await client.get("/app/main-ABC.js")):
        assert response.status_code == 503
        assert "client/build" in response.json()["message"]
    assert (await client.get("/questions")).json() == {"route": "api"}


async def test_a_built_client_is_served_at_the_root_and_its_assets_under_app(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    build(tmp_path / "dist")
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    assert "/app/main-ABC.js" in page.text
    script = await client.get("/app/main-ABC.js", headers={"Accept-Encoding": "gzip"})
    assert script.status_code == 200
    assert script.headers["content-encoding"] == "gzip"
    assert script.text == SCRIPT
    assert (await client.get("/app/missing.js")).status_code == 404
    assert (await client.get("/questions")).json() == {"route": "api"}
