"""``/auth`` and the token verifier, end to end through the real server.

Covers our own signup/login tokens, the rejection matrix of every protected route (exercised on
``/auth/me``), the optional issuer check, and external (Supabase-style) tokens: profiles created on
first sight, never merged into another account by email, never made admin by a claim.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from sqlalchemy import func, select

from storage.database import Database
from storage.models import User
from tests.helpers.accounts import Account, Accounts, mint_token
from tests.helpers.config import TEST_SECRET, make_settings
from tests.helpers.servers import RunningApp, ThreadedServer
from web.app import create_app
from web.http.questions import QuestionCreate
from workers.temporal_server import DevServer, free_port

ISSUER = "https://issuer.example"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorized(response: httpx.Response, message: str | None = None) -> None:
    """A 401 in the one error shape, with the challenge a Bearer client expects."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert isinstance(body["message"], str)
    assert body["message"]
    if message is not None:
        assert body["message"] == message


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def signup_body(**overrides: str) -> dict[str, str]:
    tag = secrets.token_hex(4)
    body = {
        "email": f"signup-{tag}@example.com",
        "password": f"pw-{tag}-long-enough",
        "username": f"signup_{tag}",
    }
    body.update(overrides)
    return body


def question_body() -> dict[str, object]:
    body: dict[str, object] = {
        "title": f"Role claim probe {secrets.token_hex(6)}",
        "description": "Return the sum of two integers.",
        "difficulty": "Easy",
        "topics": ["Arrays"],
    }
    # The body itself is valid, so a refusal can only come from the caller's role.
    QuestionCreate.model_validate(body)
    return body


# --- signup and login ---------------------------------------------------------------------------


async def test_signup_returns_201_with_bearer_token_and_user(http: httpx.AsyncClient) -> None:
    body = signup_body()
    response = await http.post("/auth/signup", json=body)

    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) == {"access_token", "token_type", "expires_in", "user"}
    assert data["token_type"] == "bearer"
    assert isinstance(data["access_token"], str)
    assert data["access_token"]
    assert isinstance(data["expires_in"], int)
    assert data["expires_in"] > 0
    user = data["user"]
    uuid.UUID(user["user_id"])
    assert user["email"] == body["email"]
    assert user["username"] == body["username"]
    assert user["role"] == "user"
    assert user["total_points"] == 0
    assert user["questions_completed"] == 0
    assert user["first_name"] is None
    assert user["last_name"] is None


async def test_signup_token_carries_supabase_style_claims(
    http: httpx.AsyncClient, app_server: RunningApp
) -> None:
    body = signup_body()
    before = int(time.time())
    response = await http.post("/auth/signup", json=body)
    after = int(time.time())
    assert response.status_code == 201, response.text
    data = response.json()

    claims = jwt.decode(
        data["access_token"], TEST_SECRET, algorithms=["HS256"], audience="authenticated"
    )
    assert jwt.get_unverified_header(data["access_token"])["alg"] == "HS256"
    assert claims["sub"] == data["user"]["user_id"]
    assert claims["email"] == body["email"]
    assert claims["role"] == "authenticated"
    assert claims["aud"] == "authenticated"
    assert claims["iss"] == app_server.settings.token_issuer
    assert before <= claims["iat"] <= after
    assert claims["exp"] - claims["iat"] == data["expires_in"]


