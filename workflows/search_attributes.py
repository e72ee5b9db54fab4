"""Search attributes every PeerPrep workflow may set, so the Temporal UI finds runs by user,
room, difficulty, topic and outcome. Registered on the server before any worker starts."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

USER_IDS = SearchAttributeKey.for_keyword_list("PeerPrepUserIds")
ROOM_ID = SearchAttributeKey.for_keyword("PeerPrepRoomId")
DIFFICULTY = SearchAttributeKey.for_keyword("PeerPrepDifficulty")
TOPICS = SearchAttributeKey.for_keyword_list("PeerPrepTopics")
OUTCOME = SearchAttributeKey.for_keyword("PeerPrepOutcome")

ALL: tuple[SearchAttributeKey[Any], ...] = (
    USER_IDS,
    ROOM_ID,
    DIFFICULTY,
    TOPICS,
    OUTCOME,
)


def request_attributes(user_id: str, difficulty: str, topics: list[str]) -> TypedSearchAttributes:
    """The attributes a match request starts with (the workflow keeps them current)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(USER_IDS, [user_id]),
            SearchAttributePair(DIFFICULTY, difficulty),
            SearchAttributePair(TOPICS, [topic.lower() for topic in topics]),
            SearchAttributePair(OUTCOME, "waiting"),
        ]
    )


def session_attributes(
    room_id: str, user_ids: list[str], difficulty: str, topics: list[str]
) -> TypedSearchAttributes:
    """The attributes a collaboration session starts with (so it is findable from its start)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(ROOM_ID, room_id),
            SearchAttributePair(USER_IDS, user_ids),
            SearchAttributePair(DIFFICULTY, difficulty.lower()),
            SearchAttributePair(TOPICS, [topic.lower() for topic in topics]),
            SearchAttributePair(OUTCOME, "active"),
        ]
    )
