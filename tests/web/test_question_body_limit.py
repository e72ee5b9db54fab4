"""The caps on a question body, on both databases: with a token, a question may carry its
runnable data, up to four mebibytes (``QUESTION_BODY_BYTES``); without one, the default one
mebibyte holds. A larger body is 413 (sent whole or chunked) and stores nothing; one just under
the cap reaches validation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from tests.helpers.accounts import Account
from tests.helpers.questions import assert_error, listing, question_body
from web.http.body import QUESTION_BODY_BYTES


async def test_body_larger_than_the_question_limit_is_413(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = question_body(description="x" * QUESTION_BODY_BYTES)
    response = await http.post("/questions", json=body, headers=admin.headers)
    message = assert_error(response, 413)
    assert str(QUESTION_BODY_BYTES) in message
    assert (await listing(http, q=body["title"]))["total"] == 0


async def test_body_larger_than_one_mebibyte_is_413_without_a_token(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/questions", content=b"x" * (1024 * 1024 + 1))
    assert "1048576" in assert_error(response, 413)


async def test_chunked_body_larger_than_the_question_limit_is_413(
    http: httpx.AsyncClient, admin: Account
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"description": "'
        for _ in range(QUESTION_BODY_BYTES // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    headers = {**admin.headers, "Content-Type": "application/json"}
    response = await http.post("/questions", content=chunks(), headers=headers)
    assert_error(response, 413)


async def test_body_just_under_the_limit_reaches_validation(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = question_body(description="x" * (QUESTION_BODY_BYTES - 1000))
    response = await http.post("/questions", json=body, headers=admin.headers)
    assert_error(response, 422, "description")
