"""``/auth``: sign up, log in, and who am I. Tokens carry Supabase-style claims."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from storage import users
from web.auth import AuthError
from web.deps import CurrentUser, DbSession, State
from web.http.body import RequestBody
from web.http.users import UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])

Password = Annotated[str, Field(min_length=8, max_length=256)]


class UserCreate(RequestBody):
    model_config = ConfigDict(extra="ignore")

    email: EmailStr = Field(max_length=320)
    password: Password
    username: str = Field(pattern=users.USERNAME_PATTERN)


class LoginRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: UserPublic


@router.post("/signup", response_model=TokenResponse, status_code=201)
async def signup(state: State, session: DbSession, body: UserCreate) -> TokenResponse:
    password_hash = await state.passwords.hash(body.password)
    user = await users.create_user(
        session, email=str(body.email), username=body.username, password_hash=password_hash
    )
    token = state.tokens.issue(user)
    return TokenResponse(
        access_token=token.access_token, expires_in=token.expires_in, user=UserPublic.of(user)
    )


@router.post("/login", response_model=TokenResponse)
async def login(state: State, session: DbSession, body: LoginRequest) -> TokenResponse:
    user = await users.get_by_email(session, body.email)
    stored = user.password_hash if user is not None else None
    if not await state.passwords.verify(stored, body.password) or user is None or stored is None:
        raise AuthError("wrong email or password")
    if state.passwords.needs_rehash(stored):
        await users.set_password(session, user, await state.passwords.hash(body.password))
    token = state.tokens.issue(user)
    return TokenResponse(
        access_token=token.access_token, expires_in=token.expires_in, user=UserPublic.of(user)
    )


@router.get("/me", response_model=UserPublic)
async def me(user: CurrentUser) -> UserPublic:
    return UserPublic.of(user)
