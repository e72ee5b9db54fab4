"""Collaboration benchmark: real Socket.IO Yjs peers against a running ``peerprep up``.

Run by hand (never in the test suite):

    .venv/bin/python bench/collab.py                       # 1 room, then 100 rooms
    .venv/bin/python bench/collab.py --rooms 1,100 --rate 5 --seconds 15

Pairs are made through /matching for real, then both members of every room type ``--rate``
edits per second for ``--seconds``, with pycrdt and python-socketio clients in this process; with
``--clients js``, with the frontend's own JavaScript ``yjs`` and ``socket.io-client`` in one Node
process instead (bench/js, installed with ``npm ci`` on first use). It prints, as a table: edit
propagation latency (one client's update leaving it to the partner receiving it, p50/p99),
updates persisted per second, and the resident memory the web process holds per loaded room.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import socketio
from harness import RunningStack, loop_factory, mint_token, percentile, running_stack
from pycrdt import Doc, Text

TOPICS = ("Arrays", "Strings", "Graphs", "Heap", "Sorting", "Math", "Stack", "Trees")


class Member:
    def __init__(self, stack: RunningStack) -> None:
        self.user_id, self.token = mint_token(stack.secret)
        self.base_url = stack.base_url
        self.client = socketio.AsyncClient(reconnection=False)
        self.doc: Doc[Text] = Doc()
        self.text = self.doc.get("content", type=Text)
        self.matched: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.latencies: list[float] = []
        self.sent: dict[bytes, float] = {}
        self.partner: Member | None = None
        self.client.on("matched", self._on_matched, namespace="/matching")
        self.client.on("collab:state", self._on_state, namespace="/collab")
        self.client.on("collab:update", self._on_update, namespace="/collab")
        self.client.on("collab:connected", self._on_connected, namespace="/collab")

    async def _on_matched(self, data: Any) -> None:
        if not self.matched.done():
            self.matched.set_result(data["roomId"])

    async def _on_state(self, data: bytes) -> None:
        self.doc.apply_update(data)

    async def _on_connected(self, _data: Any) -> None:
        if not self.ready.done():
            self.ready.set_result(None)

    async def _on_update(self, data: bytes) -> None:
        received = time.perf_counter()
        self.doc.apply_update(data)
        if self.partner is not None:
            sent = self.partner.sent.pop(hashlib.blake2b(data, digest_size=16).digest(), None)
            if sent is not None:
                self.latencies.append((received - sent) * 1000)

    async def match(self, topic: str) -> str:
        await self.client.connect(
            self.base_url,
            namespaces=["/matching"],
            auth={"token": self.token},
            transports=["websocket"],
            wait_timeout=20,
        )
        await self.client.emit(
            "join-queue",
            {"userId": self.user_id, "difficulty": "easy", "topics": [topic]},
            namespace="/matching",
        )
        room = await asyncio.wait_for(self.matched, 60)
        await self.client.disconnect()
        return room

    async def enter(self, room: str) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("collab:state", self._on_state, namespace="/collab")
        self.client.on("collab:update", self._on_update, namespace="/collab")
        self.client.on("collab:connected", self._on_connected, namespace="/collab")
        await self.client.connect(
            self.base_url,
            namespaces=["/collab"],
            auth={"token": self.token, "sessionId": room},
            transports=["websocket"],
            wait_timeout=20,
        )
        await asyncio.wait_for(self.ready, 20)

    async def type_for(self, seconds: float, rate: float) -> int:
        sent = 0
        deadline = time.perf_counter() + seconds
        # Students do not type in step: start at a random phase and vary each pause, keeping the
        # average rate (in lockstep, all 200 clients' edits would land in the same millisecond).
        await asyncio.sleep(random.uniform(0, 1 / rate))
        while time.perf_counter() < deadline:
            before = self.doc.get_state()
            self.text.insert(random.randint(0, len(self.text)), random.choice("abcdefgh \n"))
            update = self.doc.get_update(before)
            self.sent[hashlib.blake2b(update, digest_size=16).digest()] = time.perf_counter()
            await self.client.emit("collab:update", update, namespace="/collab")
            sent += 1
            await asyncio.sleep(random.uniform(0.5, 1.5) / rate)
        return sent


async def make_rooms(stack: RunningStack, count: int) -> list[tuple[str, Member, Member]]:
    rooms = []
    for index in range(count):
        # A topic and a difficulty per pair keeps every pair to itself.
        first, second = Member(stack), Member(stack)
        topic = TOPICS[index % len(TOPICS)]
        one = asyncio.create_task(first.match(topic))
        await asyncio.sleep(0.05)
        room, _ = await asyncio.gather(one, second.match(topic))
        first.partner, second.partner = second, first
        rooms.append((room, first, second))
    return rooms


JS_PEERS = Path(__file__).resolve().parent / "js"


def install_js_peers() -> None:
    """``npm ci`` for bench/js when its node_modules is missing or older than the lockfile."""
    installed = JS_PEERS / "node_modules" / ".package-lock.json"
    lockfile = JS_PEERS / "package-lock.json"
    if not installed.exists() or lockfile.stat().st_mtime > installed.stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_PEERS, check=True)


@dataclass
class Typing:
    """What one scenario's typing produced."""

    latencies: list[float]
    sent: int
    converged: int
    elapsed: float
    bytes_per_room: float
    # CPU time the `peerprep up` process (web tier and worker) spent while the peers typed
    # (and the second after, for the last echoes), and the wall time that covers.
    cpu_seconds: float
    cpu_window: float


