"""The executor: a Temporal worker on the executors' task queue that runs students' code in
sandboxes, and nothing else. It checks its sandbox first and does not serve if it fails."""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.execution import ExecutionActivities
from activities.notify import Notifier
from execution.cgroups import CgroupUnavailable, detect
from execution.languages import LANGUAGES
from execution.runner import RunLimits, Runner, Slots
from execution.sandbox import Identity, Sandbox
from execution.selftest import self_test
from execution.workspace import Workspace
from settings import Settings
from storage.database import Database
from workers.telemetry import ActivityFailures

log = logging.getLogger(__name__)
_SELF_TEST_PYTHON = "/usr/bin/python3"


@dataclass(frozen=True, slots=True)
class Executor:
    """A worker ready to run, or the reason this host cannot run students' code."""

    worker: Worker | None
    unavailable: str | None = None
    runner: Runner | None = None


async def build_executor(
    client: Client, settings: Settings, database: Database, notifier: Notifier
) -> Executor:
    if shutil.which("bwrap") is None:
        return _unavailable("bubblewrap (bwrap) is not installed")
    try:
        sandbox = Sandbox(detect(settings.exec_cgroup_root))
    except (CgroupUnavailable, OSError) as error:
        return _unavailable(f"no control groups to cap a run's memory: {error}")
    first = Identity(settings.exec_first_uid, settings.exec_first_uid)
    problems = await self_test(sandbox, first, _SELF_TEST_PYTHON)
    if problems:
        return _unavailable("; ".join(problems))
    mb = 1024 * 1024
    limits = RunLimits(
        memory_bytes=settings.exec_memory_mb * mb,
        processes=settings.exec_processes,
        open_files=settings.exec_open_files,
        file_bytes=settings.exec_file_mb * mb,
        output_bytes=settings.exec_output_kb * 1024,
        tmp_bytes=settings.exec_tmp_mb * mb,
        compile_cpu_seconds=settings.exec_compile_seconds,
        compile_memory_bytes=settings.exec_compile_memory_mb * mb,
    )
    runner = Runner(
        sandbox,
        Workspace(settings.exec_work_dir),
        Slots(settings.exec_slots, settings.exec_first_uid),
        limits,
    )
    activities = ExecutionActivities(runner, database, notifier, await _runtimes())
    worker = Worker(
        client,
        task_queue=settings.exec_task_queue,
        activities=[activities.run_code],
        # No more runs than sandboxes: the rest wait in Temporal's queue, or are answered Busy.
        max_concurrent_activities=settings.exec_slots,
        interceptors=[ActivityFailures()],
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_shutdown_grace_seconds),
    )
    log.info(
        "executor ready on %s: %d sandboxes, %s",
        settings.exec_task_queue,
        settings.exec_slots,
        ", ".join(sorted(runner.languages)),
    )
    return Executor(worker, runner=runner)


def _unavailable(reason: str) -> Executor:
    log.error("code execution unavailable: %s", reason)
    return Executor(None, reason)


async def _runtimes() -> dict[str, str]:
    """Each language's runtime version, as recorded with its runs."""
    found = {}
    for name, language in LANGUAGES.items():
        try:
            process = await asyncio.create_subprocess_exec(
                *language.version,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            said, _ = await process.communicate()
            found[name] = said.decode(errors="replace").strip().splitlines()[0][:120]
        except (OSError, IndexError):
            found[name] = ""
    return found
