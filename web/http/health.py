"""``/health``: each dependency's status; 503 when any is down (for load balancers and compose).

The checks run in the background every ``health_check_seconds``, and ``/health`` answers with
their last report: a request costs nothing and reaches neither Temporal nor the database.
``/health/deep`` (operators only) runs them at once. The matchmaker counts as a dependency:
without it nobody is paired. A missing one is started again by the check itself, so it is
reported down only when that fails too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from web.deps import Operator, State
from web.state import AppState

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


class DependencyStatus(BaseModel):
    status: Literal["ok", "down"]
    latency_ms: float


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    dependencies: dict[str, DependencyStatus]


async def _database_ok(state: AppState) -> bool:
    try:
        async with state.database.session() as session:
            await asyncio.wait_for(session.execute(text("SELECT 1")), CHECK_TIMEOUT_SECONDS)
        return True
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        log.debug("the database check failed: %r", error)
        return False


async def _timed(check: Awaitable[bool]) -> DependencyStatus:
    started = time.perf_counter()
    ok = await check
    return DependencyStatus(
        status="ok" if ok else "down", latency_ms=round((time.perf_counter() - started) * 1000, 2)
    )


async def check_now(state: AppState) -> HealthReport:
    """Every dependency's status, asked now."""
    database, temporal = await asyncio.gather(
        _timed(_database_ok(state)),
        _timed(state.orchestrator.healthy(CHECK_TIMEOUT_SECONDS)),
    )
    # Asked only of a Temporal that answers: otherwise it is down too, without a second wait.
    matchmaker = (
        await _timed(state.orchestrator.matchmaker_running(CHECK_TIMEOUT_SECONDS))
        if temporal.status == "ok"
        else DependencyStatus(status="down", latency_ms=0.0)
    )
    dependencies = {"database": database, "temporal": temporal, "matchmaker": matchmaker}
    return HealthReport(
        status="ok" if all(dep.status == "ok" for dep in dependencies.values()) else "degraded",
        dependencies=dependencies,
    )


async def keep_checking(state: AppState) -> None:
    """The background checks behind ``/health``, from the start until the process stops."""
    interval = state.settings.health_check_seconds
    while True:
        try:
            state.health = await check_now(state)
        except Exception:
            # The loop behind /health must outlive a bug in one check: it shows in the log.
            log.exception("a health check failed")
        # Soon again while something is down (or still starting): recovery shows at once.
        healthy = state.health is not None and state.health.status == "ok"
        await asyncio.sleep(interval if healthy else min(interval, 0.5))


def _answer(report: HealthReport) -> JSONResponse:
    return JSONResponse(report.model_dump(), status_code=200 if report.status == "ok" else 503)


STARTING = HealthReport(status="degraded", dependencies={})


@router.get(
    "/health",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "a dependency is down"}},
)
async def health(state: State) -> JSONResponse:
    """The last background report (503 with no dependencies before the first one)."""
    report = state.health
    return _answer(report or STARTING)


@router.get(
    "/health/deep",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "a dependency is down"}},
    dependencies=[Operator],
)
async def deep_health(state: State) -> JSONResponse:
    """Every check, run now (operators only)."""
    state.health = await check_now(state)
    return _answer(state.health)
