"""``/ranking``: the leaderboard, with the caller's own place."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from storage import ranking as store
from web.deps import CurrentUser, DbSession
from web.http.pagination import PageQuery

router = APIRouter(tags=["ranking"])


class RankingEntry(BaseModel):
    rank: int
    user_id: uuid.UUID
    username: str
    total_points: int
    questions_completed: int


class RankingPage(BaseModel):
    items: list[RankingEntry]
    total: int
    page: int
    pageSize: int
    me: RankingEntry | None


@router.get("/ranking", response_model=RankingPage)
async def ranking(user: CurrentUser, session: DbSession, page: PageQuery) -> RankingPage:
    rows, total = await store.ranking_page(session, page)
    mine = await store.rank_of(session, user.id)
    return RankingPage(
        items=[RankingEntry.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        page=page.number,
        pageSize=page.size,
        me=RankingEntry.model_validate(mine, from_attributes=True) if mine else None,
    )
