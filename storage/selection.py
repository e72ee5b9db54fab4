"""Choosing the question for a matched pair."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import Attempt, Question, QuestionTopic
from storage.questions import topic_key


async def pick_for_pair(
    session: AsyncSession,
    user_ids: Sequence[uuid.UUID],
    difficulty: str,
    topics: Sequence[str],
    rng: random.Random | None = None,
) -> Question | None:
    """A question of ``difficulty`` on one of ``topics`` that neither user has attempted.

    Falls back step by step: attempted questions on those topics, then any topic at that
    difficulty, then any question at all; ``None`` only for an empty bank.
    """
    chooser = rng or random.Random()
    keys = sorted({topic_key(topic) for topic in topics})
    on_topic = Question.id.in_(
        select(QuestionTopic.question_id).where(QuestionTopic.topic_key.in_(keys))
    )
    attempted = Question.id.in_(
        select(Attempt.question_id).where(
            Attempt.user_id.in_(list(user_ids)), Attempt.question_id.is_not(None)
        )
    )
    level = Question.difficulty == difficulty
    tiers: list[list[ColumnElement[bool]]] = [
        [level, on_topic, ~attempted],
        [level, on_topic],
        [level, ~attempted],
        [level],
        [],
    ]
    for conditions in tiers:
        ids = list((await session.execute(select(Question.id).where(*conditions))).scalars())
        if ids:
            # Its topics in the same query (the relationship's default is a second one).
            return await session.get(
                Question, chooser.choice(sorted(ids)), options=[joinedload(Question.topic_rows)]
            )
    return None
