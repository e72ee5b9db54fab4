"""The browser client: ``client/dist`` (built by ``client/build``) served at ``/`` and ``/app/``.

The client routes by the URL's hash (``/#/questions``, ``/#/room/<id>``), so it owns only these
two paths and never shadows an API route. Until the bundle is built both answer 503 saying how to
build it; the API works either way.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from settings import Settings
from web.errors import error_body

ASSET_PREFIX = "/app"
# A source checkout (the README's commands run from the clone) keeps the bundle beside web/.
CHECKOUT_DIST = Path(__file__).resolve().parents[1] / "client" / "dist"
NOT_BUILT = (
    "the browser client is not built: run scripts/up, or client/build (Node.js 20+ and npm), "
    "then reload"
)


def client_dist(settings: Settings) -> Path:
    """Where the built client lives: ``PEERPREP_CLIENT_DIR``, else the checkout's client/dist."""
    return (settings.client_dir or CHECKOUT_DIST).resolve()


def _not_built_page() -> HTMLResponse:
    body = (
        "<!doctype html><meta charset=utf-8><title>PeerPrep</title>"
        "<body style='font-family:sans-serif;margin:3rem'><h1>PeerPrep</h1>"
        f"<p>{NOT_BUILT.capitalize()}.</p><p>The API is up: see <a href='/docs'>/docs</a>.</p>"
    )
    return HTMLResponse(body, status_code=503)


class ClientAssets:
    """The bundle's files under ``/app/``; a 503 (not a crash) while there is no bundle."""

    def __init__(self, dist: Path) -> None:
        self._dist = dist
        # The script is about 1 MB, a third of that compressed.
        self._files = GZipMiddleware(StaticFiles(directory=dist, check_dir=False), compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (self._dist / "index.html").is_file():
            await error_body(503, NOT_BUILT)(scope, receive, send)
            return
        await self._files(scope, receive, send)


def install_client(api: FastAPI, settings: Settings) -> None:
    """Serve the client's page at ``/`` and its assets under :data:`ASSET_PREFIX`."""
    dist = client_dist(settings)

    @api.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        page = dist / "index.html"
        if not page.is_file():
            if "text/html" in request.headers.get("accept", ""):
                return _not_built_page()
            return error_body(503, NOT_BUILT)
        # The page names its assets by content hash: revalidating the page is all it takes.
        return FileResponse(page, headers={"Cache-Control": "no-cache"})

    api.mount(ASSET_PREFIX, ClientAssets(dist), name="client")
