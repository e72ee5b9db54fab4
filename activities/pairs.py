"""Making matched pairs real: each pair's question and room row."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from storage import rooms
from storage.database import Database
from storage.models import Difficulty, Question
from storage.selection import pick_for_pair
from workflows.match_messages import (
    CREATE_PAIRS,
    CreatePairInput,
    CreatePairsInput,
    CreatePairsResult,
    QuestionSummary,
)


def question_snapshot(question: Question) -> dict[str, Any]:
    """What the room keeps of its question, whatever later happens to the bank."""
    return {
        "id": question.id,
        "title": question.title,
        "description": question.description,
        "difficulty": question.difficulty,
        "topics": question.topics,
        "examples": question.examples,
        "constraints": question.constraints,
    }


class PairActivities:
    def __init__(self, database: Database) -> None:
        self._database = database

    @activity.defn(name=CREATE_PAIRS)
    async def create_pairs(self, request: CreatePairsInput) -> CreatePairsResult:
        """The rooms of one matchmaker round; idempotent by room id, so a retry finds the rooms
        (and their questions) already made. Nobody is told here: the matchmaker announces the
        pairs once they are in its history, so a workflow task that fails after this activity
        (and pairs differently on its retry) has announced nothing."""
        questions: list[QuestionSummary | None] = []
        problems: list[str | None] = []
        async with self._database.session() as session:
            for pair in request.pairs:
                try:
                    question = await self._room_for(session, pair)
                except IntegrityError as error:
                    # A member with no profile (an enqueue signalled by hand, say) fails this
                    # pair on every retry: it must not hold up the round, or the matchmaker.
                    await session.rollback()
                    questions.append(None)
                    problems.append(f"the room could not be stored: {error.orig}")
                    continue
                questions.append(question)
                problems.append(None if question is not None else "the question bank is empty")
        return CreatePairsResult(questions, problems)

    @staticmethod
    async def _room_for(session: AsyncSession, request: CreatePairInput) -> QuestionSummary | None:
        """The pair's room, made once; None when the question bank is empty.

        No look for the room first: a first attempt (nearly every one) would pay a query for
        nothing. A retry's insert finds the room made by an earlier attempt and returns it,
        question and all."""
        member_ids = [uuid.UUID(member.user_id) for member in request.members]
        question = await pick_for_pair(
            session, member_ids, Difficulty.parse(request.difficulty).value, request.topics
        )
        if question is None:
            room = await rooms.get_room(session, request.room_id)
            if room is None:
                return None
        else:
            room = await rooms.insert_room(
                session,
                request.room_id,
                member_ids,
                question.id,
                question_snapshot(question),
                question.difficulty,
            )
        stored = room.question
        return QuestionSummary(
            id=stored["id"],
            title=stored["title"],
            difficulty=stored["difficulty"],
            topics=list(stored["topics"]),
        )
