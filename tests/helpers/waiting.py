"""Waiting on a condition, never on a fixed delay: one helper for every test that polls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    what: str,
    within: float = 20.0,
    every: float = 0.1,
) -> T:
    """Probe until ``done`` holds for what it returns; that value. Fails naming ``what``."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await probe()
        if done(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last saw {value!r}")
        await asyncio.sleep(every)


async def until(check: Callable[[], bool], what: str, within: float = 30.0) -> None:
    """Wait until ``check()`` holds (state the event loop updates, such as received events)."""

    async def probe() -> bool:
        return check()

    await eventually(probe, bool, what, within, every=0.05)
