"""An admin changing an existing question, on both databases: ``PUT`` replaces the whole
question, ``PATCH`` changes only the fields given, ``DELETE`` removes it (and frees its title);
clashing titles are 409, null fields 422, and a missing or malformed id 404 or 422."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers.accounts import Account
from tests.helpers.questions import (
    MAX_INT,
    assert_error,
    create,
    every_item,
    listing,
    question_body,
    unique,
)

# --- replace --------------------------------------------------------------------------------------


async def test_put_replaces_the_whole_question(http: httpx.AsyncClient, admin: Account) -> None:
    made = await create(http, admin, topics=["Arrays", "Heap"], difficulty="Easy")
    new = {
        "title": unique("Replaced"),
        "description": "A new description.",
        "difficulty": "hard",
        "topics": ["Heap", "Graphs"],
        "acceptance_rate": 99.5,
    }
    response = await http.put(f"/questions/{made['id']}", json=new, headers=admin.headers)
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced == {
        "id": made["id"],
        "title": new["title"],
        "description": new["description"],
        "difficulty": "Hard",
        "topics": ["Heap", "Graphs"],
        "related_topics": ["Heap", "Graphs"],
        # Absent optional fields are reset, not kept: PUT is a replacement.
        "examples": [],
        "constraints": [],
        "acceptance_rate": 99.5,
        "points": 5,
    }
    assert (await http.get(f"/questions/{made['id']}")).json() == replaced
    assert (await listing(http, q=made["title"]))["total"] == 0


async def test_put_may_keep_its_own_title_in_another_case(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin)
    body = question_body(title=made["title"].upper())
    response = await http.put(f"/questions/{made['id']}", json=body, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == made["title"].upper()


async def test_put_to_another_questions_title_is_409_and_changes_nothing(
    http: httpx.AsyncClient, admin: Account
) -> None:
    first = await create(http, admin)
    second = await create(http, admin)
    body = question_body(title=first["title"].lower())
    response = await http.put(f"/questions/{second['id']}", json=body, headers=admin.headers)
    assert_error(response, 409)
    assert (await http.get(f"/questions/{second['id']}")).json() == second


async def test_put_without_every_required_field_is_422(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin)
    response = await http.put(
        f"/questions/{made['id']}", json={"title": unique()}, headers=admin.headers
    )
    assert_error(response, 422)
    assert (await http.get(f"/questions/{made['id']}")).json() == made


# --- patch ----------------------------------------------------------------------------------------


async def test_patch_changes_only_the_topics(http: httpx.AsyncClient, admin: Account) -> None:
    made = await create(http, admin, topics=["Arrays", "Heap"])
    response = await http.patch(
        f"/questions/{made['id']}", json={"topics": ["Heap", "Trees"]}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched == {**made, "topics": ["Heap", "Trees"], "related_topics": ["Heap", "Trees"]}
    assert (await http.get(f"/questions/{made['id']}")).json() == patched
    assert made["id"] not in [item["id"] for item in await every_item(http, topic="arrays")]


async def test_patch_difficulty_in_lower_case_changes_points(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin, difficulty="Easy")
    response = await http.patch(
        f"/questions/{made['id']}", json={"difficulty": "hard"}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json() == {**made, "difficulty": "Hard", "points": 5}


async def test_patch_with_related_topics_alias_and_several_fields(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin)
    change = {"related_topics": ["Stack"], "acceptance_rate": 0, "description": "Changed."}
    response = await http.patch(f"/questions/{made['id']}", json=change, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        **made,
        "topics": ["Stack"],
        "related_topics": ["Stack"],
        "acceptance_rate": 0.0,
        "description": "Changed.",
    }


async def test_empty_patch_changes_nothing(http: httpx.AsyncClient, admin: Account) -> None:
    made = await create(http, admin)
    response = await http.patch(f"/questions/{made['id']}", json={}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == made


@pytest.mark.parametrize(
    "field", ["title", "description", "difficulty", "topics", "related_topics", "acceptance_rate"]
)
async def test_patch_with_a_null_field_is_422(
    http: httpx.AsyncClient, admin: Account, field: str
) -> None:
    made = await create(http, admin)
    response = await http.patch(
        f"/questions/{made['id']}", json={field: None}, headers=admin.headers
    )
    assert_error(response, 422, f"{field}: may not be null")
    assert (await http.get(f"/questions/{made['id']}")).json() == made


async def test_patch_to_another_questions_title_is_409(
    http: httpx.AsyncClient, admin: Account
) -> None:
    first = await create(http, admin)
    second = await create(http, admin)
    response = await http.patch(
        f"/questions/{second['id']}", json={"title": first["title"]}, headers=admin.headers
    )
    assert_error(response, 409)
    assert (await http.get(f"/questions/{second['id']}")).json() == second


# --- delete ---------------------------------------------------------------------------------------


async def test_delete_is_204_then_the_question_is_gone(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin, topics=["Arrays", "Heap", unique("Gone topic")])
    response = await http.delete(f"/questions/{made['id']}", headers=admin.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(await http.get(f"/questions/{made['id']}"), 404)
    assert (await listing(http, q=made["title"]))["total"] == 0
    topics = {summary["topic"] for summary in (await http.get("/topics")).json()}
    assert made["topics"][2] not in topics
    again = await http.delete(f"/questions/{made['id']}", headers=admin.headers)
    assert_error(again, 404)


async def test_deleted_title_can_be_used_again(http: httpx.AsyncClient, admin: Account) -> None:
    made = await create(http, admin)
    assert (await http.delete(f"/questions/{made['id']}", headers=admin.headers)).status_code == 204
    again = await create(http, admin, title=made["title"])
    assert again["title"] == made["title"]


# --- which question -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("PUT", question_body()),
        ("PATCH", {"acceptance_rate": 3.0}),
        ("DELETE", None),
    ],
)
async def test_changing_a_missing_question_is_404(
    http: httpx.AsyncClient, admin: Account, method: str, body: dict[str, Any] | None
) -> None:
    response = await http.request(method, f"/questions/{MAX_INT}", json=body, headers=admin.headers)
    message = assert_error(response, 404)
    assert str(MAX_INT) in message


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("raw", ["abc", "0", str(2**31)])
async def test_changing_a_question_with_a_bad_id_is_422(
    http: httpx.AsyncClient, admin: Account, method: str, raw: str
) -> None:
    body = None if method == "DELETE" else question_body()
    response = await http.request(method, f"/questions/{raw}", json=body, headers=admin.headers)
    assert_error(response, 422, "question_id:")
