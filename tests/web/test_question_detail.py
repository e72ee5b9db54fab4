"""One question by id with ``GET /questions/{id}``, on both databases: a seeded question with
every field, a missing id, and ids that are not valid."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.questions import ITEM_FIELDS, MAX_INT, POINTS, SEEDED, assert_error


async def test_get_question_by_id(http: httpx.AsyncClient) -> None:
    response = await http.get("/questions/1")
    assert response.status_code == 200
    body = response.json()
    data = SEEDED[1]
    assert set(body) == ITEM_FIELDS
    assert body["id"] == 1
    assert body["title"] == data.title
    assert body["description"] == data.description
    assert body["difficulty"] == data.difficulty.value
    assert body["topics"] == body["related_topics"] == data.topics
    assert body["examples"] == data.examples
    assert body["constraints"] == data.constraints
    assert body["points"] == POINTS[data.difficulty.value]


async def test_get_missing_question_is_404_with_a_message(http: httpx.AsyncClient) -> None:
    response = await http.get(f"/questions/{MAX_INT}")
    message = assert_error(response, 404)
    assert str(MAX_INT) in message


@pytest.mark.parametrize("raw", ["abc", "1.5", "0", "-1", str(2**31), str(10**30), "1e3"])
async def test_get_question_with_a_bad_id_is_422(http: httpx.AsyncClient, raw: str) -> None:
    response = await http.get(f"/questions/{raw}")
    assert_error(response, 422, "question_id:")
