"""A question's runnable data through the admin API, on both databases: written with the
question (``runnable``), checked by the rules of the bank's files (a 422 naming the field,
nothing changed), removed with null, read in full by admins only; a student never sees a hidden
case; and a room on the question runs against what SQL holds at the time of the run."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from execution.languages import LANGUAGES
from execution.runnable import MAX_CASES
from execution.signature import Signature
from tests.helpers.accounts import Account, Accounts
from tests.helpers.code_runs import executor_stack, needs_a_sandbox, submitted, write
from tests.helpers.live_stack import LiveStack
from tests.helpers.questions import assert_error, create, listing, question_body, unique
from tests.helpers.rooms import Peers, join, queued, settled

StackFactory = Callable[..., LiveStack]
# A hidden case's input no student may ever be shown.
SECRET = 7_654_321


def runnable_body(**overrides: Any) -> dict[str, Any]:
    """Runnable data for ``add_two(a, b) -> a + b``: two public cases, ten hidden ones (one of
    them holding :data:`SECRET`); keyword arguments replace fields."""
    cases = [
        {"input": {"a": 1, "b": 2}, "output": 3, "public": True},
        {"input": {"a": -4, "b": 4}, "output": 0, "public": True},
        {"input": {"a": SECRET, "b": 1}, "output": SECRET + 1},
        *({"input": {"a": n, "b": n * 3}, "output": n * 4} for n in range(9)),
    ]
    body: dict[str, Any] = {
        "signature": {
            "function": "add_two",
            "params": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}],
            "returns": "int",
        },
        "cases": cases,
    }
    body.update(overrides)
    return body


def normal(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` as the API gives it back: every default filled in."""
    return {
        "signature": body["signature"],
        "comparison": body.get("comparison", {"rule": "exact"}),
        "time_limit_ms": body.get("time_limit_ms", 2000),
        "cases": [{**case, "public": case.get("public", False)} for case in body["cases"]],
    }


async def runnable_of(http: httpx.AsyncClient, admin: Account, question_id: int) -> Any:
    response = await http.get(f"/questions/{question_id}/runnable", headers=admin.headers)
    return response.json() if response.status_code == 200 else response.status_code


# --- writing and reading ------------------------------------------------------------------------


async def test_a_question_created_with_runnable_data_gives_it_back_to_admins_in_full(
    http: httpx.AsyncClient, admin: Account
) -> None:
    body = runnable_body(time_limit_ms=1500)
    made = await create(http, admin, runnable=body)
    assert "runnable" not in made
    assert await runnable_of(http, admin, made["id"]) == normal(body)


