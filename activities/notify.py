"""Emitting to clients from activities, through python-socketio.

In the all-in-one process the emitter is the web tier's Socket.IO server itself; when the worker
runs on its own it is a write-only Redis manager that the web processes listen to.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from temporalio import activity

from workflows.events import outcome_line
from workflows.match_messages import NOTIFY, Emit, EmitBatch

log = logging.getLogger(__name__)


class Emitter(Protocol):
    """What python-socketio's AsyncServer and AsyncRedisManager have in common."""

    async def emit(
        self, event: str, data: Any = None, *, room: str | None = None, namespace: str | None = None
    ) -> Any: ...


class Notifier:
    """Sends events to Socket.IO rooms, or drops them (with a log line) when no emitter is set."""

    def __init__(self, emitter: Emitter | None) -> None:
        self._emitter = emitter

    async def send(self, emits: list[Emit]) -> None:
        for emit in emits:
            _log_outcome(emit)
        if self._emitter is None:
            log.warning("no Socket.IO emitter configured; dropped %d events", len(emits))
            return
        for emit in emits:
            await self._emitter.emit(
                emit.event, emit.data, room=emit.room, namespace=emit.namespace
            )


class NotifyActivities:
    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier

    @activity.defn(name=NOTIFY)
    async def notify(self, batch: EmitBatch) -> None:
        """Emit a batch of events; clients tolerate a repeat, so a retry is harmless."""
        await self._notifier.send(batch.emits)


def _log_outcome(emit: Emit) -> None:
    line = outcome_line(emit)
    if line is None:
        return
    message, fields = line
    if activity.in_activity():
        fields["workflow_id"] = activity.info().workflow_id
    log.info(message, extra=fields)
