"""In production, Socket.IO accepts the configured origins and the page's own, never any site
that carries a user's token in a cross-site page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import socketio

from settings import get_settings
from tests.helpers.servers import ThreadedServer
from web.sockets.server import create_socket_server
from workers.temporal_server import free_port

CONFIGURED = "https://peerprep.example"


@pytest.fixture
def production_sockets(tmp_path: Path) -> Iterator[str]:
    settings = get_settings(data_dir=tmp_path, env="production", cors_origins=CONFIGURED)
    port = free_port()
    with ThreadedServer(socketio.ASGIApp(create_socket_server(settings)), port):
        yield f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (CONFIGURED, True),
        ("same", True),
        (None, True),  # not a browser: no Origin header to check
        ("https://evil.example", False),
        ("http://127.0.0.1:1", False),
        ("null", False),
    ],
)
def test_production_sockets_accept_only_the_configured_origins_and_the_same_origin(
    production_sockets: str, origin: str | None, allowed: bool
) -> None:
    headers = {}
    if origin is not None:
        headers["Origin"] = production_sockets if origin == "same" else origin
    response = httpx.get(
        f"{production_sockets}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers=headers,
    )
    assert (response.status_code == 200) is allowed, response.text
    if not allowed:
        assert "not an accepted origin" in response.text
