"""``/auth``: sign up, log in, and who am I. Tokens carry Supabase-style claims."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from storage import users
from web.auth import AuthError
from web.deps import CurrentUser, State
from web.http.body import RequestBody
from web.http.users import UserPublic
from web.rate_limits import Action

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


def _address(request: Request) -> str:
    # The peer address as the ASGI server reports it (behind a proxy, with its forwarded
    # headers trusted by the server's own settings).
    return request.client.host if request.client else "unknown"


@router.post("/signup", response_model=TokenResponse, status_code=201)
async def signup(state: State, request: Request, body: UserCreate) -> TokenResponse:
    state.limits.enforce(Action.SIGNUP, _address(request))
    # No database connection is held while the hash is computed.
    password_hash = await state.passwords.hash(body.password)
    async with state.database.session() as session:
        user = await users.create_user(
            session, email=str(body.email), username=body.username, password_hash=password_hash
        )
    token = state.tokens.issue(user)
    return TokenResponse(
        access_token=token.access_token, expires_in=token.expires_in, user=UserPublic.of(user)
    )


@router.post("/login", response_model=TokenResponse)
async def login(state: State, request: Request, body: LoginRequest) -> TokenResponse:
    state.limits.enforce(Action.LOGIN_ADDRESS, _address(request))
    state.limits.enforce(Action.LOGIN_ACCOUNT, body.email.strip().lower())
    async with state.database.session() as session:
        user = await users.get_by_email(session, body.email)
    # The connection went back to the pool above: a crowd of logins waits on the hash slots,
    # not on the database every other route needs.
    stored = user.password_hash if user is not None else None
    if not await state.passwords.verify(stored, body.password) or user is None or stored is None:
        raise AuthError("wrong email or password")
    if state.passwords.needs_rehash(stored):
        new_hash = await state.passwords.hash(body.password)
        async with state.database.session() as session:
            current = await users.get_user(session, user.id)
            if current is not None:
                await users.set_password(session, current, new_hash)
    token = state.tokens.issue(user)
    return TokenResponse(
        access_token=token.access_token, expires_in=token.expires_in, user=UserPublic.of(user)
    )


@router.get("/me", response_model=UserPublic)
async def me(user: CurrentUser) -> UserPublic:
    return UserPublic.of(user)
