"""``GET /ranking``: the leaderboard with competition ranks, end to end.

The database is shared with other tests, so each test gives its own users scores above everything
already there (read from the top of the ranking first): they take the first places, and the
assertions are about them.
"""

from __future__ import annotations

from typing import Any

import httpx

from storage import users
from storage.database import Database
from tests.helpers.accounts import Account, Accounts

ENTRY_FIELDS = {"rank", "user_id", "username", "total_points", "questions_completed"}


async def set_score(database: Database, account: Account, points: int, completed: int) -> None:
    async with database.session() as session:
        user = await users.get_user(session, account.id)
        assert user is not None
        user.total_points = points
        user.questions_completed = completed
        await session.commit()


async def ranking(http: httpx.AsyncClient, account: Account, **params: int) -> dict[str, Any]:
    response = await http.get("/ranking", headers=account.headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def above_everyone(http: httpx.AsyncClient, account: Account) -> int:
    """A score higher than any in the database now: at least 10^6, well clear of the top."""
    top = (await ranking(http, account, pageSize=1))["items"]
    return max(10**6, (top[0]["total_points"] if top else 0) + 1_000)


async def test_ranking_without_a_token_is_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/ranking")
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["message"]


async def test_ranking_page_and_entries_have_the_documented_shape(
    http: httpx.AsyncClient, accounts: Accounts, database: Database
) -> None:
    account = await accounts.signup()
    await set_score(database, account, await above_everyone(http, account), 4)

    body = await ranking(http, account)

    assert set(body) == {"items", "total", "page", "pageSize", "me"}
    assert body["page"] == 1
    assert body["pageSize"] == 20
    assert body["total"] >= 1
    assert 1 <= len(body["items"]) <= 20
    for entry in body["items"]:
        assert set(entry) == ENTRY_FIELDS
    assert set(body["me"]) == ENTRY_FIELDS
    assert body["items"][0]["user_id"] == str(account.id)
    assert body["items"][0]["username"] == account.username
    assert body["items"][0]["rank"] == 1
    assert body["items"][0]["questions_completed"] == 4


async def test_ranking_orders_by_points_then_completed_with_shared_competition_ranks(
    http: httpx.AsyncClient, accounts: Accounts, database: Database
) -> None:
    players = [await accounts.signup() for _ in range(5)]
    base = await above_everyone(http, players[0])
    scores = [
        (base + 10, 0),  # most points: first, whatever it completed
        (base + 5, 3),  # tied with the next on both: they share second place
        (base + 5, 3),
        (base + 5, 1),  # same points, fewer completed: fourth, not third
        (base, 50),  # fewer points: last of them, however many it completed
    ]
    for player, (points, completed) in zip(players, scores, strict=True):
        await set_score(database, player, points, completed)

    items = (await ranking(http, players[0], pageSize=5))["items"]

    assert [item["rank"] for item in items] == [1, 2, 2, 4, 5]
    assert items[0]["user_id"] == str(players[0].id)
    assert {items[1]["user_id"], items[2]["user_id"]} == {str(players[1].id), str(players[2].id)}
    assert items[3]["user_id"] == str(players[3].id)
    assert items[4]["user_id"] == str(players[4].id)
    assert [(item["total_points"], item["questions_completed"]) for item in items] == [
        scores[0],
        scores[1],
        scores[2],
        scores[3],
        scores[4],
    ]
    by_id = {item["user_id"]: item for item in items}
    for player in players:
        assert by_id[str(player.id)]["username"] == player.username


async def test_ranking_ties_on_points_and_completed_share_a_rank_across_pages(
    http: httpx.AsyncClient, accounts: Accounts, database: Database
) -> None:
    players = [await accounts.signup() for _ in range(4)]
    base = await above_everyone(http, players[0])
    for player, points in zip(players, (base + 2, base + 1, base + 1, base), strict=True):
        await set_score(database, player, points, 0)

    first = await ranking(http, players[0], page=1, pageSize=2)
    second = await ranking(http, players[0], page=2, pageSize=2)

    assert first["page"] == 1
    assert second["page"] == 2
    assert [item["rank"] for item in first["items"]] == [1, 2]
    assert [item["rank"] for item in second["items"]] == [2, 4]
    seen = [item["user_id"] for item in first["items"] + second["items"]]
    assert seen[0] == str(players[0].id)
    assert set(seen[1:3]) == {str(players[1].id), str(players[2].id)}
    assert seen[3] == str(players[3].id)
    assert first["total"] == second["total"]


async def test_ranking_me_is_the_callers_own_entry(
    http: httpx.AsyncClient, accounts: Accounts, database: Database
) -> None:
    leader = await accounts.signup()
    caller = await accounts.signup()
    base = await above_everyone(http, leader)
    await set_score(database, leader, base + 1, 9)
    await set_score(database, caller, base, 3)

    body = await ranking(http, caller)

    assert body["me"] == {
        "rank": 2,
        "user_id": str(caller.id),
        "username": caller.username,
        "total_points": base,
        "questions_completed": 3,
    }
    assert body["items"][1] == body["me"]


async def test_ranking_me_is_present_when_the_caller_is_not_on_the_page(
    http: httpx.AsyncClient, accounts: Accounts, database: Database
) -> None:
    leader = await accounts.signup()
    caller = await accounts.signup()
    base = await above_everyone(http, leader)
    await set_score(database, leader, base, 0)

    body = await ranking(http, caller, pageSize=1)

    assert [item["user_id"] for item in body["items"]] == [str(leader.id)]
    me = body["me"]
    assert me["user_id"] == str(caller.id)
    assert me["username"] == caller.username
    assert me["total_points"] == 0
    assert me["questions_completed"] == 0
    assert me["rank"] > 1


async def test_ranking_page_size_is_capped_at_100(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    body = await ranking(http, account, pageSize=1000)
    assert body["pageSize"] == 100
    assert len(body["items"]) == min(100, body["total"])


async def test_ranking_with_invalid_paging_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    for params in ({"page": 0}, {"pageSize": 0}, {"pageSize": -5}):
        response = await http.get("/ranking", headers=account.headers, params=params)
        assert response.status_code == 422, (params, response.text)


async def test_ranking_total_counts_every_ranked_user(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    before = (await ranking(http, account))["total"]
    await accounts.signup()
    after = (await ranking(http, account))["total"]
    assert after == before + 1
