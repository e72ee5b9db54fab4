"""Listing the bank with ``GET /questions``, on both databases: the page envelope, every field
of a listed item with its points, walking the pages, the page-size cap and bad page parameters."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers.questions import ITEM_FIELDS, POINTS, SEEDED, assert_error, every_item, listing


async def test_listing_has_items_total_page_and_page_size(http: httpx.AsyncClient) -> None:
    body = await listing(http)
    assert set(body) == {"items", "total", "page", "pageSize"}
    assert body["page"] == 1
    assert body["pageSize"] == 20
    assert body["total"] >= len(SEEDED)
    assert len(body["items"]) == 20
    # The default order is by id, so the first page is the bank's first questions.
    assert [item["id"] for item in body["items"]] == list(range(1, 21))


async def test_listed_items_carry_every_field_and_points_by_difficulty(
    http: httpx.AsyncClient,
) -> None:
    items = await every_item(http)
    by_id = {item["id"]: item for item in items}
    assert set(SEEDED) <= set(by_id)
    for question_id, data in SEEDED.items():
        item = by_id[question_id]
        assert set(item) == ITEM_FIELDS
        assert isinstance(item["id"], int)
        assert item["title"] == data.title
        assert item["description"] == data.description
        assert item["difficulty"] == data.difficulty.value
        assert item["topics"] == data.topics
        assert item["related_topics"] == data.topics
        assert item["acceptance_rate"] == pytest.approx(data.acceptance_rate)
        assert item["points"] == POINTS[item["difficulty"]]
    assert {item["difficulty"] for item in items} == {"Easy", "Medium", "Hard"}


async def test_pages_walk_every_question_once_without_overlap(http: httpx.AsyncClient) -> None:
    expected = [item["id"] for item in await every_item(http)]
    seen: list[int] = []
    number = 1
    while True:
        page = await listing(http, page=number, pageSize=7)
        assert page["page"] == number
        assert page["pageSize"] == 7
        assert page["total"] == len(expected)
        if not page["items"]:
            break
        assert len(page["items"]) <= 7
        seen.extend(item["id"] for item in page["items"])
        number += 1
    assert seen == expected
    assert len(set(seen)) == len(seen)
    assert number == -(-len(expected) // 7) + 1


@pytest.mark.parametrize("size", [101, 1000, 1_000_000])
async def test_page_size_above_100_is_capped_to_100(http: httpx.AsyncClient, size: int) -> None:
    body = await listing(http, pageSize=size)
    assert body["pageSize"] == 100
    assert len(body["items"]) == min(100, body["total"])


async def test_page_size_of_exactly_100_is_kept(http: httpx.AsyncClient) -> None:
    body = await listing(http, pageSize=100)
    assert body["pageSize"] == 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": ""}, "page"),
        ({"pageSize": 0}, "pageSize"),
        ({"pageSize": -5}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"pageSize": "2.5"}, "pageSize"),
    ],
)
async def test_bad_page_or_page_size_is_422_with_a_message(
    http: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await http.get("/questions", params=params)
    assert_error(response, 422, f"{field}:")


async def test_page_past_the_end_is_empty_with_the_right_total(http: httpx.AsyncClient) -> None:
    total = (await listing(http))["total"]
    body = await listing(http, page=1000, pageSize=50)
    assert body == {"items": [], "total": total, "page": 1000, "pageSize": 50}
