"""A workflow that proves the whole chain works: server, worker, an activity, the database.

Operators (and the tests) run it to check a deployment end to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow


@dataclass(frozen=True, slots=True)
class ProbeInput:
    note: str = ""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    note: str
    questions: int


@dataclass(frozen=True, slots=True)
class CountQuestionsInput:
    pass


@dataclass(frozen=True, slots=True)
class CountQuestionsResult:
    questions: int


COUNT_QUESTIONS = "count_questions"


@workflow.defn(name="Probe")
class ProbeWorkflow:
    @workflow.run
    async def run(self, probe: ProbeInput) -> ProbeResult:
        counted = await workflow.execute_activity(
            COUNT_QUESTIONS,
            CountQuestionsInput(),
            result_type=CountQuestionsResult,
            start_to_close_timeout=timedelta(seconds=10),
        )
        return ProbeResult(note=probe.note, questions=counted.questions)
