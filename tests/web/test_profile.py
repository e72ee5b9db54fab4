"""``/profile``: the caller's own profile and other users' public usernames, end to end."""

from __future__ import annotations

import secrets
import uuid

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from storage import users
from storage.database import Database
from storage.models import User
from tests.helpers.accounts import Account, Accounts

PROFILE_FIELDS = {
    "user_id",
    "email",
    "username",
    "first_name",
    "last_name",
    "role",
    "total_points",
    "questions_completed",
    "created_at",
}


def fresh_username() -> str:
    return f"renamed_{secrets.token_hex(4)}"


async def profile_of(http: httpx.AsyncClient, account: Account) -> dict[str, object]:
    response = await http.get("/profile/me", headers=account.headers)
    assert response.status_code == 200, response.text
    profile: dict[str, object] = response.json()["profile"]
    return profile


async def test_get_profile_me_returns_the_profile_envelope(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.get("/profile/me", headers=account.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"profile"}
    profile = body["profile"]
    assert set(profile) == PROFILE_FIELDS
    assert profile["user_id"] == str(account.id)
    assert profile["email"] == account.email
    assert profile["username"] == account.username
    assert profile["first_name"] is None
    assert profile["last_name"] is None
    assert profile["role"] == "user"
    assert profile["total_points"] == 0
    assert profile["questions_completed"] == 0


async def test_get_profile_me_without_a_token_is_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/profile/me")
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["message"]


async def test_patch_profile_returns_the_flat_profile_and_persists(
    http: httpx.AsyncClient, accounts: Accounts, database: Database
) -> None:
    account = await accounts.signup()
    username = fresh_username()
    response = await http.patch(
        "/profile/me",
        headers=account.headers,
        json={"username": username, "first_name": "Ada", "last_name": "Lovelace"},
    )

    assert response.status_code == 200, response.text
    flat = response.json()
    assert set(flat) == PROFILE_FIELDS
    assert flat["user_id"] == str(account.id)
    assert flat["username"] == username
    assert flat["first_name"] == "Ada"
    assert flat["last_name"] == "Lovelace"
    assert flat["email"] == account.email
    assert await profile_of(http, account) == flat
    async with database.session() as session:
        stored = await users.get_user(session, account.id)
        assert stored is not None
        assert (stored.username, stored.first_name, stored.last_name) == (
            username,
            "Ada",
            "Lovelace",
        )


async def test_patch_profile_leaves_absent_fields_unchanged(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    first = await http.patch(
        "/profile/me", headers=account.headers, json={"first_name": "Grace", "last_name": "Hopper"}
    )
    assert first.status_code == 200, first.text
    second = await http.patch(
        "/profile/me", headers=account.headers, json={"last_name": "Brewster"}
    )

    assert second.status_code == 200, second.text
    assert second.json()["username"] == account.username
    assert second.json()["first_name"] == "Grace"
    assert second.json()["last_name"] == "Brewster"


async def test_patch_profile_strips_surrounding_whitespace(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    username = fresh_username()
    response = await http.patch(
        "/profile/me",
        headers=account.headers,
        json={"username": f"  {username} ", "first_name": "  Alan "},
    )
    assert response.status_code == 200, response.text
    assert response.json()["username"] == username
    assert response.json()["first_name"] == "Alan"


async def test_patch_profile_with_a_taken_username_is_409(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    owner = await accounts.signup()
    other = await accounts.signup()
    response = await http.patch(
        "/profile/me", headers=other.headers, json={"username": owner.username}
    )

    assert response.status_code == 409, response.text
    assert response.json()["field"] == "username"
    assert response.json()["message"]
    assert (await profile_of(http, other))["username"] == other.username


async def test_patch_profile_with_a_taken_username_in_another_case_is_409(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    owner = await accounts.signup()
    other = await accounts.signup()
    response = await http.patch(
        "/profile/me", headers=other.headers, json={"username": owner.username.upper()}
    )
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "username"
    assert (await profile_of(http, other))["username"] == other.username


async def test_patch_profile_may_change_the_case_of_ones_own_username(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.patch(
        "/profile/me", headers=account.headers, json={"username": account.username.upper()}
    )
    assert response.status_code == 200, response.text
    assert response.json()["username"] == account.username.upper()


async def test_patch_profile_with_an_invalid_username_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    for username in ("ab", "has space", "x" * 33, "emoji-\u263a", "a/b", ""):
        response = await http.patch(
            "/profile/me", headers=account.headers, json={"username": username}
        )
        assert response.status_code == 422, (username, response.text)
        assert response.json()["errors"][0]["field"] == "username"
    assert (await profile_of(http, account))["username"] == account.username


async def test_patch_profile_with_an_overlong_name_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.patch(
        "/profile/me", headers=account.headers, json={"first_name": "x" * 101}
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "first_name"


async def test_patch_profile_ignores_privileged_fields(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    other = await accounts.signup()
    response = await http.patch(
        "/profile/me",
        headers=account.headers,
        json={
            "first_name": "Eve",
            "role": "admin",
            "total_points": 999_999,
            "questions_completed": 500,
            "user_id": str(other.id),
            "email": "stolen@example.com",
            "password_hash": "x",
        },
    )

    assert response.status_code == 200, response.text
    flat = response.json()
    assert flat["first_name"] == "Eve"
    assert flat["user_id"] == str(account.id)
    assert flat["role"] == "user"
    assert flat["total_points"] == 0
    assert flat["questions_completed"] == 0
    assert flat["email"] == account.email
    assert await profile_of(http, account) == flat
    assert (await profile_of(http, other))["first_name"] is None
    # Still not an administrator where it matters.
    created = await http.post(
        "/questions",
        headers=account.headers,
        json={
            "title": f"Privilege probe {secrets.token_hex(6)}",
            "description": "d",
            "difficulty": "Easy",
            "topics": ["Arrays"],
        },
    )
    assert created.status_code == 403, created.text


async def test_patch_profile_without_a_token_is_401(http: httpx.AsyncClient) -> None:
    response = await http.patch("/profile/me", json={"first_name": "Nobody"})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def test_get_username_by_user_id(http: httpx.AsyncClient, accounts: Accounts) -> None:
    caller = await accounts.signup()
    other = await accounts.signup()
    response = await http.get(
        "/profile/username", headers=caller.headers, params={"userId": str(other.id)}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"username": other.username}


async def test_get_username_of_an_unknown_user_is_404(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    caller = await accounts.signup()
    response = await http.get(
        "/profile/username", headers=caller.headers, params={"userId": str(uuid.uuid4())}
    )
    assert response.status_code == 404, response.text
    assert response.json()["message"] == "no user with this id"


async def test_get_username_with_a_user_id_that_is_not_a_uuid_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    caller = await accounts.signup()
    for value in ("not-a-uuid", "123", ""):
        response = await http.get(
            "/profile/username", headers=caller.headers, params={"userId": value}
        )
        assert response.status_code == 422, (value, response.text)
        assert response.json()["errors"][0]["field"] == "userId"


async def test_get_username_without_the_user_id_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    caller = await accounts.signup()
    response = await http.get("/profile/username", headers=caller.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "userId"


async def test_get_username_without_a_token_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    other = await accounts.signup()
    response = await http.get("/profile/username", params={"userId": str(other.id)})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert "username" not in response.json()


async def test_the_database_itself_refuses_usernames_differing_only_in_case(
    database: Database,
) -> None:
    # The route checks first; this is the last line of defence for two requests at once.
    tag = uuid.uuid4().hex[:8]
    async with database.session() as session:
        session.add(User(email=f"a-{tag}@example.com", username=f"Case_{tag}", role="user"))
        await session.commit()
        session.add(User(email=f"b-{tag}@example.com", username=f"case_{tag}", role="user"))
        with pytest.raises(IntegrityError):
            await session.commit()
        await session.rollback()
