"""The run of a room's code, on the executors' task queue: judged in the sandbox against the
question's runnable data as SQL holds it now, each case told to the room as it is judged, the
whole run stored for whoever joins later."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from temporalio import activity

from activities.notify import Notifier
from execution.runnable import RunnableError, RunnableQuestion
from execution.runner import CaseResult, Mode, Runner
from observability import metrics
from storage import code_runs, runnable_questions
from storage.database import Database
from workflows.code_runs import RUN_CODE, RunCodeInput, unrun
from workflows.events import CODE_RUN_CASE, CODE_RUN_STARTED, COLLAB_NAMESPACE, collab_room
from workflows.match_messages import Emit

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 2.0
# Questions whose parsed runnable data an executor keeps, by revision: the cases of the largest
# take tens of milliseconds of the event loop to check, every run.
PARSED_QUESTIONS = 32


class ExecutionActivities:
    def __init__(
        self,
        runner: Runner,
        database: Database,
        notifier: Notifier,
        runtimes: dict[str, str],
    ) -> None:
        self._runner = runner
        self._database = database
        self._notifier = notifier
        self._runtimes = runtimes
        # question id -> (revision, its runnable data checked), oldest use first.
        self._parsed: dict[int, tuple[str, RunnableQuestion]] = {}

    @activity.defn(name=RUN_CODE)
    async def run_code(self, request: RunCodeInput) -> dict[str, Any]:
        """The student's failures are in the result; only the executor's own faults raise."""
        try:
            question = await self._question(request.question_id)
        except RunnableError as error:
            log.warning("question %d cannot run: %s", request.question_id, error)
            message = f"this question's test cases do not hold: {error}"
            return unrun("Internal Error", request.mode, request.language, message)
        if question is None:
            message = "this question has no test cases to run"
            return unrun("Internal Error", request.mode, request.language, message)
        room = collab_room(request.room_id)

        async def told(case: CaseResult) -> None:
            data = {"runId": request.run_id, **case.to_json()}
            await self._notifier.send([Emit(CODE_RUN_CASE, data, room, COLLAB_NAMESPACE)])

        started = {
            "runId": request.run_id,
            "mode": request.mode,
            "language": request.language,
            "requestedBy": request.user_id,
            "sourceHash": request.source_hash,
        }
        await self._notifier.send([Emit(CODE_RUN_STARTED, started, room, COLLAB_NAMESPACE)])
        info = activity.info()
        metrics.CODE_RUN_QUEUE_SECONDS.observe(
            max((info.started_time - info.current_attempt_scheduled_time).total_seconds(), 0.0)
        )
        beating = asyncio.create_task(_heartbeat())
        clock = time.perf_counter()
        try:
            result = await self._runner.run(
                question, request.language, request.source, Mode(request.mode), told
            )
        finally:
            beating.cancel()
        metrics.CODE_RUN_SECONDS.labels(request.language).observe(time.perf_counter() - clock)
        metrics.CODE_RUNS.labels(request.language, request.mode, str(result.verdict)).inc()
        judged = {"runId": request.run_id, "requestedBy": request.user_id} | result.to_json()
        judged["runtime"] = self._runtimes.get(request.language, "")
        async with self._database.session() as session:
            await code_runs.record_run(
                session,
                run_id=request.run_id,
                room_id=request.room_id,
                requested_by=uuid.UUID(request.user_id),
                source_hash=request.source_hash,
                runtime=judged["runtime"],
                result=judged,
            )
        log.info(
            "judged a %s in %s: %s (%d/%d)",
            request.mode,
            request.language,
            result.verdict,
            result.passed,
            result.total,
            extra={"room_id": request.room_id, "run_id": request.run_id},
        )
        return judged

    async def _question(self, question_id: int) -> RunnableQuestion | None:
        """The question's runnable data as SQL holds it now (an admin may have changed it since
        the last run), parsed again only when its revision is new to this executor."""
        async with self._database.session() as session:
            revision = await runnable_questions.get_revision(session, question_id)
            known = self._parsed.pop(question_id, None)
            if revision is None:
                return None
            if known is not None and known[0] == revision:
                self._parsed[question_id] = known
                return known[1]
            stored = await runnable_questions.get_stored(session, question_id)
        if stored is None:
            return None
        question = runnable_questions.parsed(question_id, stored)
        self._parsed[question_id] = (stored.revision, question)
        while len(self._parsed) > PARSED_QUESTIONS:
            del self._parsed[next(iter(self._parsed))]
        return question


async def _heartbeat() -> None:
    while True:
        activity.heartbeat()
        await asyncio.sleep(HEARTBEAT_SECONDS)
