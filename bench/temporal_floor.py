"""What the embedded Temporal dev server costs for the least a match request must do.

Run by hand (never in the test suite):

    .venv/bin/python bench/temporal_floor.py
    .venv/bin/python bench/temporal_floor.py --requests 2000 --concurrency 50

A request workflow here does only what every PeerPrep request does at the least: it is started
with a signal (the join), carrying search attributes and a memo, waits for one more signal (the
pair), upserts its outcome and completes. No matchmaker, session, socket or database. The dev
server is started as ``peerprep up`` starts it (same SQLite pragmas and search attributes), with
the worker and client in this process. It prints, as a table, the lifecycles per second and the
CPU each one cost the server and this process, and what that means for pairs: each pair is two
requests, so the CPU of two lifecycles is a floor under the CPU of a pair, and the cores divided
by that floor is a ceiling on pairs per second that no change inside PeerPrep can lift.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from temporalio import workflow

# The project's packages are one folder up (os.path: the workflow sandbox re-runs this module
# and forbids pathlib's resolve).
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

with workflow.unsafe.imports_passed_through():
    from temporalio.client import Client
    from temporalio.worker import Worker

    from workers.temporal_server import DevServer, free_port
    from workflows import search_attributes as attrs


@workflow.defn(name="FloorRequest")
class FloorRequest:
    def __init__(self) -> None:
        self._paired = False

    @workflow.signal
    def join(self, _criteria: str) -> None:
        pass

    @workflow.signal
    def paired(self, _room: str) -> None:
        self._paired = True

    @workflow.run
    async def run(self, _criteria: str) -> None:
        await workflow.wait_condition(lambda: self._paired)
        workflow.upsert_search_attributes([attrs.OUTCOME.value_set("matched")])
        workflow.upsert_memo({"outcome": "matched"})


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def lifecycles(client: Client, task_queue: str, count: int, concurrency: int) -> None:
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        user = str(uuid.uuid4())
        async with slots:
            handle = await client.start_workflow(
                FloorRequest.run,
                "easy/Arrays",
                id=f"floor-{user}",
                task_queue=task_queue,
                start_signal="join",
                start_signal_args=["easy/Arrays"],
                search_attributes=attrs.request_attributes(user, "easy", ["Arrays"]),
                memo={"outcome": "waiting", "difficulty": "easy", "topics": ["Arrays"]},
            )
            await handle.signal(FloorRequest.paired, "room")
            await handle.result()

    await asyncio.gather(*(one() for _ in range(count)))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        server = DevServer(port=free_port(), ui_port=None, db_file=Path(data_dir) / "temporal.db")
        server.start()
        try:
            client = await server.wait_ready()
            server_pid = server.pid
            assert server_pid is not None
            task_queue = "floor"
            async with Worker(client, task_queue=task_queue, workflows=[FloorRequest]):
                # Warm up: the first lifecycles pay for connections and the sandbox's imports.
                await lifecycles(client, task_queue, 50, args.concurrency)
                before = (cpu_seconds(server_pid), cpu_seconds(os.getpid()), time.perf_counter())
                await lifecycles(client, task_queue, args.requests, args.concurrency)
                after = (cpu_seconds(server_pid), cpu_seconds(os.getpid()), time.perf_counter())
        finally:
            server.stop()
    server_ms = (after[0] - before[0]) / args.requests * 1000
    own_ms = (after[1] - before[1]) / args.requests * 1000
    elapsed = after[2] - before[2]
    pair_ms = 2 * (server_ms + own_ms)
    per_second = args.requests / elapsed
    cores = os.cpu_count() or 1
    rows = [
        ("request lifecycles", f"{args.requests} in {elapsed:.1f} s ({per_second:.0f}/s)"),
        ("CPU per lifecycle", f"Temporal server {server_ms:.1f} ms, worker+client {own_ms:.1f} ms"),
        ("CPU floor per pair", f"{pair_ms:.1f} ms (two requests)"),
        (
            f"pairs/s ceiling on {cores} cores",
            f"{cores * 1000 / pair_ms:.0f} (the cores doing nothing but these two requests)",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'scenario'.ljust(width)}  result")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    asyncio.run(main())
