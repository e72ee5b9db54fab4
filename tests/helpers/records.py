"""What a student reads of their own record over REST: attempts and profile."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers.accounts import Account


async def attempts_with_code(http: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    """The account's attempts, newest first, each with its code (fetched one by one)."""
    response = await http.get("/attempts", headers=account.headers)
    items: list[dict[str, Any]] = []
    for listed in response.json()["items"]:
        assert "code" not in listed
        detail = await http.get(f"/attempts/{listed['id']}", headers=account.headers)
        assert detail.status_code == 200, detail.text
        items.append(detail.json())
    return items


async def profile_of(http: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    profile: dict[str, Any] = (await http.get("/profile/me", headers=account.headers)).json()[
        "profile"
    ]
    return profile


async def history(http: httpx.AsyncClient, account: Account, **params: int) -> dict[str, Any]:
    response = await http.get("/attempts", headers=account.headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
