"""A bounded Socket.IO event fuzzer: known and unknown events with wrong types, huge payloads and
binary where text is expected, on both namespaces. No handler crashes (that would answer
"… failed; try again"), every refusal is a proper error event, and the room still works after.

``PEERPREP_FUZZ_EVENTS`` raises the number of events per namespace for a longer run by hand.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, join, matched_room, settled
from tests.helpers.socket_peer import SocketPeer
from tests.helpers.waiting import eventually
from workflows import events

EVENTS = int(os.environ.get("PEERPREP_FUZZ_EVENTS", "250"))
SEED = int(os.environ.get("PEERPREP_FUZZ_SEED", str(random.SystemRandom().randrange(2**32))))

COLLAB_EVENTS = [
    events.COLLAB_UPDATE,
    events.COLLAB_AWARENESS,
    events.COLLAB_LANGUAGE_SET,
    events.COLLAB_HISTORY_GET,
    events.COLLAB_REVERT,
    events.COLLAB_CHAT_SEND,
    "collab:nonsense",
    "connect",
    "disconnect",
    "",
    "x" * 500,
]
MATCHING_EVENTS = [events.JOIN_QUEUE, events.MATCH_CANCEL, "matched", "join-queue ", "🙂"]
# Leaving ends the fuzzing socket's part in the room: those are sent last, on purpose.
ERRORS = {events.COLLAB_ERROR, events.MATCH_ERROR}


def _payload(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(12 if depth < 3 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([0, -1, 2**63, 2**53 + 1, 1.5, float("inf") if rng.random() < 0 else 3])
    if kind == 2:
        return rng.choice(["", "python", "cobol", "\x00", "\ud7ff", "é" * 10, "a" * 100_000])
    if kind == 3:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 5, 64])))
    if kind == 4:
        return b"\x00" * rng.choice([1, 1024, 1_500_000])
    if kind == 5:
        return rng.choice([True, False])
    if kind == 6:
        return {"timestamp": rng.choice([-1, 0, 2**60, "now", None])}
    if kind == 7:
        return {
            "language": rng.choice(["java", 1, None, ["python"]]),
            "text": rng.choice(["hi", "", 5, "x" * 3000]),
            "limit": rng.choice([1, 0, -5, 10**9, "ten"]),
        }
    if kind in (8, 9):
        return [_payload(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(rng.randrange(100)): _payload(rng, depth + 1) for _ in range(rng.randrange(4))}


def _assert_proper_errors(peer: SocketPeer) -> int:
    count = 0
    for name, data in peer.received:
        if name in ERRORS or (isinstance(data, dict) and data.get("ok") is False):
            count += 1
            assert isinstance(data, dict), (name, data)
            text = data.get("message") or data.get("error")
            assert isinstance(text, str), (name, data)
            assert text, (name, data)
            # A handler that raised is answered with "<event> failed; try again".
            assert "failed; try again" not in text, (SEED, name, data)
    return count


async def test_fuzzed_events_crash_no_handler_and_are_refused_properly(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts
) -> None:
    rng = random.Random(SEED)
    stack = live_stack(limit_collab_updates="1000/second", limit_collab_awareness="1000/second")
    room, alice, bob = await matched_room(stack, peers, accounts)
    honest, fuzzer = await join(stack, peers, alice, room), await join(stack, peers, bob, room)
    matching = peers(stack.base_url, events.MATCHING_NAMESPACE)
    await matching.connect({"token": bob.token})

    for _ in range(EVENTS):
        await fuzzer.peer.emit(rng.choice(COLLAB_EVENTS), _payload(rng))
        await matching.emit(rng.choice(MATCHING_EVENTS), _payload(rng))
    # Every event above has been handled (in order) once these are acknowledged.
    await fuzzer.peer.client.call(
        events.COLLAB_HISTORY_GET, {"limit": 1}, namespace=events.COLLAB_NAMESPACE, timeout=120
    )
    await matching.client.call(
        events.MATCH_CANCEL, namespace=events.MATCHING_NAMESPACE, timeout=120
    )

    assert fuzzer.peer.client.connected
    assert matching.client.connected
    refusals = _assert_proper_errors(fuzzer.peer) + _assert_proper_errors(matching)
    assert refusals > EVENTS // 2, (SEED, refusals)
    # The room still works for both.
    await honest.type(0, "still fine")
    expected = await eventually(
        lambda: stack.call(stack.documents.text(room)),
        lambda text: text.startswith("still fine"),
        "the honest edit to be stored",
    )
    await settled(fuzzer, expected)


def _mentions(words: str) -> Callable[[Any], bool]:
    return lambda data: words in data["message"]


async def test_events_named_like_the_lifecycle_are_refused_and_run_nothing(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts
) -> None:
    """python-socketio hands a client's event named "connect" or "disconnect" to the
    namespace's lifecycle handlers: a fake disconnect released the socket's place while it
    stayed connected, a fake connect re-admitted it with whatever it sent."""
    stack = live_stack(max_sockets_per_user=2)
    room, alice, _bob = await matched_room(stack, peers, accounts)
    first = await join(stack, peers, alice, room)
    await join(stack, peers, alice, room)
    for name in ("disconnect", "connect", "connect_error"):
        await first.peer.emit(name, {"token": "x", "sessionId": "elsewhere"})
        refused = await first.peer.wait_for(events.COLLAB_ERROR, _mentions(repr(name)))
        assert refused["ok"] is False
    assert first.peer.client.connected
    # The fake disconnects released nothing: a third socket is still one too many.
    third = peers(stack.base_url, events.COLLAB_NAMESPACE)
    await third.connect({"token": alice.token, "sessionId": room})
    assert "too many open connections" in (await third.wait_for(events.COLLAB_ERROR))["message"]
