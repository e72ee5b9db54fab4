"""``/sessions/{roomId}``: a session's state, for its members (and admins) only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path

from storage import rooms
from web.deps import CurrentUser, DbSession, State

router = APIRouter(tags=["sessions"])

RoomId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/sessions/{room_id}")
async def get_session(
    room_id: RoomId, user: CurrentUser, session: DbSession, state: State
) -> dict[str, Any]:
    room = await rooms.get_room(session, room_id)
    if room is None or (user.id not in room.member_ids and not user.is_admin):
        # The same answer for a room that does not exist: no probing for rooms.
        raise HTTPException(404, "no such session, or you are not one of its members")
    live = await state.orchestrator.sessions.state(room_id)
    members = [
        {"userId": str(row.user_id), "leftAt": row.left_at, "completedAt": row.completed_at}
        for row in room.member_rows
    ]
    return {
        "roomId": room.id,
        "question": room.question,
        "language": room.language,
        "members": members,
        "connected": live.connected if live else [],
        "startedAt": room.created_at,
        "endedAt": room.ended_at,
        "active": room.ended_at is None,
        "endReason": live.end_reason if live else None,
    }
