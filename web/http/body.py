"""The base of every request body: text that PostgreSQL can store, or a 422."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, model_validator


def _nul_at(value: Any, path: str = "") -> str | None:
    """The dotted path of the first text holding a NUL character, or ``None``."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = _nul_at(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_at(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


class RequestBody(BaseModel):
    """Refuses NUL characters anywhere in the body: PostgreSQL text cannot hold them."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = _nul_at(data)
        if where is not None:
            raise ValueError(f"{where or 'body'}: must not contain NUL characters")
        return data


def refuse_nul(name: str, value: str | None) -> None:
    """The same rule for a query parameter."""
    if value is not None and "\x00" in value:
        raise HTTPException(422, f"{name}: must not contain NUL characters")
