"""Socket.IO namespaces and event names: the wire contract, shared by the web tier and the
activities that emit to clients. Every event name is written once, here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.match_messages import Emit, Paired

MATCHING_NAMESPACE = "/matching"
COLLAB_NAMESPACE = "/collab"

# /matching, client → server
JOIN_QUEUE = "join-queue"
MATCH_CANCEL = "match:cancel"
# /matching, server → client
JOINED_QUEUE = "joined-queue"
LEFT_QUEUE = "left-queue"
MATCHED = "matched"
MATCH_TIMEOUT = "match:timeout"
MATCH_ERROR = "match:error"


def user_room(user_id: str) -> str:
    """The Socket.IO room holding every socket of one user (all tabs, all web processes)."""
    return f"user:{user_id}"


def matched_payload(paired: Paired, difficulty: str) -> dict[str, Any]:
    """The ``matched`` event for one partner of a pair."""
    return {
        "roomId": paired.room_id,
        "sessionId": paired.room_id,
        "matchedUserId": paired.partner.id,
        "partner": {"id": paired.partner.id, "username": paired.partner.username},
        "question": {
            "id": paired.question.id,
            "title": paired.question.title,
            "difficulty": paired.question.difficulty,
            "topics": paired.question.topics,
        },
        "difficulty": difficulty,
    }


# /collab, both directions
COLLAB_UPDATE = "collab:update"
COLLAB_AWARENESS = "collab:awareness"
# /collab, client → server
COLLAB_LANGUAGE_SET = "collab:language:set"
COLLAB_HISTORY_GET = "collab:history:get"
COLLAB_REVERT = "collab:revert"
COLLAB_CHAT_SEND = "collab:chat:send"
COLLAB_LEAVE = "collab:leave"
COLLAB_COMPLETE = "collab:complete"
# Run (the public examples) or Submit (every case) the room's code: {mode, language}.
CODE_RUN = "code:run"
# /collab, server → client
COLLAB_STATE = "collab:state"
COLLAB_LANGUAGE = "collab:language"
COLLAB_CONNECTED = "collab:connected"
COLLAB_HISTORY = "collab:history"
COLLAB_HISTORY_NEW = "collab:history:new"
COLLAB_CHAT = "collab:chat"
COLLAB_CHAT_HISTORY = "collab:chat:history"
COLLAB_ERROR = "collab:error"
COLLAB_ENDED = "collab:ended"
COLLAB_COMPLETED = "collab:completed"
COLLAB_LEFT = "collab:left"
# One edit removed several lines: who, how many, and the timestamp a revert takes back to.
COLLAB_REMOVED = "collab:removed"
# A run of the room's code, to both members: it began, each case as judged, the whole result
# (also to a member who joins later: the room's last run).
CODE_RUN_STARTED = "code:run:started"
CODE_RUN_CASE = "code:run:case"
CODE_RUN_FINISHED = "code:run:finished"

# Both namespaces, server → client: this web process is stopping; reconnect (to another one).
SERVER_SHUTDOWN = "server:shutdown"


def collab_room(room_id: str) -> str:
    """The Socket.IO room of one collaboration room's sockets."""
    return f"room:{room_id}"


# The events that end something get one log line each, with the ids they concern.
_OUTCOMES = {MATCHED: "matched", MATCH_TIMEOUT: "match timed out", COLLAB_ENDED: "session ended"}


def outcome_line(emit: Emit) -> tuple[str, dict[str, Any]] | None:
    """The log message and fields for an emit that ends something (whoever sends it)."""
    message = _OUTCOMES.get(emit.event)
    if message is None:
        return None
    fields: dict[str, Any] = {}
    if emit.room.startswith(user_room("")):
        fields["user_id"] = emit.room.removeprefix(user_room(""))
    room_id = emit.data.get("roomId") or (
        emit.room.removeprefix(collab_room("")) if emit.room.startswith(collab_room("")) else None
    )
    if room_id:
        fields["room_id"] = room_id
    for key, field in (("matchedUserId", "partner_id"), ("reason", "reason")):
        if key in emit.data:
            fields[field] = emit.data[key]
    return message, fields
