"""One hostile room cannot stall another: valid but costly updates (many concurrent inserts at
one place, which yrs integrates in quadratic time) run into the bound on concurrent edits one
update may be placed among and their sender's budget of event-loop time, and the next room's
keystrokes keep flowing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.adversarial.forge import Item, Update
from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Editor, Peers, join, matched_room, settled
from tests.helpers.waiting import until


async def _round_trips(writer: Editor, reader: Editor, count: int) -> list[float]:
    """Seconds from one keystroke leaving ``writer`` to ``reader`` holding it, ``count`` times."""
    took = []
    for _ in range(count):
        expected = str(writer.text) + "k"
        started = time.monotonic()
        await writer.type(len(str(writer.text)), "k")
        await settled(reader, expected)
        took.append(time.monotonic() - started)
    return took


async def test_a_room_flooding_costly_updates_does_not_stall_another_rooms_keystrokes(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    calm, alice, bob = await matched_room(stack, peers, accounts)
    noisy, mallory, accomplice = await matched_room(stack, peers, accounts)
    one, two = await join(stack, peers, alice, calm), await join(stack, peers, bob, calm)
    hostile = await join(stack, peers, mallory, noisy)
    witness = await join(stack, peers, accomplice, noisy)
    normal = await _round_trips(one, two, 20)

    await hostile.type(0, "ab")
    anchor = hostile.doc.client_id
    sent = 0

    async def flood() -> None:
        nonlocal sent
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            # Four fresh clients, each placing 250 items at one place, every one of them
            # concurrent to all the others there (as far as their origins can tell).
            runs = []
            for client in range(10_000 + 4 * sent, 10_004 + 4 * sent):
                items = [Item("x", origin=(anchor, 0), right=(anchor, 1))]
                items += [Item("x", origin=(anchor, 0), right=(client, k)) for k in range(249)]
                runs.append((client, 0, items))
            await hostile.peer.emit("collab:update", Update(runs).encode())
            sent += 1
            await asyncio.sleep(0.02)

    attack = asyncio.create_task(flood())
    await asyncio.sleep(0.2)
    during = await _round_trips(one, two, 20)
    await attack

    def answered() -> int:
        relayed = witness.peer.events("collab:update")
        return len(relayed) - 1 + len(hostile.peer.events("collab:error"))

    await until(lambda: answered() >= sent, "every costly update answered", within=60)
    # Not a speed target: without the budget, each such update took longer than the last
    # (seconds after a few dozen), all on the loop every room shares.
    assert max(during) <= max(normal) + 0.5, (max(normal), max(during))
    refusals = [
        error["message"]
        for error in hostile.peer.events("collab:error")
        if "took too long" in error["message"] or "too many concurrent" in error["message"]
    ]
    assert refusals, "the costly updates should have been refused"
    stored = await stack.call(stack.documents.text(noisy))
    assert stored.startswith("a")
    assert stored.endswith("b")
    assert len(stored) - 2 < sent * 1000
