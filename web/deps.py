"""FastAPI dependencies: the session, the caller, the admin. Route handlers take these aliases."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User
from web.auth import AuthError, authenticate
from web.state import AppState

_bearer = HTTPBearer(auto_error=False, description="A PeerPrep or Supabase access token")


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.peerprep
    return state


State = Annotated[AppState, Depends(get_state)]


async def get_session(state: State) -> AsyncIterator[AsyncSession]:
    async with state.database.session() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(get_session)]


async def get_current_user(
    state: State,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("missing bearer token in the Authorization header")
    return await authenticate(session, state.tokens, credentials.credentials)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(403, "this action needs an administrator")
    return user


AdminUser = Annotated[User, Depends(get_admin)]


async def get_operator(
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """An operator: the configured operator token, or an administrator's own token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("this route needs the operator token or an administrator's token")
    expected = state.settings.operator_token
    if expected is not None and hmac.compare_digest(
        credentials.credentials.encode(), expected.get_secret_value().encode()
    ):
        return
    async with state.database.session() as session:
        user = await authenticate(session, state.tokens, credentials.credentials)
    if not user.is_admin:
        raise HTTPException(403, "this route needs the operator token or an administrator")


Operator = Depends(get_operator)