async def test_login_returns_a_working_token_for_the_same_user(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post(
        "/auth/login", json={"email": account.email, "password": account.password}
    )

    assert response.status_code == 200, response.text
    data = response.json()
    assert data["token_type"] == "bearer"
    assert data["expires_in"] > 0
    assert data["user"]["user_id"] == str(account.id)
    assert data["user"]["username"] == account.username
    assert data["user"]["email"] == account.email
    me = await http.get("/auth/me", headers=bearer(data["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == str(account.id)


async def test_login_accepts_the_email_in_any_case(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post(
        "/auth/login", json={"email": account.email.upper(), "password": account.password}
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["user_id"] == str(account.id)


async def test_login_wrong_password_and_unknown_email_fail_alike_with_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    wrong_password = await http.post(
        "/auth/login", json={"email": account.email, "password": account.password + "-nope"}
    )
    unknown_email = await http.post(
        "/auth/login",
        json={"email": f"nobody-{secrets.token_hex(4)}@example.com", "password": account.password},
    )

    assert_unauthorized(wrong_password)
    assert_unauthorized(unknown_email)
    assert wrong_password.json()["message"] == unknown_email.json()["message"]
    assert "access_token" not in wrong_password.json()


async def test_signup_with_a_taken_email_is_409(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post("/auth/signup", json=signup_body(email=account.email))
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "email"
    assert response.json()["message"]


async def test_signup_with_a_taken_email_in_another_case_is_409(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post("/auth/signup", json=signup_body(email=account.email.upper()))
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "email"


async def test_signup_with_a_taken_username_is_409(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post("/auth/signup", json=signup_body(username=account.username))
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "username"


async def test_signup_with_a_taken_username_in_another_case_is_409(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post("/auth/signup", json=signup_body(username=account.username.upper()))
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "username"


async def test_concurrent_signups_with_one_email_create_one_account_and_409_the_rest(
    http: httpx.AsyncClient, database: Database
) -> None:
    email = f"race-{secrets.token_hex(4)}@example.com"
    bodies = [signup_body(email=email) for _ in range(5)]

    responses = await asyncio.gather(*(http.post("/auth/signup", json=b) for b in bodies))

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409], [
        r.text for r in responses
    ]
    async with database.session() as session:
        holders = await session.scalar(
            select(func.count()).select_from(User).where(User.email == email)
        )
    assert holders == 1


async def test_signup_with_a_short_password_is_422(http: httpx.AsyncClient) -> None:
    response = await http.post("/auth/signup", json=signup_body(password="short7!"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "password"
    assert response.json()["message"].startswith("password:")


async def test_signup_with_an_invalid_email_is_422(http: httpx.AsyncClient) -> None:
    for email in ("not-an-email", "two@@example.com", "missing-domain@", ""):
        response = await http.post("/auth/signup", json=signup_body(email=email))
        assert response.status_code == 422, (email, response.text)
        assert response.json()["errors"][0]["field"] == "email"


async def test_signup_with_a_bad_username_is_422(http: httpx.AsyncClient) -> None:
    for username in ("ab", "has space", "x" * 33, "semi;colon", ""):
        response = await http.post("/auth/signup", json=signup_body(username=username))
        assert response.status_code == 422, (username, response.text)
        assert response.json()["errors"][0]["field"] == "username"


async def test_me_returns_the_caller_with_our_token(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.get("/auth/me", headers=account.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user_id"] == str(account.id)
    assert body["email"] == account.email
    assert body["username"] == account.username
    assert body["role"] == "user"


# --- the rejection matrix ----------------------------------------------------------------------


async def test_me_without_authorization_header_is_401(http: httpx.AsyncClient) -> None:
    assert_unauthorized(await http.get("/auth/me"))


async def test_me_with_a_non_bearer_scheme_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.get("/auth/me", headers={"Authorization": f"Basic {account.token}"})
    assert_unauthorized(response)


async def test_me_with_a_bearer_scheme_but_no_token_is_401(http: httpx.AsyncClient) -> None:
    assert_unauthorized(await http.get("/auth/me", headers={"Authorization": "Bearer"}))


async def test_me_with_a_garbage_token_is_401(http: httpx.AsyncClient) -> None:
    for token in ("garbage", "a.b.c", "not-a-jwt-at-all." * 3):
        assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_me_with_an_oversized_token_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, padding="x" * 7_000)
    assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_me_with_a_wrong_signature_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, secret="another-secret-" + "y" * 40)
    assert_unauthorized(
        await http.get("/auth/me", headers=bearer(token)), "access token signature is invalid"
    )


async def test_me_with_a_tampered_payload_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    victim = await accounts.signup()
    attacker = await accounts.signup()
    header, _payload, signature = attacker.token.split(".")
    claims = jwt.decode(attacker.token, options={"verify_signature": False})
    forged = ".".join((header, b64url({**claims, "sub": str(victim.id)}), signature))
    assert_unauthorized(await http.get("/auth/me", headers=bearer(forged)))


async def test_me_with_an_expired_token_is_401(http: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, lifetime=-3600)
    assert_unauthorized(await http.get("/auth/me", headers=bearer(token)), "access token expired")


async def test_me_with_alg_none_is_401(http: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.signup()
    now = int(time.time())
    payload: dict[str, object] = {
        "sub": str(account.id),
        "email": account.email,
        "role": "authenticated",
        "aud": "authenticated",
        "iat": now,
        "exp": now + 3600,
    }
    for alg in ("none", "None", "NONE"):
        token = f"{b64url({'alg': alg, 'typ': 'JWT'})}.{b64url(payload)}."
        assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_me_with_hs384_signed_by_the_right_secret_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, algorithm="HS384")
    assert_unauthorized(
        await http.get("/auth/me", headers=bearer(token)),
        "access tokens must be signed with HS256",
    )


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_me_with_hs512_signed_by_the_right_secret_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, algorithm="HS512")
    assert_unauthorized(
        await http.get("/auth/me", headers=bearer(token)),
        "access tokens must be signed with HS256",
    )


async def test_me_with_a_wrong_audience_is_401(http: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, aud="service_role")
    assert_unauthorized(
        await http.get("/auth/me", headers=bearer(token)), "access token has the wrong audience"
    )


async def test_me_without_an_audience_is_401(http: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, aud=None)
    assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_me_with_a_subject_that_is_not_a_uuid_is_401(http: httpx.AsyncClient) -> None:
    for sub in ("not-a-uuid", "12345", "anonymous"):
        assert_unauthorized(await http.get("/auth/me", headers=bearer(mint_token(sub))))


async def test_me_without_a_subject_is_401(http: httpx.AsyncClient) -> None:
    claims = jwt.decode(mint_token(uuid.uuid4()), options={"verify_signature": False})
    del claims["sub"]
    token = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_me_without_an_expiry_is_401(http: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, exp=None)
    assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_me_with_a_token_not_yet_valid_is_401(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, nbf=int(time.time()) + 3600)
    assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))


async def test_rejections_do_not_create_a_profile(
    http: httpx.AsyncClient, database: Database
) -> None:
    sub = uuid.uuid4()
    for token in (
        mint_token(sub, lifetime=-3600),
        mint_token(sub, secret="another-secret-" + "y" * 40),
        mint_token(sub, aud="other"),
        mint_token(sub, algorithm="HS384"),
    ):
        assert_unauthorized(await http.get("/auth/me", headers=bearer(token)))
    async with database.session() as session:
        assert await session.get(User, sub) is None


# --- the issuer --------------------------------------------------------------------------------


async def test_any_issuer_is_accepted_when_none_is_configured(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    for token in (
        mint_token(account.id, iss="https://somewhere-else.example"),
        mint_token(account.id, iss=None),
    ):
        response = await http.get("/auth/me", headers=bearer(token))
        assert response.status_code == 200, response.text
        assert response.json()["user_id"] == str(account.id)


@pytest.fixture(scope="module")
def issuer_app(
    database: Database,
    temporal_server: DevServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A second app on the same database that requires ``iss`` to be :data:`ISSUER`."""
    tmp_path: Path = tmp_path_factory.mktemp("issuer-app")
    settings = make_settings(tmp_path, database.url, temporal_server.address, jwt_issuer=ISSUER)
    port = free_port()
    with ThreadedServer(create_app(settings), port):
        yield f"http://127.0.0.1:{port}"


async def test_configured_issuer_accepts_tokens_from_that_issuer(
    issuer_app: str, accounts: Accounts
) -> None:
    account = await accounts.signup()
    async with httpx.AsyncClient(base_url=issuer_app, timeout=10) as client:
        response = await client.get("/auth/me", headers=bearer(mint_token(account.id, iss=ISSUER)))
    assert response.status_code == 200, response.text
    assert response.json()["user_id"] == str(account.id)


async def test_configured_issuer_rejects_a_wrong_or_missing_issuer(
    issuer_app: str, accounts: Accounts
) -> None:
    account = await accounts.signup()
    async with httpx.AsyncClient(base_url=issuer_app, timeout=10) as client:
        wrong = await client.get(
            "/auth/me", headers=bearer(mint_token(account.id, iss="https://evil.example"))
        )
        missing = await client.get("/auth/me", headers=bearer(mint_token(account.id, iss=None)))
        # Tokens the main app issued name "peerprep" as their issuer.
        ours_elsewhere = await client.get("/auth/me", headers=account.headers)
    assert_unauthorized(wrong, "access token has the wrong issuer")
    assert_unauthorized(missing)
    assert_unauthorized(ours_elsewhere)


async def test_configured_issuer_signs_its_own_tokens_with_that_issuer(issuer_app: str) -> None:
    async with httpx.AsyncClient(base_url=issuer_app, timeout=10) as client:
        signup = await client.post("/auth/signup", json=signup_body())
        assert signup.status_code == 201, signup.text
        token = signup.json()["access_token"]
        me = await client.get("/auth/me", headers=bearer(token))
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"], audience="authenticated")
    assert claims["iss"] == ISSUER
    assert me.status_code == 200, me.text


# --- external tokens ---------------------------------------------------------------------------


async def test_external_token_for_an_existing_account_acts_as_that_account(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    token = mint_token(account.id, email=account.email)
    response = await http.get("/profile/me", headers=bearer(token))
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["user_id"] == str(account.id)
    assert profile["username"] == account.username


async def test_external_token_for_an_unknown_sub_creates_the_profile_on_first_sight(
    http: httpx.AsyncClient, database: Database
) -> None:
    sub = uuid.uuid4()
    local = f"ada.lovelace.{secrets.token_hex(4)}"
    email = f"{local}@supabase.example"
    async with database.session() as session:
        assert await session.get(User, sub) is None

    response = await http.get("/profile/me", headers=bearer(mint_token(sub, email=email)))

    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["user_id"] == str(sub)
    assert profile["email"] == email
    assert profile["username"] == local
    assert profile["role"] == "user"
    assert profile["total_points"] == 0
    assert profile["questions_completed"] == 0
    async with database.session() as session:
        stored = await session.get(User, sub)
        assert stored is not None
        assert stored.password_hash is None
        assert stored.email == email


async def test_external_profile_is_reused_on_the_next_request(
    http: httpx.AsyncClient, database: Database
) -> None:
    sub = uuid.uuid4()
    email = f"reuse-{secrets.token_hex(4)}@supabase.example"
    first = await http.get("/profile/me", headers=bearer(mint_token(sub, email=email)))
    assert first.status_code == 200, first.text
    patched = await http.patch(
        "/profile/me", headers=bearer(mint_token(sub, email=email)), json={"first_name": "Ada"}
    )
    assert patched.status_code == 200, patched.text
    # A later token (even with another email claim) names the same profile.
    second = await http.get("/profile/me", headers=bearer(mint_token(sub, email=f"other-{email}")))

    assert second.status_code == 200, second.text
    assert second.json()["profile"] == {**first.json()["profile"], "first_name": "Ada"}
    async with database.session() as session:
        count = await session.scalar(select(func.count()).select_from(User).where(User.id == sub))
    assert count == 1


async def test_concurrent_first_requests_for_one_sub_create_exactly_one_profile(
    http: httpx.AsyncClient, database: Database
) -> None:
    sub = uuid.uuid4()
    email = f"burst-{secrets.token_hex(4)}@supabase.example"
    token = mint_token(sub, email=email)

    responses = await asyncio.gather(
        *(http.get("/profile/me", headers=bearer(token)) for _ in range(10))
    )

    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses]
    profiles = [r.json()["profile"] for r in responses]
    assert all(profile == profiles[0] for profile in profiles)
    assert profiles[0]["user_id"] == str(sub)
    assert profiles[0]["email"] == email
    async with database.session() as session:
        by_id = await session.scalar(select(func.count()).select_from(User).where(User.id == sub))
        by_email = await session.scalar(
            select(func.count()).select_from(User).where(User.email == email)
        )
    assert by_id == 1
    assert by_email == 1


async def test_external_token_with_another_accounts_email_gets_a_separate_profile(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    owner = await accounts.signup()
    questions = await http.get("/questions", params={"pageSize": 1})
    assert questions.status_code == 200, questions.text
    question_id = questions.json()["items"][0]["id"]
    reported = await http.post(
        "/attempts",
        headers=owner.headers,
        json={"question_id": question_id, "status": "completed"},
    )
    assert reported.status_code == 201, reported.text

    sub = uuid.uuid4()
    token = mint_token(sub, email=owner.email.upper())
    me = await http.get("/profile/me", headers=bearer(token))
    history = await http.get("/attempts", headers=bearer(token))

    assert me.status_code == 200, me.text
    profile = me.json()["profile"]
    assert profile["user_id"] == str(sub)
    assert profile["email"] is None
    assert profile["username"] != owner.username
    assert history.status_code == 200, history.text
    assert history.json()["total"] == 0
    assert history.json()["items"] == []
    # The owner's account is untouched.
    owner_me = await http.get("/profile/me", headers=owner.headers)
    assert owner_me.json()["profile"]["email"] == owner.email
    assert owner_me.json()["profile"]["user_id"] == str(owner.id)


async def test_role_claim_admin_never_makes_a_new_external_user_an_admin(
    http: httpx.AsyncClient,
) -> None:
    token = mint_token(uuid.uuid4(), role="admin")
    me = await http.get("/profile/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    assert me.json()["profile"]["role"] == "user"

    response = await http.post("/questions", headers=bearer(token), json=question_body())
    assert response.status_code == 403, response.text
    assert response.json()["message"] == "this action needs an administrator"


async def test_role_claim_admin_never_makes_an_existing_account_an_admin(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account: Account = await accounts.signup()
    for role in ("admin", "service_role"):
        token = mint_token(account.id, email=account.email, role=role)
        response = await http.post("/questions", headers=bearer(token), json=question_body())
        assert response.status_code == 403, response.text


async def test_concurrent_first_requests_of_subs_sharing_an_email_all_succeed(
    http: httpx.AsyncClient, database: Database
) -> None:
    email = f"shared-{secrets.token_hex(4)}@supabase.example"
    subs = [uuid.uuid4() for _ in range(6)]

    responses = await asyncio.gather(
        *(http.get("/profile/me", headers=bearer(mint_token(sub, email=email))) for sub in subs)
    )

    assert [r.status_code for r in responses] == [200] * len(subs), [r.text for r in responses]
    profiles = [r.json()["profile"] for r in responses]
    assert [p["user_id"] for p in profiles] == [str(sub) for sub in subs]
    # One of them holds the email; the others got a profile without one.
    assert sorted(p["email"] is not None for p in profiles) == [False] * (len(subs) - 1) + [True]
    assert len({p["username"] for p in profiles}) == len(subs)
    async with database.session() as session:
        holders = await session.scalar(
            select(func.count()).select_from(User).where(User.email == email)
        )
    assert holders == 1


async def test_external_token_with_an_overlong_email_creates_a_profile_without_it(
    http: httpx.AsyncClient,
) -> None:
    sub = uuid.uuid4()
    email = f"{'a' * 64}@{'b' * 300}.example"
    response = await http.get("/profile/me", headers=bearer(mint_token(sub, email=email)))
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["user_id"] == str(sub)
    assert profile["email"] is None
