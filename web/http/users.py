"""Public shapes of a user, shared by ``/auth`` and ``/profile``."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from storage.models import User


class UserPublic(BaseModel):
    """The caller's own profile (never shown to other users: it carries the email)."""

    user_id: uuid.UUID
    email: str | None
    username: str
    first_name: str | None
    last_name: str | None
    role: str
    total_points: int
    questions_completed: int
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            user_id=user.id,
            email=user.email,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            role=user.role,
            total_points=user.total_points,
            questions_completed=user.questions_completed,
            created_at=user.created_at,
        )
