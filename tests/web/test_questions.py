"""``/questions`` and ``/topics`` through the real server, on both databases.

The database is shared by every test of a session: tests only rely on the 66 seeded questions being
there, create their own questions with unique titles and topics, and only change what they created.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from storage.question_bank import load_bank
from tests.helpers.accounts import Account, Accounts, mint_token

POINTS = {"Easy": 1, "Medium": 3, "Hard": 5}
RANK = {"Easy": 1, "Medium": 2, "Hard": 3}
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
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def question_body(**overrides: Any) -> dict[str, Any]:
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
    response = await http.post("/questions", json=question_body(**overrides), headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def listing(http: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
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
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["message"]
    assert isinstance(message, str)
    assert message
    assert message.startswith(starts_with), message
    return message


@pytest.fixture
async def admin(accounts: Accounts) -> Account:
    return await accounts.signup(admin=True)


# --- listing -----------------------------------------------------------------------------------


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


# --- filters -----------------------------------------------------------------------------------


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


# --- sorting -----------------------------------------------------------------------------------


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


# --- one question ------------------------------------------------------------------------------


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


# --- topics ------------------------------------------------------------------------------------


async def test_topics_list_every_topic_with_counts_per_difficulty(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/topics")
    assert response.status_code == 200
    summaries = response.json()
    everything = await every_item(http)
    expected: dict[str, dict[str, int]] = {}
    for item in everything:
        for topic in item["topics"]:
            counts = expected.setdefault(topic.lower(), {})
            counts[item["difficulty"]] = counts.get(item["difficulty"], 0) + 1
    assert {summary["topic"].lower() for summary in summaries} == set(expected)
    assert len(summaries) == len(expected)
    for summary in summaries:
        assert set(summary) == {"topic", "total", "by_difficulty"}
        counts = expected[summary["topic"].lower()]
        assert summary["by_difficulty"] == counts
        assert summary["total"] == sum(counts.values())
    seeded_topics = {topic for data in SEEDED.values() for topic in data.topics}
    assert len(seeded_topics) == 18
    assert seeded_topics <= {summary["topic"] for summary in summaries}


async def test_topics_count_a_new_question_under_its_topic_and_difficulty(
    http: httpx.AsyncClient, admin: Account
) -> None:
    topic = unique("Fresh topic")
    await create(http, admin, topics=[topic], difficulty="Easy")
    await create(http, admin, topics=[topic, "Arrays"], difficulty="Hard")
    await create(http, admin, topics=[topic], difficulty="hard")
    summaries = {summary["topic"]: summary for summary in (await http.get("/topics")).json()}
    assert summaries[topic] == {
        "topic": topic,
        "total": 3,
        "by_difficulty": {"Easy": 1, "Hard": 2},
    }


async def test_topics_differing_only_in_case_are_one_topic(
    http: httpx.AsyncClient, admin: Account
) -> None:
    topic = unique("Mixed Case")
    await create(http, admin, topics=[topic], difficulty="Easy")
    await create(http, admin, topics=[topic.lower()], difficulty="Easy")
    await create(http, admin, topics=[topic.upper()], difficulty="Medium")
    matching = [
        summary
        for summary in (await http.get("/topics")).json()
        if summary["topic"].lower() == topic.lower()
    ]
    assert len(matching) == 1
    assert matching[0]["total"] == 3
    assert matching[0]["by_difficulty"] == {"Easy": 2, "Medium": 1}
    assert (await listing(http, topic=topic))["total"] == 3


# --- admin management: who may ----------------------------------------------------------------


def change_requests(question_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("POST", "/questions", question_body()),
        ("PUT", f"/questions/{question_id}", question_body()),
        ("PATCH", f"/questions/{question_id}", {"acceptance_rate": 1.0}),
        ("DELETE", f"/questions/{question_id}", None),
    ]


async def test_changing_questions_without_a_token_is_401(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin)
    for method, url, body in change_requests(made["id"]):
        response = await http.request(method, url, json=body)
        assert_error(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        bad = await http.request(
            method, url, json=body, headers={"Authorization": "Bearer not-a-token"}
        )
        assert_error(bad, 401)
    assert (await http.get(f"/questions/{made['id']}")).json() == made


async def test_changing_questions_as_a_normal_user_is_403(
    http: httpx.AsyncClient, accounts: Accounts, admin: Account
) -> None:
    made = await create(http, admin)
    student = await accounts.signup()
    external = {"Authorization": f"Bearer {mint_token(uuid.uuid4())}"}
    for headers in (student.headers, external):
        for method, url, body in change_requests(made["id"]):
            response = await http.request(method, url, json=body, headers=headers)
            assert_error(response, 403)
        # A normal user learns nothing about which ids exist either.
        missing = await http.delete(f"/questions/{MAX_INT}", headers=headers)
        assert_error(missing, 403)
    assert (await http.get(f"/questions/{made['id']}")).json() == made


async def test_unauthorised_create_is_refused_before_the_body_is_validated(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    assert_error(await http.post("/questions", json={"nonsense": True}), 401)
    student = await accounts.signup()
    response = await http.post("/questions", json={"nonsense": True}, headers=student.headers)
    assert_error(response, 403)


# --- admin management: what it does ------------------------------------------------------------


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


# --- bad input ---------------------------------------------------------------------------------


async def post_raw(http: httpx.AsyncClient, admin: Account, content: bytes) -> httpx.Response:
    headers = {**admin.headers, "Content-Type": "application/json"}
    return await http.post("/questions", content=content, headers=headers)


@pytest.mark.parametrize(
    "content",
    [b"{", b'{"title": "x",}', b"not json", b"{'title': 'x'}"],
)
async def test_malformed_json_is_422(
    http: httpx.AsyncClient, admin: Account, content: bytes
) -> None:
    assert_error(await post_raw(http, admin, content), 422, "request body is not valid JSON")


@pytest.mark.parametrize("content", [b"\xff\xfe\x00", b"\xff\xfe\x00\x81", b"\x80\x81{}"])
async def test_body_that_is_not_text_is_a_client_error_with_a_message(
    http: httpx.AsyncClient, admin: Account, content: bytes
) -> None:
    response = await post_raw(http, admin, content)
    # FastAPI answers 400 when the bytes cannot be decoded at all, 422 when they decode to non-JSON.
    assert_error(response, 400 if response.status_code == 400 else 422)


@pytest.mark.parametrize("content", [b"", b"[]", b"null", b'"question"', b"42"])
async def test_a_body_that_is_not_an_object_is_422(
    http: httpx.AsyncClient, admin: Account, content: bytes
) -> None:
    assert_error(await post_raw(http, admin, content), 422)


async def test_patch_with_malformed_json_is_422(http: httpx.AsyncClient, admin: Account) -> None:
    made = await create(http, admin)
    headers = {**admin.headers, "Content-Type": "application/json"}
    response = await http.patch(f"/questions/{made['id']}", content=b"{oops", headers=headers)
    assert_error(response, 422, "request body is not valid JSON")


BAD_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("title", {"title": 123}),
    ("title", {"title": ["a"]}),
    ("title", {"title": ""}),
    ("title", {"title": "    "}),
    ("title", {"title": "x" * 10_000}),
    ("title", {"title": "x" * 201}),
    ("description", {"description": ""}),
    ("description", {"description": {"text": "x"}}),
    ("description", {"description": "x" * 20_001}),
    ("difficulty", {"difficulty": "extreme"}),
    ("difficulty", {"difficulty": 3}),
    ("difficulty", {"difficulty": None}),
    ("topics", {"topics": "Arrays"}),
    ("topics", {"topics": []}),
    ("topics", {"topics": [f"Topic {n}" for n in range(11)]}),
    ("topics", {"topics": ["   "]}),
    ("topics", {"topics": [""]}),
    ("topics", {"topics": [42]}),
    ("topics", {"topics": ["x" * 65]}),
    ("examples", {"examples": [{"input": "1"}]}),
    ("examples", {"examples": [{"input": "1", "output": "1", "secret": "x"}]}),
    ("examples", {"examples": "none"}),
    ("examples", {"examples": [{"input": "1", "output": "1"}] * 11}),
    ("constraints", {"constraints": ["x" * 501]}),
    ("constraints", {"constraints": ["c"] * 21}),
    ("constraints", {"constraints": [1, 2]}),
    ("acceptance_rate", {"acceptance_rate": -0.1}),
    ("acceptance_rate", {"acceptance_rate": 100.01}),
    ("acceptance_rate", {"acceptance_rate": 1e308}),
    ("acceptance_rate", {"acceptance_rate": "many"}),
    ("id", {"id": 7}),
    ("points", {"points": 100}),
    ("unknown", {"unknown": "field"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_BODIES)
async def test_bad_create_body_is_422_naming_the_field(
    http: httpx.AsyncClient, admin: Account, field: str, change: dict[str, Any]
) -> None:
    body = question_body(**change)
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert_error(response, 422, field)
    if isinstance(body["title"], str) and body["title"].strip():
        assert (await listing(http, q=body["title"][:200]))["total"] == 0


@pytest.mark.parametrize(("field", "change"), BAD_BODIES)
async def test_bad_patch_body_is_422_and_changes_nothing(
    http: httpx.AsyncClient, admin: Account, field: str, change: dict[str, Any]
) -> None:
    made = await create(http, admin)
    response = await http.patch(f"/questions/{made['id']}", json=change, headers=admin.headers)
    assert_error(response, 422, field)
    assert (await http.get(f"/questions/{made['id']}")).json() == made


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
async def test_non_finite_acceptance_rate_is_422(
    http: httpx.AsyncClient, admin: Account, literal: bytes
) -> None:
    body = json.dumps(question_body(acceptance_rate=0.5)).encode()
    content = body.replace(b'"acceptance_rate": 0.5', b'"acceptance_rate": ' + literal)
    assert literal in content
    assert_error(await post_raw(http, admin, content), 422, "acceptance_rate")


@pytest.mark.parametrize("field", ["title", "description"])
async def test_nul_character_in_text_is_422(
    http: httpx.AsyncClient, admin: Account, field: str
) -> None:
    body = question_body(**{field: f"bad\x00{uuid.uuid4().hex}"})
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert_error(response, 422, field)


@pytest.mark.parametrize(
    "body",
    [
        {"topics": ["bad\x00topic"]},
        {"constraints": ["n \x00 1"]},
        {"examples": [{"input": "\x00", "output": "1"}]},
    ],
)
async def test_nul_character_in_nested_text_is_422(
    http: httpx.AsyncClient, admin: Account, body: dict[str, Any]
) -> None:
    response = await http.post("/questions", json=question_body(**body), headers=admin.headers)
    assert_error(response, 422, next(iter(body)))


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


async def test_title_of_exactly_200_characters_is_accepted(
    http: httpx.AsyncClient, admin: Account
) -> None:
    title = unique("T").ljust(200, "é")
    made = await create(http, admin, title=title, topics=["y" * 64])
    assert made["title"] == title
    assert made["topics"] == ["y" * 64]


async def test_body_larger_than_one_mebibyte_is_413(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = question_body(description="x" * (1024 * 1024))
    response = await http.post("/questions", json=body, headers=admin.headers)
    message = assert_error(response, 413)
    assert "1048576" in message
    assert (await listing(http, q=body["title"]))["total"] == 0


async def test_body_larger_than_one_mebibyte_is_413_even_without_a_token(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/questions", content=b"x" * (1024 * 1024 + 1))
    assert_error(response, 413)


async def test_chunked_body_larger_than_one_mebibyte_is_413(
    http: httpx.AsyncClient, admin: Account
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"description": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    headers = {**admin.headers, "Content-Type": "application/json"}
    response = await http.post("/questions", content=chunks(), headers=headers)
    assert_error(response, 413)


async def test_body_just_under_the_limit_reaches_validation(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = question_body(description="x" * (1024 * 1024 - 1000))
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert_error(response, 422, "description")
