"""Filtering ``GET /questions`` by difficulty, topic and title text, alone and combined, on both
databases, and the bounds on filter input (NUL characters, lengths, how many topics).

The database is shared by the whole session: tests create their own questions with unique titles and
topics and only rely on the seeded bank otherwise."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.helpers.accounts import Account
from tests.helpers.questions import SEEDED, assert_error, create, every_item, listing, unique


@pytest.mark.parametrize("spelling", ["easy", "EASY", "Easy", " eAsY "])
async def test_difficulty_filter_accepts_any_case(http: httpx.AsyncClient, spelling: str) -> None:
    expected = [item["id"] for item in await every_item(http) if item["difficulty"] == "Easy"]
    items = await every_item(http, difficulty=spelling)
    assert [item["id"] for item in items] == expected
    assert {item["difficulty"] for item in items} == {"Easy"}
    seeded_easy = {qid for qid, data in SEEDED.items() if data.difficulty.value == "Easy"}
    assert seeded_easy <= set(expected)
    assert len(seeded_easy) == 22


@pytest.mark.parametrize("level", ["Medium", "Hard"])
async def test_difficulty_filter_returns_only_that_difficulty(
    http: httpx.AsyncClient, level: str
) -> None:
    everything = await every_item(http)
    items = await every_item(http, difficulty=level.lower())
    assert [i["id"] for i in items] == [i["id"] for i in everything if i["difficulty"] == level]


@pytest.mark.parametrize("value", ["extreme", "1", "easyish", "e"])
async def test_invalid_difficulty_filter_is_422(http: httpx.AsyncClient, value: str) -> None:
    response = await http.get("/questions", params={"difficulty": value})
    assert_error(response, 422, "difficulty:")


async def test_topic_filter_is_case_insensitive_and_matches_any_given_topic(
    http: httpx.AsyncClient, admin: Account
) -> None:
    tag = uuid.uuid4().hex[:8]
    first = await create(http, admin, topics=[f"Topic A {tag}"])
    second = await create(http, admin, topics=[f"Topic B {tag}", "Arrays"])
    await create(http, admin, topics=[f"Topic C {tag}"])
    wanted = [first["id"], second["id"]]

    repeated = await listing(http, topic=[f"topic a {tag}", f"TOPIC B {tag}"])
    assert [item["id"] for item in repeated["items"]] == wanted
    assert repeated["total"] == 2

    commas = await listing(http, topic=f"topic a {tag},Topic B {tag}")
    assert [item["id"] for item in commas["items"]] == wanted

    single = await listing(http, topic=f"  TOPIC   a {tag} ")
    assert [item["id"] for item in single["items"]] == [first["id"]]


async def test_topic_filter_on_seeded_topics_returns_only_questions_with_them(
    http: httpx.AsyncClient,
) -> None:
    everything = await every_item(http)
    wanted = {"arrays", "heap"}
    expected = [
        item["id"]
        for item in everything
        if wanted & {topic.lower() for topic in item["related_topics"]}
    ]
    items = await every_item(http, topic=["ARRAYS", "heap"])
    assert [item["id"] for item in items] == expected
    seeded = {qid for qid, data in SEEDED.items() if wanted & {t.lower() for t in data.topics}}
    assert seeded <= set(expected)


async def test_unknown_topic_matches_nothing(http: httpx.AsyncClient) -> None:
    body = await listing(http, topic=unique("No such topic"))
    assert body["items"] == []
    assert body["total"] == 0


async def test_text_filter_is_a_case_insensitive_substring_of_the_title(
    http: httpx.AsyncClient, admin: Account
) -> None:
    tag = uuid.uuid4().hex[:10]
    made = await create(http, admin, title=f"Zebra Crossing {tag} Counter")
    body = await listing(http, q=f"ZEBRA crossing {tag.upper()}")
    assert [item["id"] for item in body["items"]] == [made["id"]]
    assert body["total"] == 1
    # A description is not searched.
    other = await listing(http, q=f"description {tag}")
    assert other["total"] == 0


async def test_text_filter_on_seeded_titles_matches_substrings(http: httpx.AsyncClient) -> None:
    everything = await every_item(http)
    expected = [item["id"] for item in everything if "tree" in item["title"].lower()]
    assert expected
    assert [item["id"] for item in await every_item(http, q="TrEe")] == expected


async def test_percent_and_underscore_in_text_filter_are_literal(
    http: httpx.AsyncClient, admin: Account
) -> None:
    tag = uuid.uuid4().hex[:10]
    percent = await create(http, admin, title=f"Rate 100% {tag}")
    underscore = await create(http, admin, title=f"snake_case {tag}")

    everything = await every_item(http)
    with_percent = [item["id"] for item in everything if "%" in item["title"]]
    assert percent["id"] in with_percent
    assert [item["id"] for item in await every_item(http, q="%")] == with_percent
    with_underscore = [item["id"] for item in everything if "_" in item["title"]]
    assert [item["id"] for item in await every_item(http, q="_")] == with_underscore

    assert (await listing(http, q=f"rate 100% {tag}"))["total"] == 1
    # Were ``_`` a wildcard, it would match the ``%`` of the first title (and the reverse).
    assert (await listing(http, q=f"rate 100_ {tag}"))["total"] == 0
    assert (await listing(http, q=f"snake%case {tag}"))["total"] == 0
    found = await listing(http, q=f"SNAKE_CASE {tag}")
    assert [item["id"] for item in found["items"]] == [underscore["id"]]


async def test_text_filter_of_a_lone_percent_finds_no_seeded_question(
    http: httpx.AsyncClient,
) -> None:
    items = await every_item(http, q="%")
    assert all("%" in item["title"] for item in items)
    assert not {item["id"] for item in items} & set(SEEDED)


async def test_blank_text_filter_is_no_filter(http: httpx.AsyncClient) -> None:
    assert (await listing(http, q="   "))["total"] == (await listing(http))["total"]


async def test_filters_combine(http: httpx.AsyncClient, admin: Account) -> None:
    tag = uuid.uuid4().hex[:10]
    topic = f"Combo {tag}"
    wanted = await create(http, admin, title=f"Alpha {tag}", difficulty="Hard", topics=[topic])
    await create(http, admin, title=f"Alpha {tag} easy", difficulty="Easy", topics=[topic])
    await create(http, admin, title=f"Beta {tag}", difficulty="Hard", topics=[topic])
    await create(http, admin, title=f"Alpha {tag} elsewhere", difficulty="Hard", topics=["Heap"])

    body = await listing(http, topic=topic.upper(), difficulty="hard", q=f"alpha {tag}")
    assert [item["id"] for item in body["items"]] == [wanted["id"]]
    assert body["total"] == 1
    assert (await listing(http, topic=topic, q=f"alpha {tag}"))["total"] == 2
    assert (await listing(http, topic=topic, difficulty="HARD"))["total"] == 2
    assert (await listing(http, topic=topic, difficulty="medium"))["total"] == 0


# --- bounds on filter input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"q": "a\x00b"}, {"topic": "Arr\x00ays"}, {"difficulty": "ea\x00sy"}, {"sortBy": "\x00"}],
)
async def test_nul_character_in_a_filter_never_gives_500(
    http: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await http.get("/questions", params=params)
    assert_error(response, 422, next(iter(params)))


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 201},
        {"topic": "x" * 65},
        {"topic": [f"t{n}" for n in range(11)]},
        {"difficulty": "x" * 17},
    ],
)
async def test_oversized_filters_are_422(http: httpx.AsyncClient, params: dict[str, Any]) -> None:
    response = await http.get("/questions", params=params)
    assert_error(response, 422, next(iter(params)))


async def test_comma_separated_topics_longer_than_one_topic_together_are_fine(
    http: httpx.AsyncClient,
) -> None:
    topics = ["Dynamic Programming", "Sliding Window", "Binary Search", "Bit Manipulation"]
    joined = ",".join(topics)
    assert len(joined) > 64
    expected = [item["id"] for item in await every_item(http, topic=topics)]
    assert [item["id"] for item in await every_item(http, topic=joined)] == expected


async def test_many_comma_separated_topics_are_fine(http: httpx.AsyncClient) -> None:
    body = await listing(http, topic=",".join(["Arrays"] * 30) + ",,, ,")
    assert body["total"] == (await listing(http, topic="arrays"))["total"]


async def test_more_than_fifty_filter_topics_is_422(http: httpx.AsyncClient) -> None:
    response = await http.get("/questions", params={"topic": ",".join(["Heap"] * 51)})
    assert_error(response, 422, "topic:")
