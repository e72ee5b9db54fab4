"""A socket that announces more binary attachments than our events carry cannot make the
server buffer them: the packet is refused, the memory stays flat, and the socket still works."""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable

from tests.adversarial.raw_socket import RawSocket
from tests.helpers.accounts import Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Peers, join, matched_room, settled

CHUNK = 2 * 1024 * 1024 - 64


def _held_mb() -> float:
    """Python memory still allocated (the stack runs in this process)."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 2**20


async def test_announcing_many_attachments_buffers_nothing_and_the_room_carries_on(
    live_stack: Callable[..., LiveStack], peers: Peers, accounts: Accounts
) -> None:
    stack = live_stack()
    room, mallory, bob = await matched_room(stack, peers, accounts)
    partner = await join(stack, peers, bob, room)
    raw = RawSocket(stack.base_url)
    tracemalloc.start()
    try:
        connected = await raw.open("/collab", {"token": mallory.token, "sessionId": room})
        assert connected.startswith("40/collab,"), connected
        before = _held_mb()
        placeholder = json.dumps(["collab:update", {"_placeholder": True, "num": 0}])
        await raw.send_text(f"459999999999-/collab,{placeholder}")
        await raw.send_text(f"4550-/collab,{placeholder}")
        for _ in range(50):  # 100 MiB of attachments that no packet may take
            await raw.send_binary(b"\x00" * CHUNK)
        # The same socket is still served, in order, once all of that is dropped.
        await raw.send_text('42/collab,["collab:history:get",{}]')
        while not (await raw.text()).startswith('42/collab,["collab:history"'):
            pass
        editor = await join(stack, peers, mallory, room)
        await editor.type(0, "still here")
        await settled(partner, "still here")
        grown = _held_mb() - before
    finally:
        await raw.close()
        tracemalloc.stop()
    # python-socketio kept all of it (+82 MB seen) until the announced count arrived.
    assert grown < 40, f"the process grew by {grown:.0f} MiB"