def web_cpu(stack: RunningStack) -> float:
    return stack.cpu_seconds().get("peerprep", 0.0)


async def js_scenario(stack: RunningStack, count: int, rate: float, seconds: float) -> Typing:
    """The typing done by real JS peers (bench/js/peers.mjs): the frontend's own packages."""
    rooms = await make_rooms(stack, count)
    rss_before = stack.rss_bytes()
    peers = await asyncio.create_subprocess_exec(
        "node",
        str(JS_PEERS / "peers.mjs"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=64 * 1024 * 1024,  # the result is one JSON line with every latency
    )
    assert peers.stdin is not None
    assert peers.stdout is not None
    config = {
        "baseUrl": stack.base_url,
        "rate": rate,
        "seconds": seconds,
        "rooms": [
            {"roomId": room, "tokens": [first.token, second.token]} for room, first, second in rooms
        ],
    }
    peers.stdin.write(json.dumps(config).encode() + b"\n")
    await peers.stdin.drain()
    ready = await asyncio.wait_for(peers.stdout.readline(), 60)
    if ready.strip() != b"ready":
        raise RuntimeError(f"the JS peers did not start: {ready!r}")
    await asyncio.sleep(1)
    rss_loaded = stack.rss_bytes()
    started, cpu_before = time.perf_counter(), web_cpu(stack)
    peers.stdin.write(b"go\n")
    await peers.stdin.drain()
    result = json.loads(await asyncio.wait_for(peers.stdout.readline(), seconds + 60))
    cpu, cpu_window = web_cpu(stack) - cpu_before, time.perf_counter() - started
    elapsed = cpu_window - 1  # the peers wait a second for the last echoes
    await peers.wait()
    return Typing(
        result["latencies"],
        result["sent"],
        result["converged"],
        elapsed,
        (rss_loaded - rss_before) / count,
        cpu,
        cpu_window,
    )


async def scenario(
    stack: RunningStack, count: int, rate: float, seconds: float, clients: str
) -> list[str]:
    if clients == "js":
        return table_row(count, rate, await js_scenario(stack, count, rate, seconds))
    rooms = await make_rooms(stack, count)
    rss_before = stack.rss_bytes()
    await asyncio.gather(*(member.enter(room) for room, *pair in rooms for member in pair))
    await asyncio.sleep(1)
    rss_loaded = stack.rss_bytes()
    started, cpu_before = time.perf_counter(), web_cpu(stack)
    sent = await asyncio.gather(
        *(member.type_for(seconds, rate) for _room, *pair in rooms for member in pair)
    )
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1)
    cpu, cpu_window = web_cpu(stack) - cpu_before, time.perf_counter() - started
    latencies = [value for _room, *pair in rooms for member in pair for value in member.latencies]
    converged = sum(1 for _room, a, b in rooms if str(a.text) == str(b.text))
    await asyncio.gather(*(member.client.disconnect() for _room, *pair in rooms for member in pair))
    typing = Typing(
        latencies, sum(sent), converged, elapsed, (rss_loaded - rss_before) / count, cpu, cpu_window
    )
    return table_row(count, rate, typing)


def table_row(count: int, rate: float, typing: Typing) -> list[str]:
    latencies = typing.latencies
    return [
        f"{count} room(s), {rate:g} edits/s each member",
        f"p50 {statistics.median(latencies):.2f} ms  p99 {percentile(latencies, 0.99):.2f} ms  "
        f"({len(latencies)} edits)",
        f"{typing.sent / typing.elapsed:.0f} updates/s persisted",
        # All the process did meanwhile (at a low rate, mostly its idle cost), per second and
        # per update received.
        f"web process {typing.cpu_seconds / typing.cpu_window:.0%} of a core "
        f"({typing.cpu_seconds / max(typing.sent, 1) * 1e6:.0f} us per update)",
        f"{typing.bytes_per_room / 1024:.0f} KiB per loaded room; "
        f"{typing.converged}/{count} rooms converged",
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rooms", default="1,100")
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--clients",
        choices=("python", "js"),
        default="python",
        help="who types: pycrdt + python-socketio in this process (default), or the frontend's "
        "yjs + socket.io-client in one Node process",
    )
    args = parser.parse_args()
    if args.clients == "js":
        install_js_peers()
    rows = []
    async with running_stack(PEERPREP_MATCH_RELAX_TOPICS_SECONDS="600") as stack:
        for count in (int(value) for value in args.rooms.split(",")):
            rows.append(await scenario(stack, count, args.rate, args.seconds, args.clients))
    for row in rows:
        print("  |  ".join(row))


if __name__ == "__main__":
    # The clients on uvloop like the server: less of the measured time is the measuring.
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main())
