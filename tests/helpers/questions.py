"""The question bank as ``/questions`` shows it: what was seeded, and how tests make, list and
check questions over REST."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from storage.question_bank import load_bank
from tests.helpers.accounts import Account

POINTS = {"Easy": 1, "Medium": 3, "Hard": 5}
SEEDED = dict(load_bank())
MAX_INT = 2**31 - 1
ITEM_FIELDS = {
    "id",
    "title",
    "description",
    "difficulty",
    "related_topics",
    "topics",
    "acceptance_rate",
    "points",
    "examples",
    "constraints",
}


def unique(prefix: str = "Question") -> str:
    """A title or topic no other test uses: the database is shared by the whole session."""
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def question_body(**overrides: Any) -> dict[str, Any]:
    """A valid create body with a unique title; keyword arguments replace or add fields."""
    body: dict[str, Any] = {
        "title": unique(),
        "description": "Return the answer.",
        "difficulty": "Medium",
        "topics": ["Arrays"],
        "examples": [{"input": "1", "output": "1", "explanation": "itself"}],
        "constraints": ["1 <= n <= 10"],
        "acceptance_rate": 50.0,
    }
    body.update(overrides)
    return body


async def create(http: httpx.AsyncClient, admin: Account, **overrides: Any) -> dict[str, Any]:
    """Create a question as ``admin`` through ``POST /questions``; the created question."""
    response = await http.post("/questions", json=question_body(**overrides), headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def listing(http: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    """One page of ``GET /questions`` with these query parameters."""
    response = await http.get("/questions", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def every_item(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """All matching questions, walking the pages of 100."""
    items: list[dict[str, Any]] = []
    number = 1
    while True:
        page = await listing(http, page=number, pageSize=100, **params)
        items.extend(page["items"])
        if not page["items"] or len(items) >= page["total"]:
            assert len(items) == page["total"]
            return items
        number += 1


def assert_error(response: httpx.Response, status: int, starts_with: str = "") -> str:
    """Check an error answer: this status and a JSON body whose non-empty ``message`` starts
    with ``starts_with``; the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["message"]
    assert isinstance(message, str)
    assert message
    assert message.startswith(starts_with), message
    return message
