"""Run and Submit from a room, end to end: real sockets, the session workflow on the dev
server, an executor on its own task queue, the real sandbox, SQL."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from storage.database import Database
from storage.models import CodeRun
from tests.helpers.accounts import Accounts
from tests.helpers.code_runs import (
    SOLUTIONS,
    StackFactory,
    executor_stack,
    needs_a_sandbox,
    question_of,
    stored,
    write,
)
from tests.helpers.rooms import Peers, join, matched_room
from tests.helpers.waiting import until


@pytest.fixture(autouse=True)
def _needs_a_sandbox() -> None:
    needs_a_sandbox()


async def test_a_submit_is_judged_once_and_both_members_see_it_case_by_case(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = executor_stack(live_stack)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    question = await question_of(stack, room)
    await write(one, two, (SOLUTIONS / f"q{question:03d}.py").read_text())
    labels = {"language": "python", "mode": "submit", "verdict": "Accepted"}
    judged_before = REGISTRY.get_sample_value("peerprep_code_runs_total", labels) or 0
    await two.peer.emit("code:run", {"mode": "submit", "language": "python"})
    finished: list[dict[str, Any]] = []
    for editor in (one, two):
        started = await editor.peer.wait_for("code:run:started")
        assert started["requestedBy"] == str(bob.id)
        done = await editor.peer.wait_for("code:run:finished", within=30)
        assert done["runId"] == started["runId"]
        finished.append(done)
    result = finished[0]
    assert result["verdict"] == "Accepted"
    assert result["passed"] == result["total"] >= 12
    cases = one.peer.events("code:run:case")
    assert [case["index"] for case in cases] == list(range(result["total"]))
    hidden = [case for case in cases if not case["public"]]
    assert hidden
    assert all(set(case) == {"runId", "index", "public", "verdict", "ms"} for case in hidden)
    async with database.session() as session:
        stored = (await session.scalars(select(CodeRun).where(CodeRun.room_id == room))).all()
    assert [(run.id, run.verdict, run.mode) for run in stored] == [
        (result["runId"], "Accepted", "submit")
    ]
    assert stored[0].runtime.startswith("Python 3")
    assert REGISTRY.get_sample_value("peerprep_code_runs_total", labels) == judged_before + 1
    # Whoever joins later sees the room's last run.
    late = await join(stack, peers, alice, room)
    assert (await late.peer.wait_for("code:run:finished"))["runId"] == result["runId"]


async def test_one_run_at_a_time_a_second_click_is_answered_not_queued(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = executor_stack(live_stack)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    question = await question_of(stack, room)
    slow = (SOLUTIONS / f"q{question:03d}.py").read_text() + "\nimport time\ntime.sleep(1.5)\n"
    await write(one, two, slow)
    await one.peer.emit("code:run", {"mode": "run", "language": "python"})
    await one.peer.wait_for("code:run:started")
    await two.peer.emit("code:run", {"mode": "submit", "language": "python"})
    refused = await two.peer.wait_for("collab:error")
    assert "a run is already going" in refused["message"]
    done = await two.peer.wait_for("code:run:finished", within=30)
    assert done["verdict"] == "Accepted"
    assert done["mode"] == "run"
    assert len(one.peer.events("code:run:started")) == 1


async def test_broken_code_is_a_verdict_both_see_with_the_failing_public_case(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = executor_stack(live_stack)
    room, alice, bob = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    question = await question_of(stack, room)
    reference = (SOLUTIONS / f"q{question:03d}.py").read_text()
    name = reference.split("def ", 1)[1].split("(", 1)[0]
    await write(one, two, f"def {name}(*args):\n    print('trying')\n    return None\n")
    await one.peer.emit("code:run", {"mode": "run", "language": "python"})
    done = await two.peer.wait_for("code:run:finished", within=30)
    assert done["verdict"] == "Wrong Answer"
    first = done["cases"][0]
    assert first["stdout"] == "trying\n"
    assert first["input"] is not None
    assert first["expected"] is not None


async def test_bad_requests_are_refused_with_an_error_and_run_nothing(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = executor_stack(live_stack)
    room, alice, _bob = await matched_room(stack, peers, accounts)
    one = await join(stack, peers, alice, room)
    for payload in (
        {"mode": "deploy", "language": "python"},
        {"mode": "run", "language": "cobol"},
        "run",
        None,
    ):
        await one.peer.emit("code:run", payload)
        errors = len(one.peer.events("collab:error")) + 1
        await until(lambda: len(one.peer.events("collab:error")) >= errors, "an error")  # noqa: B023
        assert one.peer.events("collab:error")[-1]["ok"] is False
    # A good request after them is the first run the room sees.
    await one.peer.emit("code:run", {"mode": "run", "language": "python"})
    await one.peer.wait_for("code:run:finished", within=30)
    assert len(one.peer.events("code:run:started")) == 1
    assert len(one.peer.events("collab:error")) == 4


async def test_a_stack_without_an_executor_says_code_execution_is_unavailable(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, alice, _bob = await matched_room(stack, peers, accounts)
    one = await join(stack, peers, alice, room)
    await one.peer.emit("code:run", {"mode": "run", "language": "python"})
    error = await one.peer.wait_for("collab:error")
    assert error["message"].startswith("code execution unavailable: ")


async def test_twenty_runs_at_once_are_all_answered_and_never_exceed_the_sandboxes(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = executor_stack(live_stack, exec_queue_seconds=1.5)
    rooms = []
    for _ in range(20):
        room, alice, _bob = await matched_room(stack, peers, accounts)
        rooms.append((room, await join(stack, peers, alice, room)))
    for room, editor in rooms:
        mine = await question_of(stack, room)
        code = (SOLUTIONS / f"q{mine:03d}.py").read_text() + "\nimport time\ntime.sleep(0.5)\n"
        await editor.type(0, code)
        await stored(stack, room, code)
    for _room, editor in rooms:
        await editor.peer.emit("code:run", {"mode": "run", "language": "python"})
    verdicts = [
        (await editor.peer.wait_for("code:run:finished", within=60))["verdict"]
        for _room, editor in rooms
    ]
    assert set(verdicts) <= {"Accepted", "Busy"}
    assert verdicts.count("Accepted") >= 2
    assert "Busy" in verdicts
    assert stack.executor is not None
    assert stack.executor.runner is not None
    assert stack.executor.runner.slots.peak == 2
