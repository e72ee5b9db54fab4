"""``/attempts``: a student's own history, end to end. Client reports never award points."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from storage import users
from storage.database import Database
from tests.helpers.accounts import Account, Accounts
from tests.helpers.records import history

ATTEMPT_FIELDS = {
    "id",
    "user_id",
    "question_id",
    "question",
    "session_id",
    "partner_id",
    "status",
    "best_run_id",
    "best_verdict",
    "language",
    "code",
    "points_awarded",
    "started_at",
    "submitted_at",
    "created_at",
}
ABSENT_QUESTION_ID = 2**31 - 1


async def report(
    http: httpx.AsyncClient, account: Account, question_id: int, **fields: Any
) -> dict[str, Any]:
    response = await http.post(
        "/attempts",
        headers=account.headers,
        json={"question_id": question_id, "status": "completed", **fields},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0), value
    return parsed


async def test_report_attempt_returns_201_with_no_points_for_the_caller(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    question = bank[0]
    started = "2024-05-01T10:00:00+00:00"
    submitted = "2024-05-01T10:30:00+00:00"
    response = await http.post(
        "/attempts",
        headers=account.headers,
        json={
            "question_id": question["id"],
            "status": "completed",
            "started_at": started,
            "submitted_at": submitted,
            "language": "python",
            "code": "print(42)",
        },
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == ATTEMPT_FIELDS
    uuid.UUID(body["id"])
    assert body["user_id"] == str(account.id)
    assert body["question_id"] == question["id"]
    assert body["status"] == "completed"
    assert body["points_awarded"] == 0
    assert body["language"] == "python"
    assert body["code"] == "print(42)"
    assert body["session_id"] is None
    assert body["partner_id"] is None
    assert instant(body["started_at"]) == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert instant(body["submitted_at"]) == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert abs(instant(body["created_at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    # Without a snapshot in the body, the question as it is now is kept.
    assert body["question"]["id"] == question["id"]
    assert body["question"]["title"] == question["title"]
    assert body["question"]["difficulty"] == question["difficulty"]


async def test_report_attempt_with_only_the_required_fields(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    body = await report(http, account, bank[0]["id"], status="attempted")
    assert body["status"] == "attempted"
    assert body["started_at"] is None
    assert body["submitted_at"] is None
    assert body["language"] is None
    assert body["code"] is None


async def test_report_attempt_keeps_the_clients_question_snapshot(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    snapshot = {"id": bank[0]["id"], "title": "As I saw it", "difficulty": "Easy"}
    body = await report(http, account, bank[0]["id"], question=snapshot)
    assert body["question"] == snapshot
    listed = await history(http, account)
    assert listed["items"][0]["question"] == snapshot


async def test_report_attempt_never_takes_the_user_or_points_from_the_body(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    caller = await accounts.signup()
    victim = await accounts.signup()
    body = await report(
        http,
        caller,
        bank[0]["id"],
        user_id=str(victim.id),
        userId=str(victim.id),
        points_awarded=5,
        partner_id=str(victim.id),
        session_id="forged-session",
    )

    assert body["user_id"] == str(caller.id)
    assert body["points_awarded"] == 0
    assert body["partner_id"] is None
    assert body["session_id"] is None
    assert (await history(http, victim))["total"] == 0
    assert (await history(http, caller))["total"] == 1


async def test_report_attempt_without_a_token_is_401(
    http: httpx.AsyncClient, bank: list[dict[str, Any]]
) -> None:
    response = await http.post(
        "/attempts", json={"question_id": bank[0]["id"], "status": "completed"}
    )
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def test_list_attempts_without_a_token_is_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/attempts")
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def test_list_attempts_is_newest_first_and_only_the_callers(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    caller = await accounts.signup()
    other = await accounts.signup()
    created = [
        await report(http, caller, bank[0]["id"], status="attempted"),
        await report(http, other, bank[0]["id"]),
        await report(http, caller, bank[1]["id"], status="completed"),
        await report(http, caller, bank[0]["id"], status="abandoned"),
    ]
    mine = [created[0], created[2], created[3]]

    body = await history(http, caller)

    assert set(body) == {"total", "page", "pageSize", "items"}
    assert body["total"] == 3
    assert body["page"] == 1
    assert body["pageSize"] == 20
    assert [item["id"] for item in body["items"]] == [a["id"] for a in reversed(mine)]
    # Listed without their code.
    assert body["items"] == [
        {key: value for key, value in attempt.items() if key != "code"}
        for attempt in reversed(mine)
    ]
    assert {item["user_id"] for item in body["items"]} == {str(caller.id)}
    other_history = await history(http, other)
    assert [item["id"] for item in other_history["items"]] == [created[1]["id"]]


async def test_list_attempts_of_a_new_user_is_empty(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    assert await history(http, account) == {"total": 0, "page": 1, "pageSize": 20, "items": []}


async def test_list_attempts_paginates(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    created = [await report(http, account, bank[n % 2]["id"]) for n in range(5)]
    newest_first = [attempt["id"] for attempt in reversed(created)]

    pages = [await history(http, account, page=n, pageSize=2) for n in (1, 2, 3, 4)]

    assert [page["total"] for page in pages] == [5, 5, 5, 5]
    assert [page["page"] for page in pages] == [1, 2, 3, 4]
    assert [page["pageSize"] for page in pages] == [2, 2, 2, 2]
    assert [[item["id"] for item in page["items"]] for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:5],
        [],
    ]


async def test_list_attempts_caps_the_page_size_at_100(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    await report(http, account, bank[0]["id"])
    body = await history(http, account, pageSize=5000)
    assert body["pageSize"] == 100
    assert body["total"] == 1
    assert len(body["items"]) == 1


async def test_list_attempts_with_invalid_paging_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    for params in ({"page": 0}, {"pageSize": 0}, {"page": "x"}, {"pageSize": -1}):
        response = await http.get("/attempts", headers=account.headers, params=params)
        assert response.status_code == 422, (params, response.text)


async def test_report_attempt_for_an_unknown_question_is_404(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    response = await http.post(
        "/attempts",
        headers=account.headers,
        json={"question_id": ABSENT_QUESTION_ID, "status": "completed"},
    )
    assert response.status_code == 404, response.text
    assert response.json()["message"] == f"question {ABSENT_QUESTION_ID} does not exist"
    assert (await history(http, account))["total"] == 0


async def test_report_attempt_with_an_invalid_status_is_422(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    for status in ("", "   ", "done!", "x" * 33, "<script>", "completed\n1"):
        response = await http.post(
            "/attempts",
            headers=account.headers,
            json={"question_id": bank[0]["id"], "status": status},
        )
        assert response.status_code == 422, (status, response.text)
        assert response.json()["errors"][0]["field"] == "status"
    assert (await history(http, account))["total"] == 0


async def test_report_attempt_with_wrong_types_is_422(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    question_id = bank[0]["id"]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("question_id", {"question_id": "abc", "status": "completed"}),
        ("question_id", {"question_id": 1.5, "status": "completed"}),
        ("question_id", {"question_id": 0, "status": "completed"}),
        ("question_id", {"question_id": 2**31, "status": "completed"}),
        ("question_id", {"question_id": None, "status": "completed"}),
        ("question_id", {"status": "completed"}),
        ("status", {"question_id": question_id}),
        ("status", {"question_id": question_id, "status": 5}),
        ("status", {"question_id": question_id, "status": ["completed"]}),
        ("started_at", {"question_id": question_id, "status": "completed", "started_at": "soon"}),
        (
            "submitted_at",
            {"question_id": question_id, "status": "completed", "submitted_at": [2024]},
        ),
        ("question", {"question_id": question_id, "status": "completed", "question": "Two Sum"}),
        ("question", {"question_id": question_id, "status": "completed", "question": [1, 2]}),
        ("code", {"question_id": question_id, "status": "completed", "code": 42}),
        ("language", {"question_id": question_id, "status": "completed", "language": {}}),
    ]
    for field, body in cases:
        response = await http.post("/attempts", headers=account.headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field, (body, response.text)
    assert (await history(http, account))["total"] == 0


async def test_report_attempt_with_a_body_that_is_not_an_object_is_422(
    http: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.signup()
    for content in (b"[]", b"null", b"not json", b'"completed"'):
        response = await http.post(
            "/attempts",
            headers={**account.headers, "Content-Type": "application/json"},
            content=content,
        )
        assert response.status_code == 422, (content, response.text)
        assert response.json()["message"]


async def test_report_attempt_with_huge_code_is_422(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    response = await http.post(
        "/attempts",
        headers=account.headers,
        json={"question_id": bank[0]["id"], "status": "completed", "code": "x" * 200_001},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "code"
    assert (await history(http, account))["total"] == 0


async def test_report_attempt_with_code_at_the_limit_is_kept_whole(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    code = "y" * 200_000
    body = await report(http, account, bank[0]["id"], code=code)
    assert body["code"] == code
    listed = (await history(http, account))["items"][0]
    assert "code" not in listed
    detail = await http.get(f"/attempts/{listed['id']}", headers=account.headers)
    assert detail.json()["code"] == code


async def test_report_attempt_with_a_huge_question_snapshot_is_422(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    response = await http.post(
        "/attempts",
        headers=account.headers,
        json={
            "question_id": bank[0]["id"],
            "status": "completed",
            "question": {"title": "z" * 70_000},
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "question.title"


async def test_report_attempt_over_the_body_limit_is_413(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    response = await http.post(
        "/attempts",
        headers=account.headers,
        json={"question_id": bank[0]["id"], "status": "completed", "code": "x" * 2_000_000},
    )
    assert response.status_code == 413, response.text
    assert response.json()["message"]


async def test_report_attempt_takes_naive_timestamps_as_utc(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    body = await report(
        http,
        account,
        bank[0]["id"],
        started_at="2024-03-01T10:00:00",
        submitted_at="2024-03-01T12:15:30.250000",
    )

    assert instant(body["started_at"]) == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert instant(body["submitted_at"]) == datetime(2024, 3, 1, 12, 15, 30, 250000, tzinfo=UTC)
    stored = (await history(http, account))["items"][0]
    assert instant(stored["started_at"]) == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert instant(stored["submitted_at"]) == datetime(2024, 3, 1, 12, 15, 30, 250000, tzinfo=UTC)


async def test_report_attempt_converts_offset_timestamps_to_utc(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    body = await report(http, account, bank[0]["id"], started_at="2024-03-01T12:00:00+02:00")
    assert instant(body["started_at"]) == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    stored = (await history(http, account))["items"][0]
    assert instant(stored["started_at"]) == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


async def test_report_attempt_lowercases_the_status(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    body = await report(http, account, bank[0]["id"], status="Completed")
    assert body["status"] == "completed"


async def test_reported_completed_attempt_awards_no_points(
    http: httpx.AsyncClient, accounts: Accounts, database: Database, bank: list[dict[str, Any]]
) -> None:
    account = await accounts.signup()
    async with database.session() as session:
        user = await users.get_user(session, account.id)
        assert user is not None
        user.total_points = 7
        user.questions_completed = 2
        await session.commit()

    for question in bank:
        body = await report(http, account, question["id"], status="completed")
        assert body["points_awarded"] == 0

    profile = (await http.get("/profile/me", headers=account.headers)).json()["profile"]
    assert profile["total_points"] == 7
    assert profile["questions_completed"] == 2
    async with database.session() as session:
        user = await users.get_user(session, account.id)
        assert user is not None
        assert (user.total_points, user.questions_completed) == (7, 2)


async def test_an_attempt_with_its_code_is_its_owners_alone(
    http: httpx.AsyncClient, accounts: Accounts, bank: list[dict[str, Any]]
) -> None:
    owner, other = await accounts.signup(), await accounts.signup()
    body = await report(http, owner, bank[0]["id"], code="secret = 1")
    mine = await http.get(f"/attempts/{body['id']}", headers=owner.headers)
    theirs = await http.get(f"/attempts/{body['id']}", headers=other.headers)
    unknown = await http.get(f"/attempts/{uuid.uuid4()}", headers=owner.headers)
    assert mine.json()["code"] == "secret = 1"
    assert theirs.status_code == 404
    assert theirs.json()["message"]
    assert unknown.status_code == 404
