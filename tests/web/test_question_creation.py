"""An admin creating questions with ``POST /questions``, on both databases: the created question
is listed and fetchable, optional fields get defaults, ``related_topics`` is an alias for
``topics``, and a title already taken (in any case or spacing, seeded or not) is 409."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers.accounts import Account
from tests.helpers.questions import (
    ITEM_FIELDS,
    SEEDED,
    assert_error,
    create,
    every_item,
    listing,
    question_body,
    unique,
)


async def test_admin_create_returns_201_and_the_question_is_listed_and_fetchable(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = question_body(
        difficulty="hard", topics=["Graphs", "  Brand   New  "], acceptance_rate=12.5
    )
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    made = response.json()
    assert set(made) == ITEM_FIELDS
    assert isinstance(made["id"], int)
    assert made["id"] not in SEEDED
    assert made["title"] == body["title"]
    assert made["difficulty"] == "Hard"
    assert made["points"] == 5
    assert made["topics"] == made["related_topics"] == ["Graphs", "Brand New"]
    assert made["examples"] == body["examples"]
    assert made["constraints"] == body["constraints"]
    assert made["acceptance_rate"] == 12.5

    fetched = await http.get(f"/questions/{made['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == made
    found = await listing(http, q=body["title"])
    assert found["items"] == [made]
    assert made["id"] in [item["id"] for item in await every_item(http, topic="brand new")]


async def test_create_applies_defaults_for_optional_fields(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = {
        "title": unique(),
        "description": "d",
        "difficulty": "EASY",
        "topics": ["Math"],
    }
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["examples"] == []
    assert made["constraints"] == []
    assert made["acceptance_rate"] == 0.0
    assert made["difficulty"] == "Easy"
    assert made["points"] == 1


async def test_related_topics_is_accepted_as_an_alias_for_topics(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = question_body()
    body["related_topics"] = [*body.pop("topics"), "Heap"]
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["topics"] == ["Arrays", "Heap"]

    replaced = question_body(title=made["title"])
    replaced["related_topics"] = replaced.pop("topics")
    replaced["related_topics"] = ["Trees"]
    response = await http.put(f"/questions/{made['id']}", json=replaced, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["related_topics"] == ["Trees"]


async def test_duplicate_title_is_409(http: httpx.AsyncClient, admin: Account) -> None:
    made = await create(http, admin)
    response = await http.post(
        "/questions", json=question_body(title=made["title"]), headers=admin.headers
    )
    assert_error(response, 409)
    assert response.json()["field"] == "title"


@pytest.mark.parametrize("variant", [str.upper, str.lower, lambda title: f"  {title}  "])
async def test_duplicate_title_differing_in_case_or_surrounding_space_is_409(
    http: httpx.AsyncClient, admin: Account, variant: Any
) -> None:
    made = await create(http, admin, title=unique("Case Matters Not"))
    response = await http.post(
        "/questions", json=question_body(title=variant(made["title"])), headers=admin.headers
    )
    assert_error(response, 409)


async def test_duplicate_of_a_seeded_title_is_409(http: httpx.AsyncClient, admin: Account) -> None:
    response = await http.post(
        "/questions", json=question_body(title=SEEDED[1].title.upper()), headers=admin.headers
    )
    assert_error(response, 409)


async def test_duplicate_non_ascii_title_in_another_case_is_409(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin, title=unique("Ärger Über Öl"))
    response = await http.post(
        "/questions", json=question_body(title=made["title"].lower()), headers=admin.headers
    )
    assert_error(response, 409)
