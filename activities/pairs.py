"""Making a matched pair real: its question, its room row, and the news to both students."""

from __future__ import annotations

import os
import uuid
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.notify import Notifier
from storage import rooms
from storage.database import Database
from storage.models import Difficulty, Question
from storage.selection import pick_for_pair
from workflows.events import MATCHED, MATCHING_NAMESPACE, matched_payload, user_room
from workflows.match_messages import (
    CREATE_PAIR,
    CreatePairInput,
    CreatePairResult,
    Emit,
    Paired,
    Partner,
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


# The worker dies (as under SIGKILL) right after a room row is committed: the crash test uses it to
# show that a retried pair still ends in exactly one room.
FAILPOINT_AFTER_ROOM = "create_pair.after_room"
FAILPOINT_EXIT_CODE = 70


class PairActivities:
    def __init__(
        self, database: Database, notifier: Notifier, failpoints: frozenset[str] = frozenset()
    ) -> None:
        self._database = database
        self._notifier = notifier
        self._crash_after_room = FAILPOINT_AFTER_ROOM in failpoints

    @activity.defn(name=CREATE_PAIR)
    async def create_pair(self, request: CreatePairInput) -> CreatePairResult:
        """Idempotent by room id: a retry finds the room (and its question) already made."""
        member_ids = [uuid.UUID(member.user_id) for member in request.members]
        async with self._database.session() as session:
            room = await rooms.get_room(session, request.room_id)
            if room is None:
                question = await pick_for_pair(
                    session, member_ids, Difficulty.parse(request.difficulty).value, request.topics
                )
                if question is None:
                    raise ApplicationError("the question bank is empty", non_retryable=True)
                room = await rooms.create_room(
                    session,
                    request.room_id,
                    member_ids,
                    question.id,
                    question_snapshot(question),
                    question.difficulty,
                )
                if self._crash_after_room:
                    os._exit(FAILPOINT_EXIT_CODE)
        stored = room.question
        summary = QuestionSummary(
            id=stored["id"],
            title=stored["title"],
            difficulty=stored["difficulty"],
            topics=list(stored["topics"]),
        )
        await self._notifier.send(self._matched(request, summary))
        return CreatePairResult(room_id=request.room_id, question=summary)

    @staticmethod
    def _matched(request: CreatePairInput, question: QuestionSummary) -> list[Emit]:
        return [
            Emit(
                MATCHED,
                matched_payload(
                    Paired(request.room_id, Partner(partner.user_id, partner.username), question),
                    request.difficulty,
                ),
                user_room(me.user_id),
                MATCHING_NAMESPACE,
            )
            for me, partner in zip(request.members, reversed(request.members), strict=True)
        ]
