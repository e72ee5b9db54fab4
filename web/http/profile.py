"""``/profile``: the caller's own profile, and other users' public usernames."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from storage import users
from web.deps import CurrentUser, DbSession
from web.http.body import RequestBody
from web.http.users import UserPublic

router = APIRouter(prefix="/profile", tags=["profile"])

Name = Annotated[str, Field(max_length=100)]


class ProfileEnvelope(BaseModel):
    profile: UserPublic


class ProfileUpdate(RequestBody):
    """Fields a user may change; anything else in the body (role, points…) is ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    username: str | None = Field(default=None, pattern=users.USERNAME_PATTERN)
    first_name: Name | None = None
    last_name: Name | None = None


class UsernameResponse(BaseModel):
    username: str


@router.get("/me", response_model=ProfileEnvelope)
async def get_profile(user: CurrentUser) -> ProfileEnvelope:
    return ProfileEnvelope(profile=UserPublic.of(user))


@router.patch("/me", response_model=UserPublic)
async def update_profile(user: CurrentUser, session: DbSession, body: ProfileUpdate) -> UserPublic:
    changes = users.ProfileChanges(
        username=body.username, first_name=body.first_name, last_name=body.last_name
    )
    return UserPublic.of(await users.update_profile(session, user, changes))


@router.get("/username", response_model=UsernameResponse)
async def get_username(
    _caller: CurrentUser,
    session: DbSession,
    user_id: Annotated[uuid.UUID, Query(alias="userId")],
) -> UsernameResponse:
    user = await users.get_user(session, user_id)
    if user is None:
        raise HTTPException(404, "no user with this id")
    return UsernameResponse(username=user.username)
