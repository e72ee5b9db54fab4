"""The question bank PeerPrep ships with: questions written for this project."""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def seed(session: AsyncSession, *, only_if_empty: bool = False) -> int:
    """Add the bank's questions that are missing (matched by id or title); return how many.

    With ``only_if_empty`` nothing happens once the table holds any question, so an admin's
    deletions are not undone by the next start.
    """
    existing = (await session.execute(select(Question.id, Question.title))).all()
    if only_if_empty and existing:
        return 0
    ids = {row.id for row in existing}
    titles = {row.title.lower() for row in existing}
    added = 0
    for question_id, data in load_bank():
        if question_id in ids or data.title.lower() in titles:
            continue
        await create_question(session, data, question_id=question_id)
        added += 1
    if added:
        await sync_id_sequence(session)
    return added
