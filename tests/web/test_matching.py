"""``/matching`` end to end: real sockets, the real dev server, the match workflows and a worker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import socketio
from sqlalchemy import select
from temporalio.client import WorkflowExecutionDescription, WorkflowHandle
from temporalio.service import RPCError

from storage import rooms
from storage.database import Database
from storage.models import RoomMember
from tests.helpers.accounts import Accounts, mint_token
from tests.helpers.config import make_settings
from tests.helpers.handmade import enqueue_by_hand
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, queued
from tests.helpers.servers import ThreadedServer
from tests.helpers.waiting import eventually
from web.app import create_app
from workers.temporal_server import free_port
from workflows.events import MATCHING_NAMESPACE

StackFactory = Callable[..., LiveStack]


def matchmaker_of(stack: LiveStack) -> WorkflowHandle[Any, Any]:
    assert stack.client is not None
    return stack.client.get_workflow_handle(stack.settings.matchmaker_id)


def continued_as_new(description: WorkflowExecutionDescription) -> bool:
    return description.run_id != description.raw_description.workflow_execution_info.first_run_id


async def test_compatible_students_are_matched_into_one_room(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    stack = live_stack()
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "easy", ["Arrays", "Strings"])
    assert first.events("joined-queue")[0] == {
        "ok": True,
        "difficulty": "easy",
        "topics": ["Arrays", "Strings"],
        "position": 1,
    }
    second = await queued(stack, peers, bob, "EASY", ["strings"])

    to_alice = await first.wait_for("matched")
    to_bob = await second.wait_for("matched")
    assert to_alice["roomId"] == to_bob["roomId"]
    assert to_alice["matchedUserId"] == str(bob.id)
    assert to_bob["matchedUserId"] == str(alice.id)
    assert to_alice["partner"] == {"id": str(bob.id), "username": bob.username}
    question = to_alice["question"]
    assert question == to_bob["question"]
    assert question["difficulty"] == "Easy"
    assert "Strings" in question["topics"]
    # The joined-queue answer always comes before the match.
    assert [name for name, _ in second.received][:2] == ["joined-queue", "matched"]
    async with database.session() as session:
        room = await rooms.get_room(session, to_alice["roomId"])
        assert room is not None
        assert set(room.member_ids) == {alice.id, bob.id}
        assert room.question_id == question["id"]


async def test_different_topics_wait_for_the_relaxation_delay(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(match_relax_topics_seconds=2.0)
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "medium", ["Graphs"])
    second = await queued(stack, peers, bob, "medium", ["Heap"])
    with pytest.raises(TimeoutError):
        await first.wait_for("matched", within=1.0)
    matched = await second.wait_for("matched", within=10)
    assert matched["matchedUserId"] == str(alice.id)
    assert matched["question"]["difficulty"] == "Medium"


async def test_two_difficulty_steps_apart_are_never_matched(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(match_relax_topics_seconds=0.5, match_relax_difficulty_seconds=1.0)
    easy, hard, medium = await accounts.signup(), await accounts.signup(), await accounts.signup()
    easy_peer = await queued(stack, peers, easy, "easy", ["Math"])
    hard_peer = await queued(stack, peers, hard, "hard", ["Math"])
    with pytest.raises(TimeoutError):
        await easy_peer.wait_for("matched", within=2.5)
    assert hard_peer.events("matched") == []
    # One step apart, with a common topic, is allowed once both have waited long enough.
    medium_peer = await queued(stack, peers, medium, "medium", ["Math"])
    matched = await medium_peer.wait_for("matched", within=10)
    assert matched["matchedUserId"] in {str(easy.id), str(hard.id)}


async def test_cancel_leaves_the_queue_and_is_never_matched(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "hard", ["Trees"])
    await first.emit("match:cancel")
    assert await first.wait_for("left-queue") == {"ok": True, "outcome": "cancelled"}
    second = await queued(stack, peers, bob, "hard", ["Trees"])
    assert second.events("joined-queue")[0]["position"] == 1
    with pytest.raises(TimeoutError):
        await second.wait_for("matched", within=1.5)
    await first.emit("match:cancel")
    assert (await first.wait_for("left-queue", lambda data: not data["ok"]))["error"]


async def test_a_request_that_finds_nobody_times_out(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(match_timeout_seconds=1.5)
    alice = await accounts.signup()
    peer = await queued(stack, peers, alice, "easy", ["Sorting"])
    timeout = await peer.wait_for("match:timeout", within=10)
    assert timeout["waitedSeconds"] >= 1


async def test_a_second_join_updates_the_live_request_and_keeps_its_place(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob, carol = await accounts.signup(), await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "medium", ["Stack"])
    await queued(stack, peers, bob, "medium", ["Greedy"])
    await first.emit(
        "join-queue", {"userId": str(alice.id), "difficulty": "medium", "topics": ["Sorting"]}
    )
    again = await first.wait_for("joined-queue", lambda data: data["topics"] == ["Sorting"])
    assert again["position"] == 1
    third = await queued(stack, peers, carol, "medium", ["Sorting"])
    assert (await third.wait_for("matched"))["matchedUserId"] == str(alice.id)
    assert stack.client is not None
    description = stack.run(stack.client.get_workflow_handle(f"match-{alice.id}").describe())
    assert not continued_as_new(description)


async def test_a_user_is_never_matched_with_themself(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice = await accounts.signup()
    first = await queued(stack, peers, alice, "easy", ["Stack"])
    second = await queued(stack, peers, alice, "easy", ["Stack"])
    with pytest.raises(TimeoutError):
        await first.wait_for("matched", within=1.5)
    assert second.events("matched") == []


async def test_a_spoofed_user_id_is_refused(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob = await accounts.signup(), await accounts.signup()
    peer = peers(stack.base_url, MATCHING_NAMESPACE)
    await peer.connect({"token": alice.token})
    await peer.emit("join-queue", {"userId": str(bob.id), "difficulty": "easy", "topics": ["Math"]})
    refused = await peer.wait_for("joined-queue")
    assert refused["ok"] is False
    assert "userId" in refused["error"]


@pytest.mark.parametrize(
    "auth",
    [{}, {"token": ""}, {"token": "garbage"}, {"token": mint_token(uuid.uuid4(), secret="w" * 40)}],
)
async def test_no_valid_token_no_connection(
    live_stack: StackFactory, peers: Peers, auth: dict[str, str]
) -> None:
    stack = live_stack()
    peer = peers(stack.base_url, MATCHING_NAMESPACE)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await peer.connect(auth)


ME = "<the signed-in user>"


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "easy",
        [],
        {"difficulty": "easy", "topics": ["Math"]},
        {"userId": ME, "difficulty": "extreme", "topics": ["Math"]},
        {"userId": ME, "difficulty": "easy", "topics": "Math"},
        {"userId": ME, "difficulty": "easy", "topics": [""]},
        {"userId": ME, "difficulty": "easy", "topics": ["   "]},
        {"userId": ME, "difficulty": "easy", "topics": ["x" * 65]},
        {"userId": ME, "difficulty": "easy", "topics": ["Math"] * 11},
        {"userId": ME, "difficulty": "easy", "topics": ["Quantum Gardening"]},
        {"userId": ME, "difficulty": "easy", "topics": ["Ma\x00th"]},
        {"userId": ME, "difficulty": 3, "topics": [1, 2]},
        {"userId": ["nested"], "difficulty": "easy", "topics": ["Math"]},
    ],
)
async def test_garbage_join_is_refused_with_a_clear_error(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, payload: object
) -> None:
    stack = live_stack()
    alice = await accounts.signup()
    peer = peers(stack.base_url, MATCHING_NAMESPACE)
    await peer.connect({"token": alice.token})
    if isinstance(payload, dict) and payload.get("userId") == ME:
        payload = {**payload, "userId": str(alice.id)}
    await peer.emit("join-queue", payload)
    refused = await peer.wait_for("joined-queue")
    assert refused["ok"] is False
    assert isinstance(refused["error"], str)
    assert refused["error"]
    assert stack.client is not None
    with pytest.raises(Exception, match="not found"):
        stack.run(stack.client.get_workflow_handle(f"match-{alice.id}").describe())


async def test_a_reconnecting_client_is_told_where_its_request_stands(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "hard", ["Heap"])
    await first.disconnect()
    back = peers(stack.base_url, MATCHING_NAMESPACE)
    await back.connect({"token": alice.token})
    status = await back.wait_for("joined-queue")
    assert status == {"ok": True, "difficulty": "hard", "topics": ["Heap"], "position": 1}
    await queued(stack, peers, bob, "hard", ["Heap"])
    assert (await back.wait_for("matched"))["matchedUserId"] == str(bob.id)


async def test_a_client_matched_while_away_is_told_on_return(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "medium", ["Intervals"])
    await first.disconnect()
    second = await queued(stack, peers, bob, "medium", ["Intervals"])
    room = (await second.wait_for("matched"))["roomId"]
    back = peers(stack.base_url, MATCHING_NAMESPACE)
    await back.connect({"token": alice.token})
    try:
        told = await back.wait_for("matched")
    except TimeoutError:
        raise AssertionError(back.received) from None
    assert told["roomId"] == room
    assert told["matchedUserId"] == str(bob.id)


async def test_a_request_left_without_a_socket_is_withdrawn_after_the_grace_period(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(match_disconnect_grace_seconds=1.0)
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "easy", ["Greedy"])
    await first.disconnect()
    assert stack.client is not None
    handle = stack.client.get_workflow_handle(f"match-{alice.id}")
    result = stack.run(handle.result(), timeout=20)
    assert result["outcome"] == "disconnected"
    second = await queued(stack, peers, bob, "easy", ["Greedy"])
    assert second.events("joined-queue")[0]["position"] == 1
    with pytest.raises(TimeoutError):
        await second.wait_for("matched", within=1.0)


async def test_many_students_at_once_each_get_exactly_one_partner(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    students = [await accounts.signup() for _ in range(10)]
    clients = await asyncio.gather(
        *(queued(stack, peers, student, "medium", ["Arrays"]) for student in students)
    )
    matches = await asyncio.gather(*(client.wait_for("matched") for client in clients))
    partner_of = {str(s.id): m["matchedUserId"] for s, m in zip(students, matches, strict=True)}
    for user, partner in partner_of.items():
        assert partner != user
        assert partner_of[partner] == user
    assert len({m["roomId"] for m in matches}) == 5


async def test_the_matchmaker_continues_as_new_and_keeps_its_pool(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack(matchmaker_history_limit=40)
    matchmaker = matchmaker_of(stack)
    waiting = await accounts.signup()
    patient = await queued(stack, peers, waiting, "hard", ["Backtracking"])
    for _ in range(5):
        first, second = await accounts.signup(), await accounts.signup()
        one = await queued(stack, peers, first, "easy", ["Arrays"])
        await queued(stack, peers, second, "easy", ["Arrays"])
        await one.wait_for("matched")
    assert continued_as_new(stack.run(matchmaker.describe()))
    # The request that waited through the continue-as-new is still in the pool.
    partner = await accounts.signup()
    late = await queued(stack, peers, partner, "hard", ["Backtracking"])
    assert (await late.wait_for("matched"))["matchedUserId"] == str(waiting.id)
    assert (await patient.wait_for("matched"))["matchedUserId"] == str(partner.id)


async def test_a_burst_through_continues_as_new_leaves_nobody_unanswered(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    # A history this short fills within the burst, while joins are still waiting in the inbox:
    # they move to the next run, and every student still hears joined-queue, then matched.
    # (Eight sessions started make 16 events of their own, their signals 32 more.)
    stack = live_stack(matchmaker_history_limit=20)
    matchmaker = matchmaker_of(stack)
    students = [await accounts.signup() for _ in range(16)]
    clients = await asyncio.gather(
        *(queued(stack, peers, student, "medium", ["Arrays"]) for student in students)
    )
    matches = await asyncio.gather(*(client.wait_for("matched") for client in clients))
    partner_of = {str(s.id): m["matchedUserId"] for s, m in zip(students, matches, strict=True)}
    assert all(partner_of[partner] == user for user, partner in partner_of.items())
    assert len({m["roomId"] for m in matches}) == 8

    async def describe() -> WorkflowExecutionDescription:
        description: WorkflowExecutionDescription = await stack.call(matchmaker.describe())
        return description

    # The run ends once its last round's session starts and signals are through.
    await eventually(describe, continued_as_new, "the matchmaker to continue as new")


async def test_joining_again_right_after_a_match_starts_a_new_request(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    alice, bob, carol = await accounts.signup(), await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "easy", ["Strings"])
    await queued(stack, peers, bob, "easy", ["Strings"])
    await first.wait_for("matched")
    # At once, while the finished request may still be wrapping up.
    await first.emit(
        "join-queue", {"userId": str(alice.id), "difficulty": "medium", "topics": ["Heap"]}
    )
    again = await first.wait_for("joined-queue", lambda data: data["difficulty"] == "medium")
    assert again["position"] == 1
    third = await queued(stack, peers, carol, "medium", ["Heap"])
    assert (await third.wait_for("matched"))["matchedUserId"] == str(alice.id)


async def test_matching_recovers_when_the_matchmaker_was_terminated(
    live_stack: StackFactory, peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    matchmaker = matchmaker_of(stack)

    async def started() -> bool:
        try:
            await stack.call(matchmaker.describe())
        except RPCError:
            return False  # the web tier starts it in the background: not yet
        return True

    await eventually(started, bool, "the web tier to start the matchmaker")
    await stack.call(matchmaker.terminate(reason="operator mistake"))
    alice, bob = await accounts.signup(), await accounts.signup()
    first = await queued(stack, peers, alice, "easy", ["Trees"])
    second = await queued(stack, peers, bob, "easy", ["Trees"])
    assert (await first.wait_for("matched"))["roomId"] == (await second.wait_for("matched"))[
        "roomId"
    ]


async def test_a_pair_whose_room_cannot_be_stored_is_told_and_holds_nobody_else_up(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, database: Database
) -> None:
    # An enqueue signalled by hand for a user with no profile: its room can never be stored.
    # Retrying it for ever would stop every later pair (and the worker's shutdown).
    stack = live_stack()
    matchmaker = matchmaker_of(stack)
    alice = await accounts.signup()
    waiting = await queued(stack, peers, alice, "easy", ["Trees"])
    await stack.call(enqueue_by_hand(matchmaker, "easy", "Trees"))
    told = await waiting.wait_for("left-queue", within=15)
    assert told["ok"] is False
    assert "join the queue again" in told["error"]
    async with database.session() as session:
        mine = select(RoomMember.room_id).where(RoomMember.user_id == alice.id)
        assert (await session.execute(mine)).all() == []
    # The matchmaker carries on: the next pair (Alice again among them) is made.
    bob = await accounts.signup()
    await waiting.emit(
        "join-queue", {"userId": str(alice.id), "difficulty": "easy", "topics": ["Trees"]}
    )
    second = await queued(stack, peers, bob, "easy", ["Trees"])
    assert (await second.wait_for("matched"))["matchedUserId"] == str(alice.id)


async def test_join_is_refused_clearly_while_temporal_is_down(
    peers: Peers, accounts: Accounts, database: Database, tmp_path: Path
) -> None:
    alice = await accounts.signup()
    settings = make_settings(tmp_path, database.url, f"127.0.0.1:{free_port()}")
    port = free_port()
    with ThreadedServer(create_app(settings), port):
        peer = peers(f"http://127.0.0.1:{port}", MATCHING_NAMESPACE)
        await peer.connect({"token": alice.token})
        await peer.emit(
            "join-queue", {"userId": str(alice.id), "difficulty": "easy", "topics": ["Math"]}
        )
        refused = await peer.wait_for("joined-queue", within=30)
        await peer.disconnect()
    assert refused == {"ok": False, "error": "matching is unavailable right now; please try again"}
