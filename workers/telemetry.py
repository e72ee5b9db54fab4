"""The worker's metrics: the Temporal SDK's own, and activity failures, in prometheus_client.

The SDK records into a :class:`~temporalio.runtime.MetricBuffer`; :class:`SdkMetrics` drains it
into Prometheus families in this process's default registry, beside PeerPrep's own metrics. So
one endpoint shows both: the web tier's ``/metrics`` in ``peerprep up``, and the port of
``PEERPREP_WORKER_METRICS_PORT`` for ``peerprep worker`` on its own. (The SDK's built-in
Prometheus exporter would need a second port, and could not show ours.)
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from temporalio.runtime import (
    BUFFERED_METRIC_KIND_COUNTER,
    BUFFERED_METRIC_KIND_GAUGE,
    BufferedMetricUpdate,
    LogForwardingConfig,
    LoggingConfig,
    MetricBuffer,
    MetricBufferDurationFormat,
    Runtime,
    TelemetryConfig,
)
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from web import metrics

log = logging.getLogger(__name__)

# The SDK drops updates once the buffer is full: drained every second, this is ample.
BUFFER_SIZE = 50_000
DRAIN_SECONDS = 1.0
# Every SDK histogram is a latency, in seconds (MetricBufferDurationFormat.SECONDS).
SDK_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

Labels = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class _Distribution:
    buckets: list[int] = field(default_factory=lambda: [0] * len(SDK_BUCKETS))
    count: int = 0
    total: float = 0.0

    def observe(self, value: float) -> None:
        for index, bound in enumerate(SDK_BUCKETS):
            if value <= bound:
                self.buckets[index] += 1
        self.count += 1
        self.total += value


@dataclass(slots=True)
class _Family:
    name: str
    documentation: str
    kind: str  # "counter", "gauge" or "histogram"
    series: dict[Labels, Any] = field(default_factory=dict)


def _family_name(name: str, unit: str | None) -> str:
    # Prometheus names carry their unit; counters get "_total" when exposed, not in the name.
    if unit == "s" and not name.endswith("_seconds"):
        name += "_seconds"
    return name.removesuffix("_total")


def _labels(attributes: Mapping[str, Any]) -> Labels:
    return tuple(sorted((key, str(value)) for key, value in attributes.items()))


class SdkMetrics(Collector):
    """The Temporal SDK's metrics, drained from its buffer and kept as Prometheus families."""

    def __init__(self, buffer: MetricBuffer) -> None:
        self._buffer = buffer
        self._lock = threading.Lock()
        self._families: dict[str, _Family] = {}

    def drain(self) -> None:
        """Fold every buffered update into the families (any thread: scrapes run in threads)."""
        with self._lock:
            self._fold(self._buffer.retrieve_updates())

    def _fold(self, updates: Iterable[BufferedMetricUpdate]) -> None:
        for update in updates:
            metric = update.metric
            if metric.kind == BUFFERED_METRIC_KIND_COUNTER:
                kind = "counter"
            elif metric.kind == BUFFERED_METRIC_KIND_GAUGE:
                kind = "gauge"
            else:
                kind = "histogram"
            name = _family_name(metric.name, metric.unit)
            family = self._families.get(name)
            if family is None:
                family = self._families[name] = _Family(name, metric.description or name, kind)
            labels = _labels(update.attributes)
            if kind == "counter":
                family.series[labels] = family.series.get(labels, 0) + update.value
            elif kind == "gauge":
                family.series[labels] = update.value
            else:
                family.series.setdefault(labels, _Distribution()).observe(float(update.value))

    def describe(self) -> list[Metric]:
        # Families appear as the SDK reports them: nothing to declare up front (and registering
        # must not drain the buffer).
        return []

    def collect(self) -> Iterator[Metric]:
        self.drain()
        with self._lock:
            families = [self._render(family) for family in self._families.values()]
        yield from families

    @staticmethod
    def _render(family: _Family) -> Metric:
        metric = Metric(family.name, family.documentation, family.kind)
        for labels, value in family.series.items():
            tags = dict(labels)
            if family.kind == "counter":
                metric.add_sample(f"{family.name}_total", tags, value)
            elif family.kind == "gauge":
                metric.add_sample(family.name, tags, value)
            else:
                for bound, count in zip(SDK_BUCKETS, value.buckets, strict=True):
                    metric.add_sample(f"{family.name}_bucket", {**tags, "le": str(bound)}, count)
                metric.add_sample(f"{family.name}_bucket", {**tags, "le": "+Inf"}, value.count)
                metric.add_sample(f"{family.name}_count", tags, value.count)
                metric.add_sample(f"{family.name}_sum", tags, value.total)
        return metric

    def keep_draining(self) -> None:
        """Drain every second from a daemon thread, whether or not anyone scrapes."""

        def loop() -> None:
            while True:
                time.sleep(DRAIN_SECONDS)
                try:
                    self.drain()
                except Exception:
                    log.exception("could not read the Temporal SDK's metrics")

        threading.Thread(target=loop, name="temporal-metrics", daemon=True).start()


@functools.cache
def sdk_runtime() -> Runtime:
    """This process's Temporal runtime: its metrics forwarded to prometheus_client, its Core
    logs to Python logging (one runtime per process: each owns a thread pool)."""
    buffer = MetricBuffer(BUFFER_SIZE, MetricBufferDurationFormat.SECONDS)
    # Core's own warnings go through Python logging too, so they share the configured format.
    forwarding = LogForwardingConfig(
        logger=logging.getLogger("temporalio.core"), append_target_to_name=False
    )
    runtime = Runtime(
        telemetry=TelemetryConfig(
            metrics=buffer,
            logging=LoggingConfig(filter=LoggingConfig.default.filter, forwarding=forwarding),
        )
    )
    collector = SdkMetrics(buffer)
    REGISTRY.register(collector)
    collector.keep_draining()
    return runtime


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
