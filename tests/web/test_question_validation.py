"""What an admin's create or patch body must be, on both databases: JSON text holding an object,
each field of the right type and within its bounds (lengths, counts, finite rates, no NUL
characters, no unknown or read-only fields); a bad body is 422 naming the field and stores
nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from tests.helpers.accounts import Account
from tests.helpers.questions import assert_error, create, listing, question_body, unique


async def post_raw(http: httpx.AsyncClient, admin: Account, content: bytes) -> httpx.Response:
    headers = {**admin.headers, "Content-Type": "application/json"}
    return await http.post("/questions", content=content, headers=headers)


# --- not a JSON object ----------------------------------------------------------------------------


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


# --- fields ---------------------------------------------------------------------------------------


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


async def test_title_of_exactly_200_characters_is_accepted(
    http: httpx.AsyncClient, admin: Account
) -> None:
    title = unique("T").ljust(200, "é")
    made = await create(http, admin, title=title, topics=["y" * 64])
    assert made["title"] == title
    assert made["topics"] == ["y" * 64]
