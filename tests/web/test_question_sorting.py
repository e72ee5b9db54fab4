"""Sorting ``GET /questions`` by title, difficulty, acceptance rate and id in both directions, on
both databases: ties broken by id, sorted pages that continue one another, sorting filtered
results, and unknown sort keys or directions refused."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.questions import SEEDED, assert_error, every_item, listing

RANK = {"Easy": 1, "Medium": 2, "Hard": 3}


async def test_sort_by_title_ascending_and_descending(http: httpx.AsyncClient) -> None:
    up = [item["title"] for item in await every_item(http, sortBy="title", sortDir="asc")]
    assert up == sorted(up)
    assert set(up) >= {data.title for data in SEEDED.values()}
    down = [item["title"] for item in await every_item(http, sortBy="title", sortDir="desc")]
    assert down == list(reversed(up))


async def test_sort_by_difficulty_orders_easy_medium_hard_then_id(
    http: httpx.AsyncClient,
) -> None:
    up = await every_item(http, sortBy="difficulty", sortDir="asc")
    keys = [(RANK[item["difficulty"]], item["id"]) for item in up]
    assert keys == sorted(keys)
    assert [item["difficulty"] for item in up[:1]] == ["Easy"]
    assert up[-1]["difficulty"] == "Hard"

    down = await every_item(http, sortBy="difficulty", sortDir="desc")
    keys = [(-RANK[item["difficulty"]], item["id"]) for item in down]
    assert keys == sorted(keys)
    assert down[0]["difficulty"] == "Hard"
    assert down[-1]["difficulty"] == "Easy"


async def test_sort_by_acceptance_rate_in_both_directions(http: httpx.AsyncClient) -> None:
    up = await every_item(http, sortBy="acceptance_rate", sortDir="asc")
    keys = [(item["acceptance_rate"], item["id"]) for item in up]
    assert keys == sorted(keys)
    down = await every_item(http, sortBy="acceptance_rate", sortDir="desc")
    keys = [(-item["acceptance_rate"], item["id"]) for item in down]
    assert keys == sorted(keys)
    assert len(up) == len(down)


async def test_sort_by_id_in_both_directions_and_by_default(http: httpx.AsyncClient) -> None:
    default = [item["id"] for item in await every_item(http)]
    assert default == sorted(default)
    assert [item["id"] for item in await every_item(http, sortBy="id")] == default
    up = [item["id"] for item in await every_item(http, sortBy="ID", sortDir="ASC")]
    assert up == default
    down = [item["id"] for item in await every_item(http, sortBy="id", sortDir="desc")]
    assert down == list(reversed(default))


async def test_sorted_pages_continue_one_another(http: httpx.AsyncClient) -> None:
    whole = [item["id"] for item in await every_item(http, sortBy="title", sortDir="desc")]
    first = await listing(http, sortBy="title", sortDir="desc", page=1, pageSize=10)
    second = await listing(http, sortBy="title", sortDir="desc", page=2, pageSize=10)
    assert [item["id"] for item in first["items"] + second["items"]] == whole[:20]


async def test_sort_applies_to_filtered_results(http: httpx.AsyncClient) -> None:
    items = await every_item(http, difficulty="medium", sortBy="acceptance_rate", sortDir="desc")
    assert {item["difficulty"] for item in items} == {"Medium"}
    rates = [item["acceptance_rate"] for item in items]
    assert rates == sorted(rates, reverse=True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sortBy": "points"}, "sortBy:"),
        ({"sortBy": "title; DROP TABLE questions"}, "sortBy:"),
        ({"sortBy": "description"}, "sortBy:"),
        ({"sortDir": "up"}, "sortDir:"),
        ({"sortBy": "title", "sortDir": "descending"}, "sortDir:"),
    ],
)
async def test_invalid_sort_is_422(
    http: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await http.get("/questions", params=params)
    assert_error(response, 422, field)
