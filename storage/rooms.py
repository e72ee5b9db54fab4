"""Rooms: the pair, the question and the lifecycle of each collaboration room."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatMessage, Room, RoomMember, utcnow


async def get_room(session: AsyncSession, room_id: str) -> Room | None:
    return await session.get(Room, room_id)


async def is_open(session: AsyncSession, room_id: str) -> bool:
    """The room exists and its session has not ended."""
    found = await session.execute(
        select(Room.id).where(Room.id == room_id, Room.ended_at.is_(None)).limit(1)
    )
    return found.first() is not None


async def create_room(
    session: AsyncSession,
    room_id: str,
    member_ids: Sequence[uuid.UUID],
    question_id: int | None,
    question: dict[str, Any],
    difficulty: str,
) -> Room:
    """Insert the room once; a repeated call (a retried activity) returns the stored one."""
    existing = await get_room(session, room_id)
    if existing is not None:
        return existing
    return await insert_room(session, room_id, member_ids, question_id, question, difficulty)


async def insert_room(
    session: AsyncSession,
    room_id: str,
    member_ids: Sequence[uuid.UUID],
    question_id: int | None,
    question: dict[str, Any],
    difficulty: str,
) -> Room:
    """:func:`create_room` for a caller that expects the room absent: no look before the
    insert; should another attempt have stored it already, that one is returned."""
    room = Room(
        id=room_id,
        question_id=question_id,
        question=question,
        difficulty=difficulty,
        member_rows=[
            RoomMember(user_id=user_id, position=position)
            for position, user_id in enumerate(member_ids)
        ],
    )
    session.add(room)
    try:
        await session.commit()
    except IntegrityError:
        # A concurrent attempt of the same activity won: theirs is the room.
        await session.rollback()
        stored = await get_room(session, room_id)
        if stored is None:
            raise
        return stored
    return room


async def is_member(session: AsyncSession, room_id: str, user_id: uuid.UUID) -> bool:
    query = select(RoomMember.user_id).where(
        RoomMember.room_id == room_id, RoomMember.user_id == user_id
    )
    return (await session.execute(query)).first() is not None


async def end_room(session: AsyncSession, room_id: str, when: datetime | None = None) -> None:
    room = await get_room(session, room_id)
    if room is not None and room.ended_at is None:
        room.ended_at = when or utcnow()
        await session.commit()


LANGUAGES = ("python", "javascript", "java", "cpp", "c")
# Every room starts in this one (its document is seeded with its starter code).
FIRST_LANGUAGE = LANGUAGES[0]


async def set_language(session: AsyncSession, room_id: str, language: str) -> None:
    room = await get_room(session, room_id)
    if room is not None:
        room.language = language
        await session.commit()


async def mark_member(
    session: AsyncSession,
    room_id: str,
    user_id: uuid.UUID,
    *,
    left: bool = False,
    completed: bool = False,
) -> None:
    """Record that a member left on purpose or marked the question completed (first time counts)."""
    member = await session.get(RoomMember, (room_id, user_id))
    if member is None:
        return
    now = utcnow()
    if left and member.left_at is None:
        member.left_at = now
    if completed and member.completed_at is None:
        member.completed_at = now
    await session.commit()


async def add_chat(
    session: AsyncSession, room_id: str, user_id: uuid.UUID, text: str
) -> ChatMessage:
    message = ChatMessage(room_id=room_id, user_id=user_id, text=text)
    session.add(message)
    await session.commit()
    await session.refresh(message)
    return message


async def chat_history(session: AsyncSession, room_id: str, limit: int = 500) -> list[ChatMessage]:
    """The room's last ``limit`` messages, oldest first."""
    query = (
        select(ChatMessage)
        .where(ChatMessage.room_id == room_id)
        .order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.execute(query)).scalars().all()))
