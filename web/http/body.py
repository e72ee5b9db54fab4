"""The base of every request body: text that every database stores and reads back, or a 422;
and the routes whose bodies may be larger than the default limit."""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, model_validator
from starlette.types import Scope

from execution.runnable import MAX_RUNNABLE_BYTES

# Deeper than any body of ours; a deep body costs every reader's recursion.
MAX_DEPTH = 16
# A question with its runnable data: the data's own bound (of compact JSON) again, for the rest
# of the question and a body sent with some spacing.
QUESTION_BODY_BYTES = 2 * MAX_RUNNABLE_BYTES
_QUESTION = re.compile(r"/questions/[^/]+/?")


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate ("\ud800" in JSON): no database stores it, no response can carry it.
        return "must be valid Unicode text"
    return None


def _problem_at(value: Any, path: str = "", depth: int = 0) -> tuple[str, str] | None:
    """The dotted path and the problem of the first text that cannot be stored, or ``None``."""
    if depth > MAX_DEPTH:
        return path, f"must not nest deeper than {MAX_DEPTH} levels"
    if isinstance(value, str):
        problem = _unstorable(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            problem = _unstorable(str(key))
            if problem:
                return where.encode("utf-8", "replace").decode(), problem
            found = _problem_at(item, where, depth + 1)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _problem_at(item, f"{path}.{index}" if path else str(index), depth + 1)
            if found is not None:
                return found
    return None


class RequestBody(BaseModel):
    """Refuses text that cannot be stored (NUL characters, lone surrogates) anywhere in the
    body, and bodies nested deeper than :data:`MAX_DEPTH`."""

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        found = _problem_at(data)
        if found is not None:
            where, problem = found
            raise ValueError(f"{where or 'body'}: {problem}")
        return data


def route_limit(scope: Scope) -> int | None:
    """The body limit of the routes that write a question (:data:`QUESTION_BODY_BYTES`), for
    requests with a bearer token (any other is refused anyway, unread); None for the rest."""
    headers = dict(scope.get("headers", []))
    if not headers.get(b"authorization", b"").lower().startswith(b"bearer "):
        return None
    method, path = scope.get("method"), scope.get("path", "")
    if (method == "POST" and path.rstrip("/") == "/questions") or (
        method in {"PUT", "PATCH"} and _QUESTION.fullmatch(path)
    ):
        return QUESTION_BODY_BYTES
    return None


def refuse_nul(name: str, value: str | None) -> None:
    """The same rule for a query parameter."""
    problem = _unstorable(value) if value is not None else None
    if problem:
        raise HTTPException(422, f"{name}: {problem}")
