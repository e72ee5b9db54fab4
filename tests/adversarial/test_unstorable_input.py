"""Text no database can store or give back (lone surrogates, NUL) and bodies nested hundreds of
levels deep are refused with a 422 before anything is stored, so a later read never fails."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers.accounts import Accounts
from tests.helpers.records import history


def _nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


BODIES = {
    "a lone surrogate in the snapshot's title": '"question": {"title": "\\ud800"}',
    "a lone surrogate in the code": '"code": "print(\\"\\udfff\\")"',
    "a lone surrogate in a key": '"question": {"title": "t", "\\ud800": 1}',
    "a NUL in the language": '"language": "py\\u0000"',
    "400 levels of nesting in the snapshot": f'"question": {{"title": "t", "x": {_nested(400)}}}',
    "a snapshot that is not an object": '"question": "Two Sum"',
}


@pytest.mark.parametrize("case", list(BODIES))
async def test_an_attempt_report_with_unstorable_input_is_422_and_stores_nothing(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]], case: str
) -> None:
    account = await accounts.signup()
    raw = f'{{"question_id": {bank[0]["id"]}, "status": "completed", {BODIES[case]}}}'

    response = await http.post(
        "/attempts",
        headers={**account.headers, "Content-Type": "application/json"},
        content=raw.encode(),
    )

    assert response.status_code == 422, response.text
    assert response.json()["message"]
    listed = await history(http, account)
    assert listed["total"] == 0
    assert listed["items"] == []
