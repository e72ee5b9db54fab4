"""Who may change questions, on both databases: creating, replacing, patching and deleting need
an admin; without a token it is 401, as a student or an outside issuer's user it is 403, and
either is decided before the body is looked at or the question touched."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.helpers.accounts import Account, Accounts, mint_token
from tests.helpers.questions import MAX_INT, assert_error, create, question_body


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
