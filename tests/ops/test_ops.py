"""``peerprep ops`` as an operator runs it, against the live stack and the real dev server:
finding a user's requests and sessions, replaying their histories, retrying a failed request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory
from typer.testing import CliRunner, Result

from tests.helpers.accounts import Account, Accounts
from tests.helpers.config import TEST_SECRET
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, queued
from tests.helpers.waiting import eventually
from tests.ops.changed_workflow import ChangedMatchRequest
from workers.cli import app
from workers.replay import replay_histories
from workflows import search_attributes as attrs
from workflows.match_messages import Criteria, MatchStatus, Outcome
from workflows.matching import MatchRequestWorkflow

# The ops commands read Temporal, not the database: one backend is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

StackFactory = Callable[..., LiveStack]
T = TypeVar("T")
# The retried request waits this long (from the operator's settings, as a join's would).
RETRY_TIMEOUT_SECONDS = "30"


async def ops(stack: LiveStack, *args: str) -> Result:
    """``peerprep ops ARGS`` in-process (in a thread: the command runs its own event loop),
    configured through the environment as an operator's shell would be."""
    settings = stack.settings
    env = {
        "PEERPREP_TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PEERPREP_TASK_QUEUE": settings.task_queue,
        "PEERPREP_MATCHMAKER_ID": settings.matchmaker_id,
        "PEERPREP_MATCH_TIMEOUT_SECONDS": RETRY_TIMEOUT_SECONDS,
        "PEERPREP_DATA_DIR": str(settings.data_dir),
        "PEERPREP_JWT_SECRET": TEST_SECRET,
    }

    def invoke() -> Result:
        return CliRunner().invoke(app, ["ops", *args], env=env)

    return await asyncio.to_thread(invoke)


async def listed(stack: LiveStack, *args: str) -> list[dict[str, Any]]:
    result = await ops(stack, "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


async def closed_status(client: Client, workflow_id: str) -> WorkflowExecutionStatus | None:
    """The latest run's status once it has closed (``None`` while it runs)."""
    status = (await client.get_workflow_handle(workflow_id).describe()).status
    return None if status == WorkflowExecutionStatus.RUNNING else status


async def matched_pair(
    stack: LiveStack, peers: Peers, accounts: Accounts
) -> tuple[Account, Account, str]:
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "easy", ["Arrays", "Strings"])
    await queued(stack, peers, bob, "easy", ["Arrays"])
    room_id: str = (await first.wait_for("matched"))["roomId"]
    return alice, bob, room_id


