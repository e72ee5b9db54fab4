"""The batching of calls to one workflow, without a server: who leaves together, who hears what."""

from __future__ import annotations

import asyncio

import pytest

from orchestration.batches import Batches


class Wire:
    """Records what was signalled; a send can be held on the wire until released."""

    def __init__(self) -> None:
        self.signals: list[list[str]] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.failing = False

    async def send(self, messages: list[str]) -> list[str]:
        self.signals.append(messages)
        await self.hold.wait()
        if self.failing:
            raise RuntimeError("the server said no")
        return [message.upper() for message in messages]


@pytest.fixture
def wire() -> Wire:
    return Wire()


async def test_a_lone_message_leaves_at_once_in_a_call_of_its_own(wire: Wire) -> None:
    batches = Batches(wire.send)
    await batches.send("a")
    await batches.send("b")
    assert wire.signals == [["a"], ["b"]]


async def test_messages_that_arrive_while_a_call_is_on_its_way_leave_together(
    wire: Wire,
) -> None:
    batches = Batches(wire.send)
    wire.hold.clear()
    first = asyncio.create_task(batches.send("a"))
    await asyncio.sleep(0)
    crowd = [asyncio.create_task(batches.send(name)) for name in "bcde"]
    await asyncio.sleep(0)
    assert wire.signals == [["a"]]
    assert not first.done()
    wire.hold.set()
    results = await asyncio.gather(first, *crowd)
    assert wire.signals == [["a"], ["b", "c", "d", "e"]]
    # Each caller hears its own message's result, not its batch's.
    assert results == ["A", "B", "C", "D", "E"]


async def test_every_message_of_a_failed_call_hears_of_it_and_the_next_still_leaves(
    wire: Wire,
) -> None:
    batches = Batches(wire.send)
    wire.hold.clear()
    wire.failing = True
    first = asyncio.create_task(batches.send("a"))
    await asyncio.sleep(0)
    crowd = [asyncio.create_task(batches.send(name)) for name in "bc"]
    await asyncio.sleep(0)
    wire.hold.set()
    results = await asyncio.gather(first, *crowd, return_exceptions=True)
    assert all(isinstance(result, RuntimeError) for result in results)
    assert wire.signals == [["a"], ["b", "c"]]
    wire.failing = False
    await batches.send("d")
    assert wire.signals[-1] == ["d"]


async def test_a_caller_that_stops_waiting_does_not_hold_back_the_others(wire: Wire) -> None:
    batches = Batches(wire.send)
    wire.hold.clear()
    first = asyncio.create_task(batches.send("a"))
    await asyncio.sleep(0)
    impatient = asyncio.create_task(batches.send("b"))
    patient = asyncio.create_task(batches.send("c"))
    await asyncio.sleep(0)
    impatient.cancel()
    wire.hold.set()
    await asyncio.gather(first, patient)
    assert impatient.cancelled()
    assert wire.signals == [["a"], ["b", "c"]]
