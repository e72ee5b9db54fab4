"""The leaderboard: points and completed questions, ranked with ties sharing a place."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User
from storage.questions import Page


@dataclass(frozen=True, slots=True)
class RankingRow:
    rank: int
    user_id: uuid.UUID
    username: str
    total_points: int
    questions_completed: int


def _ranked() -> Subquery:
    rank = func.rank().over(order_by=(User.total_points.desc(), User.questions_completed.desc()))
    return select(
        User.id.label("user_id"),
        User.username,
        User.total_points,
        User.questions_completed,
        rank.label("rank"),
    ).subquery()


def _row(row: Row[Any]) -> RankingRow:
    return RankingRow(**row._mapping)


async def ranking_page(session: AsyncSession, page: Page) -> tuple[list[RankingRow], int]:
    ranked = _ranked()
    total = (await session.execute(select(func.count()).select_from(User))).scalar_one()
    query = (
        select(ranked)
        .order_by(ranked.c.rank, ranked.c.username)
        .offset(page.offset)
        .limit(page.size)
    )
    return [_row(row) for row in await session.execute(query)], total


async def rank_of(session: AsyncSession, user_id: uuid.UUID) -> RankingRow | None:
    ranked = _ranked()
    row = (await session.execute(select(ranked).where(ranked.c.user_id == user_id))).first()
    return _row(row) if row is not None else None