async def test_list_finds_a_users_request_and_session_by_user_id_and_outcome(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob, room_id = await matched_pair(stack, peers, accounts)
    user = str(alice.id)

    requests = await eventually(
        lambda: listed(stack, "--user", user, "--kind", "requests", "--outcome", "matched"),
        lambda rows: len(rows) == 1,
        "alice's matched request in visibility",
    )
    assert requests[0]["id"] == f"match-{user}"
    assert requests[0]["room"] == room_id
    assert requests[0]["difficulty"] == "easy"
    assert requests[0]["topics"] == ["arrays", "strings"]
    assert requests[0]["memo"]["partner"] == bob.username

    sessions = await listed(stack, "--user", user, "--kind", "sessions", "--outcome", "active")
    assert [row["id"] for row in sessions] == [f"session-{room_id}"]
    assert set(sessions[0]["users"]) == {user, str(bob.id)}
    assert sessions[0]["status"] == "running"

    # The room finds both requests and the session; a topic in any case finds bob's request.
    by_room = await eventually(
        lambda: listed(stack, "--room", room_id),
        lambda rows: len(rows) == 3,
        "both requests and the session by room id",
    )
    assert {row["type"] for row in by_room} == {"MatchRequest", "CollabSession"}
    by_topic = await listed(stack, "--user", str(bob.id), "--topic", "ARRAYS", "--since", "1h")
    assert f"match-{bob.id}" in {row["id"] for row in by_topic}
    assert await listed(stack, "--user", user, "--outcome", "timed_out") == []

    table = await ops(stack, "list", "--user", user)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split() == [
        "id",
        "type",
        "status",
        "outcome",
        "users",
        "difficulty",
        "topics",
        "started",
        "closed",
    ]
    assert f"session-{room_id}" in table.stdout
    assert f'PeerPrepUserIds = "{user}"' in table.stderr


async def test_replay_of_recorded_workflows_passes(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, temporal_client: Client
) -> None:
    stack = live_stack()
    alice, _bob, room_id = await matched_pair(stack, peers, accounts)
    await eventually(
        lambda: closed_status(temporal_client, f"match-{alice.id}"), bool, "the request to end"
    )

    result = await ops(stack, "replay", f"match-{alice.id}", f"session-{room_id}")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [
        ["ok", f"match-{alice.id}"],
        ["ok", f"session-{room_id}"],
    ]
    assert lines[-1] == "replayed 2 workflow(s): 2 ok, 0 failed"

    recent = await ops(stack, "replay", "--since", "10m", "--limit", "3")
    assert recent.exit_code == 0, recent.output
    assert "replayed 3 workflow(s): 3 ok, 0 failed" in recent.stdout

    missing = await ops(stack, "replay", "match-nobody-at-all")
    assert missing.exit_code == 1
    assert "NOT FOUND" in missing.stdout


async def test_replay_reports_a_history_the_changed_code_cannot_replay(
    live_stack: StackFactory,
    peers: Peers,
    accounts: Accounts,
    temporal_client: Client,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack = live_stack()
    alice, _bob, _room = await matched_pair(stack, peers, accounts)
    handle = temporal_client.get_workflow_handle(f"match-{alice.id}")
    await eventually(lambda: closed_status(temporal_client, handle.id), bool, "the request to end")

    async def history() -> AsyncIterator[WorkflowHistory]:
        yield await handle.fetch_history()

    report = await replay_histories(history(), workflows=[ChangedMatchRequest])
    assert (report.ok, report.failed) == (0, 1)
    assert capsys.readouterr().out.startswith(f"NON-DETERMINISTIC  match-{alice.id}")


async def test_retry_dry_run_changes_nothing(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, temporal_client: Client
) -> None:
    stack = live_stack()
    alice = await accounts.signup()
    await queued(stack, peers, alice, "medium", ["Graphs"])
    handle = temporal_client.get_workflow_handle(f"match-{alice.id}")
    before = await handle.describe()
    await handle.terminate("an operator's test")

    result = await ops(stack, "retry", handle.id, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "the last run ended terminated" in result.stdout
    assert "criteria    medium: Graphs" in result.stdout
    assert "dry run: nothing was started" in result.stdout
    after = await handle.describe()
    assert after.run_id == before.run_id
    assert after.status == WorkflowExecutionStatus.TERMINATED


async def test_retry_of_a_timed_out_request_starts_a_fresh_waiting_request_with_its_criteria(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, temporal_client: Client
) -> None:
    stack = live_stack(match_timeout_seconds=2.0)
    alice, bob = await accounts.signup(), await accounts.signup()
    peer = await queued(stack, peers, alice, "easy", ["Sorting"])
    # A second join changes the live request's criteria: the retry takes the last ones.
    await peer.emit(
        "join-queue", {"userId": str(alice.id), "difficulty": "hard", "topics": ["Heap"]}
    )
    await peer.wait_for("joined-queue", lambda data: data.get("topics") == ["Heap"])
    await peer.wait_for("match:timeout", within=15)
    handle = temporal_client.get_workflow_handle(f"match-{alice.id}")
    await eventually(lambda: closed_status(temporal_client, handle.id), bool, "the timeout")
    old = await handle.describe()
    assert old.typed_search_attributes.get(attrs.OUTCOME) == "timed_out"
    joined_before = len(peer.events("joined-queue"))

    result = await ops(stack, "retry", handle.id)
    assert result.exit_code == 0, result.output
    assert "the last run ended timed_out" in result.stdout

    new = await handle.describe()
    assert new.run_id != old.run_id
    assert new.status == WorkflowExecutionStatus.RUNNING
    assert (await new.memo())["retry_of"] == old.run_id
    status = await handle.query(MatchRequestWorkflow.status)
    assert isinstance(status, MatchStatus)
    assert status.outcome is Outcome.WAITING
    assert status.criteria == Criteria("hard", ["Heap"])

    # Alice's socket was still connected: it hears that she is back in the pool...
    async def joined() -> int:
        return len(peer.events("joined-queue"))

    await eventually(joined, lambda count: count > joined_before, "a joined-queue after the retry")
    # ...and the request is really in it: a partner arriving now is matched with her.
    await queued(stack, peers, bob, "hard", ["Heap"])
    assert (await peer.wait_for("matched"))["matchedUserId"] == str(bob.id)


async def test_retry_is_refused_while_the_request_runs_after_a_match_or_a_users_cancel(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, temporal_client: Client
) -> None:
    stack = live_stack()
    carol = await accounts.signup()
    waiting = await queued(stack, peers, carol, "hard", ["Trees"])
    running = await ops(stack, "retry", f"match-{carol.id}")
    assert running.exit_code == 2
    assert "still running" in running.output

    await waiting.emit("match:cancel")
    await waiting.wait_for("left-queue")
    await eventually(
        lambda: closed_status(temporal_client, f"match-{carol.id}"), bool, "the cancel"
    )
    cancelled = await ops(stack, "retry", f"match-{carol.id}")
    assert cancelled.exit_code == 2
    assert "cancelled by the user" in cancelled.output

    alice, _bob, _room = await matched_pair(stack, peers, accounts)
    await eventually(
        lambda: closed_status(temporal_client, f"match-{alice.id}"), bool, "the match to end"
    )
    matched = await ops(stack, "retry", f"match-{alice.id}")
    assert matched.exit_code == 2
    assert "ended matched" in matched.output

    unknown = await ops(stack, "retry", "match-nobody-at-all")
    assert unknown.exit_code == 2
    assert "no workflow" in unknown.output
