"""Storage-level failures the web tier turns into 4xx answers."""

from __future__ import annotations


class Conflict(Exception):
    """A unique value is already taken (``field`` names which)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
