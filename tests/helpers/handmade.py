"""What an operator could send the matchmaker by hand, bypassing the web tier."""

from __future__ import annotations

import uuid
from typing import Any

from temporalio.client import WorkflowHandle

from workflows.match_messages import Criteria, Enqueue, EnqueueBatch


async def enqueue_by_hand(matchmaker: WorkflowHandle[Any, Any], difficulty: str, topic: str) -> str:
    """Signal a join for a new user nobody signed up (no profile, no running request); its id."""
    user = str(uuid.uuid4())
    await matchmaker.signal(
        "enqueue",
        EnqueueBatch(
            [
                Enqueue(
                    user_id=user,
                    username="by-hand",
                    criteria=Criteria(difficulty, [topic]),
                    join_id=uuid.uuid4().hex,
                )
            ]
        ),
    )
    return user
