"""The probe's activity: one read from the application database."""

from __future__ import annotations

from temporalio import activity

from storage.database import Database
from storage.questions import count_questions
from workflows.probe import COUNT_QUESTIONS, CountQuestionsInput, CountQuestionsResult


class ProbeActivities:
    def __init__(self, database: Database) -> None:
        self._database = database

    @activity.defn(name=COUNT_QUESTIONS)
    async def count_questions(self, _request: CountQuestionsInput) -> CountQuestionsResult:
        async with self._database.session() as session:
            return CountQuestionsResult(questions=await count_questions(session))
