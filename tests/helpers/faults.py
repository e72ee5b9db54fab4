"""Faults the end-to-end tests inject into a real worker, as Temporal activity interceptors.

Each fault finds its activity by the name the activity is registered under, so the production
activities carry no hook for it; ``tests.helpers.faulty_peerprep`` installs one in a ``peerprep``
process. Every fault logs :func:`fired` when it strikes, which is what the tests wait for.
"""

from __future__ import annotations

import asyncio
import logging
import os
from enum import StrEnum
from typing import Any

from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from workflows.match_messages import CREATE_PAIRS
from workflows.session import FINISH_SESSION

log = logging.getLogger(__name__)

# The exit code of a worker that a crash fault killed: nothing else in PeerPrep exits with it.
CRASH_EXIT_CODE = 70
# Long enough for a test to stop the worker while the activity runs, well within its grace period.
SLOW_FINISH_SECONDS = 2.0


class Fault(StrEnum):
    # The rooms of a round (with at least one pair) are committed, then the worker dies at once,
    # as under SIGKILL: its result never reaches Temporal, so the retry finds the rooms made.
    CRASH_AFTER_ROOMS = "crash-after-rooms"
    # Every attempt to make a round's rooms fails as if the database were unreachable.
    ROOMS_UNREACHABLE = "rooms-unreachable"
    # The end of a session holds before it records anything, so a stop can land in its middle.
    SLOW_FINISH = "slow-finish"


def fired(fault: Fault) -> str:
    """The text a worker logs when ``fault`` strikes."""
    return f"fault {fault} fired"


class _CrashAfterRooms(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        result = await super().execute_activity(input)
        if activity.info().activity_type == CREATE_PAIRS and input.args[0].pairs:
            log.warning("%s: the rooms are made, the worker dies", fired(Fault.CRASH_AFTER_ROOMS))
            os._exit(CRASH_EXIT_CODE)
        return result


class _RoomsUnreachable(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        if activity.info().activity_type == CREATE_PAIRS:
            raise ConnectionError(f"{fired(Fault.ROOMS_UNREACHABLE)}: the database is unreachable")
        return await super().execute_activity(input)


class _SlowFinish(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        if activity.info().activity_type == FINISH_SESSION:
            log.warning("%s: holding for %ss", fired(Fault.SLOW_FINISH), SLOW_FINISH_SECONDS)
            await asyncio.sleep(SLOW_FINISH_SECONDS)
        return await super().execute_activity(input)


_INTERCEPTORS: dict[Fault, type[ActivityInboundInterceptor]] = {
    Fault.CRASH_AFTER_ROOMS: _CrashAfterRooms,
    Fault.ROOMS_UNREACHABLE: _RoomsUnreachable,
    Fault.SLOW_FINISH: _SlowFinish,
}


class FaultInjector(Interceptor):
    """A worker interceptor that makes ``fault`` strike in the activities it names."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _INTERCEPTORS[self.fault](next)
