"""A workflow that reads the wall clock's date: a non-deterministic call the SDK's sandbox
refuses. Its own module, so the sandbox can import it without the test's imports."""

from __future__ import annotations

import datetime

from temporalio import workflow


@workflow.defn(name="CarelessDate")
class CarelessDateWorkflow:
    @workflow.run
    async def run(self) -> str:
        return datetime.date.today().isoformat()
