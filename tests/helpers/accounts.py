"""Students and admins made the way users are made, and tokens signed as an outside issuer would."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass

import httpx
import jwt

from storage import users
from storage.database import Database
from storage.models import Role
from tests.helpers.config import TEST_SECRET


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    email: str
    username: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Accounts:
    """Creates real accounts through ``/auth/signup``; admins are promoted in the database."""

    def __init__(self, http: httpx.AsyncClient, database: Database) -> None:
        self._http = http
        self._database = database

    async def signup(self, *, admin: bool = False, username: str | None = None) -> Account:
        tag = secrets.token_hex(4)
        email = f"student-{tag}@example.com"
        password = f"pw-{tag}-long-enough"
        name = username or f"student_{tag}"
        response = await self._http.post(
            "/auth/signup", json={"email": email, "password": password, "username": name}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        account = Account(
            id=uuid.UUID(body["user"]["user_id"]),
            email=email,
            username=name,
            password=password,
            token=body["access_token"],
        )
        if admin:
            async with self._database.session() as session:
                user = await users.get_user(session, account.id)
                assert user is not None
                await users.set_role(session, user, Role.ADMIN)
        return account


def mint_token(
    sub: str | uuid.UUID,
    *,
    secret: str = TEST_SECRET,
    algorithm: str = "HS256",
    lifetime: int = 3600,
    **claims: object,
) -> str:
    """A token as an external (Supabase-style) issuer would sign it; claims override defaults."""
    now = int(time.time())
    payload: dict[str, object] = {
        "sub": str(sub),
        "email": f"{sub}@supabase.example",
        "role": "authenticated",
        "aud": "authenticated",
        "iss": "https://project.supabase.example/auth/v1",
        "iat": now,
        "exp": now + lifetime,
    }
    payload.update(claims)
    return jwt.encode(
        {k: v for k, v in payload.items() if v is not None}, secret, algorithm=algorithm
    )