async def test_an_edit_that_leaves_runnable_out_keeps_it_and_null_removes_it(
    http: httpx.AsyncClient, admin: Account
) -> None:
    made = await create(http, admin, runnable=runnable_body())
    url = f"/questions/{made['id']}"
    patched = await http.patch(url, json={"acceptance_rate": 12.5}, headers=admin.headers)
    assert patched.status_code == 200, patched.text
    put = await http.put(url, json=question_body(title=made["title"]), headers=admin.headers)
    assert put.status_code == 200, put.text
    assert await runnable_of(http, admin, made["id"]) == normal(runnable_body())

    replaced = runnable_body(comparison={"rule": "float", "tolerance": 0.01}, time_limit_ms=900)
    replaced["signature"]["returns"] = "double"
    response = await http.patch(url, json={"runnable": replaced}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert await runnable_of(http, admin, made["id"]) == normal(replaced)

    response = await http.patch(url, json={"runnable": None}, headers=admin.headers)
    assert response.status_code == 200, response.text
    message = assert_error(await http.get(f"{url}/runnable", headers=admin.headers), 404)
    assert "no runnable data" in message
    # PUT sets it again, and takes it away with an explicit null.
    body = question_body(title=made["title"], runnable=runnable_body())
    assert (await http.put(url, json=body, headers=admin.headers)).status_code == 200
    assert await runnable_of(http, admin, made["id"]) == normal(runnable_body())
    body["runnable"] = None
    assert (await http.put(url, json=body, headers=admin.headers)).status_code == 200
    assert await runnable_of(http, admin, made["id"]) == 404


async def test_runnable_data_past_the_default_body_limit_is_taken_up_to_its_own_bound(
    http: httpx.AsyncClient, admin: Account
) -> None:
    # A hidden stress case of about 1.5 MB: more than the one mebibyte other bodies may have.
    big = runnable_body()
    big["signature"]["params"][0]["type"] = "list<int>"
    big["cases"] = [
        {"input": {"a": [1, 2], "b": 1}, "output": 3, "public": True},
        {"input": {"a": [100_000] * 200_000, "b": 5}, "output": 5},
    ]
    made = await create(http, admin, runnable=big)
    assert await runnable_of(http, admin, made["id"]) == normal(big)


Change = Callable[[dict[str, Any]], Any]


def _with(path: str, value: Any) -> Change:
    """The runnable data with the field at ``path`` (dots and [indexes]) set to ``value``."""
    keys = [
        int(part) if part.isdigit() else part
        for part in path.replace("[", ".").replace("]", "").split(".")
    ]

    def change(data: dict[str, Any]) -> Any:
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
        return data

    return change


def _without(field: str) -> Change:
    return lambda data: {key: value for key, value in data.items() if key != field}


def _no_public_case(data: dict[str, Any]) -> Any:
    for case in data["cases"]:
        case["public"] = False
    return data


def _lists(*cases: tuple[list[Any], bool]) -> Change:
    """Data for ``add_two(a: list<int>, b) -> int`` with these cases (``a``, public)."""

    def change(data: dict[str, Any]) -> Any:
        data["signature"]["params"][0]["type"] = "list<int>"
        data["cases"] = [{"input": {"a": a, "b": 0}, "output": 1, "public": p} for a, p in cases]
        return data

    return change


ONE = {"input": {"a": 1, "b": 1}, "output": 2, "public": True}
# (what is wrong, runnable_body() changed to have it, the field the 422 names in ``runnable``)
BAD_RUNNABLE: list[tuple[str, Change, str]] = [
    ("not an object", lambda _data: "add them", ""),
    ("no signature", _without("signature"), "signature"),
    ("a camelCase function", _with("signature.function", "addTwo"), "signature.function"),
    ("a keyword as a name", _with("signature.params[1].name", "class"), "signature.params[1].name"),
    ("an unknown type", _with("signature.params[1].type", "float"), "signature.params[1].type"),
    ("a type not a string", _with("signature.params[0].type", 5), "signature.params[0].type"),
    ("lists three deep", _with("signature.returns", "list<list<list<int>>>"), "signature.returns"),
    ("twice the same name", _with("signature.params[1].name", "a"), "signature"),
    ("an unknown rule", _with("comparison", {"rule": "close enough"}), "comparison"),
    ("a tolerance of 2", _with("comparison", {"rule": "float", "tolerance": 2}), "comparison.tolerance"),  # noqa: E501
    ("unordered for an int", _with("comparison", {"rule": "unordered"}), "comparison"),
    ("a time limit too short", _with("time_limit_ms", 50), "time_limit_ms"),
    ("a time limit in words", _with("time_limit_ms", "fast"), "time_limit_ms"),
    ("no cases", _with("cases", []), "cases"),
    ("too many cases", _with("cases", [ONE] * (MAX_CASES + 1)), "cases"),
    ("a case not an object", _with("cases[4]", [1, 2]), "cases[4]"),
    ("a case without output", _with("cases[5]", {"input": {"a": 1, "b": 1}}), "cases[5]"),
    ("an output of the wrong type", _with("cases[3].output", "3"), "cases[3].output"),
    ("an input missing a parameter", _with("cases[1].input", {"a": 1}), "cases[1].input"),
    ("an int out of range", _with("cases[2].input.b", 2**31), "cases[2].input.b"),
    ("a wrong item in a list", _lists(([1, 2], True), ([3, "4"], False)), "cases[1].input.a[1]"),
    ("public in words", _with("cases[0].public", "yes"), "cases[0].public"),
    ("no public case", _no_public_case, "cases"),
    ("a field a case does not have", _with("cases[1].note", "x"), "cases[1].note"),
    ("a misspelt field", _with("timeLimitMs", 1000), "timeLimitMs"),
    ("an id of its own", _with("id", 3), "id"),
    ("public cases too large", _lists(([1] * 20_000, True), ([1] * 20_000, True)), "cases[1]"),
    ("more than its bound", _lists(([1], True), ([100_000] * 300_000, False)), "cases"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [pytest.param(change, field, id=what) for what, change, field in BAD_RUNNABLE],
)
async def test_invalid_runnable_data_is_422_naming_the_field_and_changes_nothing(
    http: httpx.AsyncClient, admin: Account, change: Change, field: str
) -> None:
    bad = change(copy.deepcopy(runnable_body()))
    field = f"runnable.{field}" if field else "runnable"
    made = await create(http, admin, runnable=runnable_body())
    url = f"/questions/{made['id']}"
    for method, body in [
        ("PATCH", {"description": "Changed.", "runnable": bad}),
        ("PUT", question_body(runnable=bad)),
    ]:
        response = await http.request(method, url, json=body, headers=admin.headers)
        message = assert_error(response, 422, f"{field}: ")
        assert response.json()["errors"][0]["field"] == field, message
        assert (await http.get(url)).json() == made
        assert await runnable_of(http, admin, made["id"]) == normal(runnable_body())
    refused = question_body(runnable=bad)
    assert_error(await http.post("/questions", json=refused, headers=admin.headers), 422, field)
    assert (await listing(http, q=refused["title"]))["total"] == 0


# --- who may ------------------------------------------------------------------------------------


async def test_a_student_can_neither_read_nor_write_runnable_data(
    http: httpx.AsyncClient, admin: Account, accounts: Accounts
) -> None:
    student = await accounts.signup()
    made = await create(http, admin, runnable=runnable_body())
    url = f"/questions/{made['id']}"
    assert_error(await http.get(f"{url}/runnable", headers=student.headers), 403)
    assert_error(await http.get(f"{url}/runnable"), 401)
    changed = runnable_body(time_limit_ms=5000)
    for method, body in [("PATCH", {"runnable": changed}), ("PATCH", {"runnable": None})]:
        response = await http.request(method, url, json=body, headers=student.headers)
        assert_error(response, 403)
    new = question_body(runnable=changed)
    assert_error(await http.post("/questions", json=new, headers=student.headers), 403)
    assert await runnable_of(http, admin, made["id"]) == normal(runnable_body())


async def test_no_question_route_shows_a_student_a_hidden_case(
    http: httpx.AsyncClient, admin: Account, accounts: Accounts
) -> None:
    student = await accounts.signup()
    made = await create(http, admin, runnable=runnable_body())
    seen = [
        await http.get(f"/questions/{made['id']}", headers=student.headers),
        await http.get("/questions", params={"q": made["title"]}, headers=student.headers),
        await http.get(f"/questions/{made['id']}/runnable", headers=student.headers),
    ]
    assert [response.status_code for response in seen] == [200, 200, 403]
    assert all(str(SECRET) not in response.text for response in seen)
    assert (
        str(SECRET)
        in (await http.get(f"/questions/{made['id']}/runnable", headers=admin.headers)).text
    )


# --- a room runs what SQL holds -----------------------------------------------------------------


async def test_a_room_runs_against_the_runnable_data_an_admin_sets_at_the_time_of_the_run(
    live_stack: StackFactory,
    peers: Peers,
    accounts: Accounts,
    http: httpx.AsyncClient,
    admin: Account,
) -> None:
    needs_a_sandbox()
    topic = unique("Runnable")
    made = await create(http, admin, difficulty="Easy", topics=[topic], runnable=runnable_body())
    stack = executor_stack(live_stack, starter_code=True)
    alice, bob = await accounts.signup(), await accounts.signup()
    waiting = [await queued(stack, peers, student, "easy", [topic]) for student in (alice, bob)]
    room = (await waiting[0].wait_for("matched"))["roomId"]
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    # The starter code is made from the signature SQL holds.
    signature = Signature.from_json(runnable_body()["signature"])
    assert str(one.text) == LANGUAGES["python"].starter(signature)
    await one.delete_all()
    await settled(two, "")
    await write(one, two, "def add_two(a, b):\n    return a + b\n")

    judged = await submitted(one)
    assert (judged["verdict"], judged["passed"], judged["total"]) == ("Accepted", 12, 12)

    # The admin changes the cases between two runs: the next run is judged on the new ones.
    product = runnable_body(
        cases=[
            {"input": {"a": 2, "b": 3}, "output": 6, "public": True},
            {"input": {"a": 4, "b": 4}, "output": 16},
            {"input": {"a": 0, "b": 9}, "output": 0},
        ]
    )
    url = f"/questions/{made['id']}"
    response = await http.patch(url, json={"runnable": product}, headers=admin.headers)
    assert response.status_code == 200, response.text
    judged = await submitted(two)
    assert (judged["verdict"], judged["total"]) == ("Wrong Answer", 3)
    assert judged["cases"][0]["expected"] == 6

    response = await http.patch(url, json={"runnable": None}, headers=admin.headers)
    assert response.status_code == 200, response.text
    # No executor begins a run without cases: the room hears only its end.
    earlier = {run["runId"] for run in one.peer.events("code:run:finished")}
    await one.peer.emit("code:run", {"mode": "submit", "language": "python"})
    judged = await one.peer.wait_for(
        "code:run:finished", lambda found: found["runId"] not in earlier, within=30
    )
    assert judged["verdict"] == "Internal Error"
    assert judged["error"] == "this question has no test cases to run"

    # Whatever the members were sent, a hidden case's input was never part of it.
    for editor in (one, two):
        sent = [data for name, data in editor.peer.received if not isinstance(data, bytes)]
        assert str(SECRET) not in json.dumps(sent, default=str)
