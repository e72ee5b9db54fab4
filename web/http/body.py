"""The base of every request body: text that PostgreSQL can store, or a 422."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, model_validator


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class RequestBody(BaseModel):
    """Refuses NUL characters anywhere in the body: PostgreSQL text cannot hold them."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _contains_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


def refuse_nul(name: str, value: str | None) -> None:
    """The same rule for a query parameter."""
    if value is not None and "\x00" in value:
        raise HTTPException(422, f"{name}: must not contain NUL characters")
