"""The question bank PeerPrep ships with: questions written for this project, each with its
runnable data (``runnable/q<id>.json``, see docs/runnable-questions.md)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from execution import runnable
from execution.signature import SignatureError
from storage.models import Difficulty, Question
from storage.questions import QuestionData, create_question, sync_id_sequence


def load_bank() -> list[tuple[int, QuestionData]]:
    """The bank's questions with their stable ids."""
    raw = json.loads(resources.files(__package__).joinpath("questions.json").read_text("utf-8"))
    return [
        (
            int(item["id"]),
            QuestionData(
                title=item["title"],
                description=item["description"],
                difficulty=Difficulty(item["difficulty"]),
                topics=list(item["topics"]),
                examples=list(item["examples"]),
                constraints=list(item["constraints"]),
                acceptance_rate=float(item["acceptance_rate"]),
            ),
        )
        for item in raw
    ]


def load_runnable(
    question_ids: list[int], folder: Path | None = None
) -> dict[int, runnable.RunnableQuestion]:
    """The runnable data of these questions of the bank, every file checked; a file that does
    not hold, or a question without one, is a :class:`SignatureError` naming the file."""
    found = runnable.load_bank(folder)
    for question_id in question_ids:
        if question_id not in found:
            raise SignatureError(f"q{question_id:03d}.json: missing (every question is runnable)")
    return found


async def seed(
    session: AsyncSession, *, only_if_empty: bool = False, runnable_folder: Path | None = None
) -> int:
    """Add the bank's questions that are missing (matched by id or title), each with its
    runnable data; return how many.

    Every runnable file (of ``runnable_folder``, the bank's by default) is checked before
    anything is added. With ``only_if_empty`` nothing happens once the table holds any
    question, so an admin's deletions are not undone by the next start. The runnable data of
    questions already there is left alone, so an admin's edits stay (a database seeded before
    questions were runnable got the bank's in migration 0009).
    """
    existing = (await session.execute(select(Question.id, Question.title))).all()
    if only_if_empty and existing:
        return 0
    ids = {row.id for row in existing}
    titles = {row.title.lower() for row in existing}
    missing = [
        (question_id, data)
        for question_id, data in load_bank()
        if question_id not in ids and data.title.lower() not in titles
    ]
    if not missing:
        return 0
    cases = load_runnable([question_id for question_id, _ in missing], runnable_folder)
    for question_id, data in missing:
        content = cases[question_id].content()
        await create_question(session, data, question_id=question_id, runnable=content)
    await sync_id_sequence(session)
    return len(missing)
