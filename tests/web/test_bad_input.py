"""Garbage in any write route is a 4xx with a JSON message, never a 500, and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers.accounts import Accounts

NUL = "a\x00b"
GARBAGE: list[Any] = [
    None,
    [],
    "text",
    12,
    {"unexpected": {"deeply": [[[{"nested": True}]]]}},
    {"email": NUL, "password": NUL, "username": NUL},
    {"question_id": 1, "status": "completed", "language": NUL, "code": NUL},
    {"question_id": 2**70, "status": "completed"},
    {"question_id": 1, "status": "completed", "started_at": "yesterday-ish"},
    {"first_name": NUL, "last_name": NUL},
    {"username": ["not", "a", "string"]},
]
PROFILE_FIELDS = {"username", "first_name", "last_name"}
ROUTES = [
    ("POST", "/auth/signup"),
    ("POST", "/auth/login"),
    ("POST", "/attempts"),
    ("PATCH", "/profile/me"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_write_routes_answer_garbage_with_a_json_4xx(
    http: httpx.AsyncClient, accounts: Accounts, method: str, path: str
) -> None:
    account = await accounts.signup()
    before = (await http.get("/profile/me", headers=account.headers)).json()
    for body in GARBAGE:
        response = await http.request(method, path, json=body, headers=account.headers)
        if path == "/profile/me" and isinstance(body, dict) and not PROFILE_FIELDS & set(body):
            # Fields a partial update does not know are ignored (a no-op, checked below),
            # unless they hold NUL, which no body may.
            assert response.status_code in (200, 422)
            continue
        assert 400 <= response.status_code < 500, (body, response.status_code, response.text)
        assert response.json()["message"], body
    raw = await http.request(
        method,
        path,
        content=b"{not json",
        headers={**account.headers, "Content-Type": "application/json"},
    )
    assert raw.status_code == 422
    assert raw.json()["message"] == "request body is not valid JSON"
    after = (await http.get("/profile/me", headers=account.headers)).json()
    assert after == before
    history = (await http.get("/attempts", headers=account.headers)).json()
    assert history["total"] == 0
