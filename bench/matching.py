"""Matching benchmark: real Socket.IO clients against a running ``peerprep up``.

Run by hand (never in the test suite):

    .venv/bin/python bench/matching.py                 # starts its own `peerprep up`
    .venv/bin/python bench/matching.py --pairs 200 --users 50,200 --seconds 20

It prints, as a table: the time from the second student's ``join-queue`` to both students'
``matched`` at low load (p50/p95/p99 over ``--pairs`` sequential pairs), and the pairs per second
sustained while ``--users`` students keep re-joining the queue for ``--seconds``: over the whole
window, and after the first ``--warmup`` seconds (when the first joins, all at once, are done),
with the CPU time the stack spent per pair (the web tier and worker, and the Temporal server)
and the history events its workflows wrote per pair, by workflow type. Events are the server's
work counted rather than timed: a change to the matching protocol shows there even on a machine
too noisy for its CPU times (workflows still running at the end add their events so far).
Tokens are minted with the stack's development secret, so no sign-up cost is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import socketio
from harness import loop_factory, mint_token, percentile, running_stack
from temporalio.client import Client

NAMESPACE = "/matching"


class Student:
    """One connected client; ``matched`` and ``joined`` resolve on the next such event."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.user_id, self.token = mint_token(secret)
        self.base_url = base_url
        self.client = socketio.AsyncClient(reconnection=False)
        self.matched: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.joined: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.client.on("matched", self._on_matched, namespace=NAMESPACE)
        self.client.on("joined-queue", self._on_joined, namespace=NAMESPACE)

    async def _on_matched(self, _data: Any) -> None:
        if not self.matched.done():
            self.matched.set_result(time.perf_counter())

    async def _on_joined(self, data: Any) -> None:
        if data.get("ok") and not self.joined.done():
            self.joined.set_result(time.perf_counter())

    async def connect(self) -> None:
        await self.client.connect(
            self.base_url,
            namespaces=[NAMESPACE],
            auth={"token": self.token},
            transports=["websocket"],
            wait_timeout=20,
        )

    async def join(self, difficulty: str = "medium", topics: tuple[str, ...] = ("Arrays",)) -> None:
        loop = asyncio.get_running_loop()
        self.matched = loop.create_future()
        self.joined = loop.create_future()
        await self.client.emit(
            "join-queue",
            {"userId": self.user_id, "difficulty": difficulty, "topics": list(topics)},
            namespace=NAMESPACE,
        )


async def latency(base_url: str, secret: str, pairs: int) -> list[float]:
    """Sequential pairs: the second join to both matched, in milliseconds."""
    students = [Student(base_url, secret) for _ in range(2 * pairs)]
    await asyncio.gather(*(student.connect() for student in students))
    results = []
    for index in range(pairs):
        first, second = students[2 * index], students[2 * index + 1]
        topic = ("Arrays", "Graphs", "Heap", "Strings")[index % 4]
        await first.join("easy", (topic,))
        await asyncio.wait_for(first.joined, 20)
        started = time.perf_counter()
        await second.join("easy", (topic,))
        done = await asyncio.wait_for(asyncio.gather(first.matched, second.matched), 20)
        results.append((max(done) - started) * 1000)
    await asyncio.gather(*(student.client.disconnect() for student in students))
    return results


@dataclass(frozen=True)
class Sustained:
    pairs: int
    elapsed: float
    # Pairs made after the warm-up (while every student keeps re-joining), and over how long.
    steady_pairs: int
    steady_elapsed: float
    first_pair_after: float


async def throughput(
    base_url: str, secret: str, users: int, seconds: float, warmup: float
) -> Sustained:
    """Every student re-joins as soon as matched; pairs made per second over ``seconds``, and
    after the first ``warmup`` seconds (the first joins all arrive at once)."""
    students = [Student(base_url, secret) for _ in range(users)]
    await asyncio.gather(*(student.connect() for student in students))
    matched_at: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds

    async def keep_queueing(student: Student) -> None:
        while time.perf_counter() < deadline:
            await student.join("medium", ("Arrays",))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(student.matched, max(deadline - time.perf_counter(), 0.01))
                matched_at.append(student.matched.result() - started)

    await asyncio.gather(*(keep_queueing(student) for student in students))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(student.client.disconnect() for student in students))
    steady = [at for at in matched_at if at >= warmup]
    return Sustained(
        pairs=len(matched_at) // 2,
        elapsed=elapsed,
        steady_pairs=len(steady) // 2,
        steady_elapsed=max(elapsed - warmup, 0.001),
        first_pair_after=min(matched_at, default=float("nan")),
    )


async def history_events(client: Client) -> Counter[str]:
    """Every history event the server holds, counted by workflow type."""
    counts: Counter[str] = Counter()
    async for execution in client.list_workflows():
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        async for _event in handle.fetch_history_events():
            counts[execution.workflow_type] += 1
    return counts


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    args = parser.parse_args()
    async with running_stack() as stack:
        base_url, secret = stack.base_url, stack.secret
        temporal = await Client.connect(stack.temporal_address)
        samples = await latency(base_url, secret, args.pairs)
        rows = [
            (
                f"match latency, {args.pairs} sequential pairs",
                f"p50 {statistics.median(samples):.1f} ms  "
                f"p95 {percentile(samples, 0.95):.1f} ms  p99 {percentile(samples, 0.99):.1f} ms",
            )
        ]
        for users in (int(value) for value in args.users.split(",")):
            events_before = await history_events(temporal)
            cpu_before = stack.cpu_seconds()
            run = await throughput(base_url, secret, users, args.seconds, args.warmup)
            cpu_after = stack.cpu_seconds()
            events = await history_events(temporal) - events_before
            cpu = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
            per_pair = ", ".join(
                f"{name} {used / max(run.pairs, 1) * 1000:.0f}" for name, used in cpu.items()
            )
            rows += [
                (
                    f"sustained, {users} users re-queueing",
                    f"{run.pairs / run.elapsed:.1f} pairs/s ({run.pairs} pairs in "
                    f"{run.elapsed:.1f} s; first after {run.first_pair_after:.1f} s)",
                ),
                (
                    f"  after the first {args.warmup:g} s",
                    f"{run.steady_pairs / run.steady_elapsed:.1f} pairs/s",
                ),
                ("  CPU ms per pair, by process", per_pair),
                (
                    "  history events per pair",
                    ", ".join(
                        f"{kind} {count / max(run.pairs, 1):.1f}"
                        for kind, count in sorted(events.items())
                    ),
                ),
            ]
    width = max(len(name) for name, _ in rows)
    print(f"{'scenario'.ljust(width)}  result")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    # The clients on uvloop like the server: less of the measured time is the measuring.
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main())
