"""The worker's metrics: the Temporal SDK's own exporter, and PeerPrep's in prometheus_client.

The SDK serves its metrics itself (``PEERPREP_TEMPORAL_METRICS_PORT``: its Prometheus exporter
runs in the SDK's Rust core, off the event loop); PeerPrep's own worker-side metrics (activity
failures and what ``observability.metrics`` counts) are served by :func:`serve_metrics` for
``peerprep worker`` on its own, and by the web tier's ``/metrics`` in ``peerprep up``.
"""

from __future__ import annotations

import functools
import logging
from typing import Any
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
)
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from observability import metrics

log = logging.getLogger(__name__)


@functools.cache
def sdk_runtime(metrics_address: str | None) -> Runtime:
    """This process's Temporal runtime (one per process: each owns a thread pool).

    With ``metrics_address`` (``host:port``) the SDK serves its Prometheus metrics there; its
    Core logs go through Python logging either way, so they share the configured format.
    """
    forwarding = LogForwardingConfig(
        logger=logging.getLogger("temporalio.core"), append_target_to_name=False
    )
    exporter = (
        PrometheusConfig(
            bind_address=metrics_address,
            counters_total_suffix=True,
            unit_suffix=True,
            durations_as_seconds=True,
        )
        if metrics_address
        else None
    )
    if exporter is not None:
        log.info("Temporal SDK metrics at http://%s/metrics", metrics_address)
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=exporter,
            logging=LoggingConfig(filter=LoggingConfig.default.filter, forwarding=forwarding),
        )
    )


def serve_metrics(host: str, port: int) -> WSGIServer:
    """Serve this process's registry at ``http://host:port/metrics`` from a daemon thread."""
    server, _thread = start_http_server(port, addr=host)
    log.info("worker metrics at http://%s:%d/metrics", host, port)
    return server


# Activity failures -----------------------------------------------------------------------------


class _CountFailures(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except Exception:
            metrics.ERRORS.labels(metrics.ACTIVITY).inc()
            raise


class ActivityFailures(Interceptor):
    """Counts each failed activity attempt in ``peerprep_errors_total{kind="activity"}``."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _CountFailures(next)
