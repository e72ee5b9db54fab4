"""``/metrics``: everything this process measures, in the Prometheus text format.

For operators only (``PEERPREP_OPERATOR_TOKEN`` as a bearer token, or an administrator's token):
it shows load and error rates. In ``peerprep up`` the worker shares the process, so its metrics,
and the Temporal SDK's, are here too. A scrape reads the matchmaker's queue at most every
``observability.metrics.QUEUE_CACHE_SECONDS``, however often it is scraped.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability import metrics
from web.deps import Operator, State

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
    summary="Prometheus metrics (operators only)",
    dependencies=[Operator],
)
async def scrape(request: Request, state: State) -> Response:
    await metrics.refresh(state.orchestrator, state.documents.loaded)
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(REGISTRY), media_type=content_type)


class ServerErrorCounter:
    """Counts HTTP responses of 500 and above, including the ones an unhandled exception turns
    into a 500 outside every middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 500:
                metrics.ERRORS.labels(metrics.HTTP_5XX).inc()
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        except Exception:
            metrics.ERRORS.labels(metrics.HTTP_5XX).inc()
            raise
