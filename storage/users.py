"""Queries on users and their profiles. Every function takes the caller's session."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict
from storage.models import Role, User

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,32}$"
MAX_EMAIL_LENGTH = 320
_USERNAME_CHARS = re.compile(r"[^a-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """Fields a user may change on their own profile; ``None`` leaves a field as it is."""

    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == normalise_email(email)))
    return result.scalar_one_or_none()


async def username_taken(session: AsyncSession, username: str) -> bool:
    query = (
        select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())
    )
    return bool((await session.execute(query)).scalar_one())


async def _check_unique(session: AsyncSession, email: str | None, username: str) -> None:
    if email is not None and await get_by_email(session, email) is not None:
        raise Conflict("email", "an account with this email already exists")
    if await username_taken(session, username):
        raise Conflict("username", "this username is taken")


async def create_user(
    session: AsyncSession,
    *,
    email: str | None,
    username: str,
    password_hash: str | None,
    role: Role = Role.USER,
    user_id: uuid.UUID | None = None,
) -> User:
    """Insert a user; :class:`Conflict` when the email or username is taken."""
    email = normalise_email(email) if email else None
    await _check_unique(session, email, username)
    user = User(
        id=user_id or uuid.uuid4(),
        email=email,
        username=username,
        password_hash=password_hash,
        role=role.value,
        total_points=0,
        questions_completed=0,
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        # Lost a race with a concurrent signup: report it like the check above would have.
        await session.rollback()
        await _check_unique(session, email, username)
        raise
    return user


def _username_base(email: str | None) -> str:
    local = (email or "").split("@", 1)[0].lower()
    base = _USERNAME_CHARS.sub("", local)[:24]
    return base if len(base) >= 3 else "student"


async def ensure_external_user(
    session: AsyncSession, user_id: uuid.UUID, email: str | None
) -> User:
    """The user behind a valid token, creating the profile on first sight.

    An external issuer (Supabase) is trusted for identity, never for merging: when the token's
    email already belongs to another account, the new profile is created without an email.
    """
    existing = await get_user(session, user_id)
    if existing is not None:
        return existing
    email = normalise_email(email) if email else None
    if email is not None and len(email) > MAX_EMAIL_LENGTH:
        # Longer than the column holds: the profile is kept, the unstorable email is not.
        email = None
    for attempt in range(8):
        # Checked on every try: a concurrent first request with another sub may just have
        # claimed the same email, which would otherwise fail every insert below.
        if email is not None and await get_by_email(session, email) is not None:
            email = None
        base = _username_base(email)
        username = base if attempt == 0 else f"{base}-{secrets.token_hex(3)}"
        if await username_taken(session, username):
            continue
        session.add(
            User(
                id=user_id,
                email=email,
                username=username,
                password_hash=None,
                role=Role.USER.value,
                total_points=0,
                questions_completed=0,
            )
        )
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            # A concurrent request for the same token may have created it.
            existing = await get_user(session, user_id)
            if existing is not None:
                return existing
            continue
        user = await get_user(session, user_id)
        assert user is not None
        return user
    raise Conflict("username", "could not find a free username for this account")


async def update_profile(session: AsyncSession, user: User, changes: ProfileChanges) -> User:
    """Apply the given profile changes; :class:`Conflict` on a taken username."""
    if changes.username is not None and changes.username.lower() != user.username.lower():
        if await username_taken(session, changes.username):
            raise Conflict("username", "this username is taken")
        user.username = changes.username
    elif changes.username is not None:
        user.username = changes.username
    if changes.first_name is not None:
        user.first_name = changes.first_name
    if changes.last_name is not None:
        user.last_name = changes.last_name
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict("username", "this username is taken") from None
    return user


async def set_role(session: AsyncSession, user: User, role: Role) -> User:
    user.role = role.value
    await session.commit()
    return user


async def set_password(session: AsyncSession, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    await session.commit()
