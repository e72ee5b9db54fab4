"""Code execution benchmark: the sandbox's own cost, runs per second, and click to verdict.

Run by hand, as root (the sandbox makes control groups and drops to its own uids), never in
the test suite:

    .venv/bin/python bench/exec.py                  # all three parts
    .venv/bin/python bench/exec.py --runs 40 --clicks 30

It prints, with the machine's calibration (the 10-million-additions loop) beside them:

1. the sandbox's overhead per run: `python3 -S -c pass` bare and in the sandbox, medians;
2. runs per second of a 100-case Python submission with as many sandboxes as cores;
3. click to final result for Run on a Python question through the whole stack (a `peerprep up`
   of its own, two members matched for real, `code:run` to `code:run:finished`), p50 and p95.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from collab import Member
from harness import ROOT, RunningStack, loop_factory, percentile, running_stack

sys.path.insert(0, str(ROOT))

from execution.cgroups import detect
from execution.runnable import RunnableQuestion, load_bank
from execution.runner import Mode, Runner, Slots, Verdict
from execution.sandbox import Identity, Limits, Sandbox
from execution.workspace import Workspace

PYTHON = "/usr/bin/python3"
SOLUTIONS = ROOT / "tests" / "solutions" / "python"
FIRST_UID = 65_000


def calibration() -> float:
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


async def overhead(runs: int, workspace: Workspace, sandbox: Sandbox) -> tuple[float, float]:
    """Median milliseconds of `python3 -S -c pass`: bare, and in a fresh sandbox."""
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(PYTHON, "-S", "-c", "pass")
        assert await process.wait() == 0
        bare.append((time.perf_counter() - started) * 1000)
    identity = Identity(FIRST_UID, FIRST_UID)
    box = workspace.create(identity)
    limits = Limits(cpu_seconds=2, wall_seconds=5, memory_bytes=256 * 1024 * 1024)
    boxed = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            outcome = await sandbox.run(
                [PYTHON, "-S", "-c", "pass"], box=box, limits=limits, identity=identity
            )
            boxed.append((time.perf_counter() - started) * 1000)
            assert outcome.ok, outcome
    finally:
        workspace.remove(box)
    return statistics.median(bare), statistics.median(boxed)


def hundred_cases(question: RunnableQuestion) -> RunnableQuestion:
    cases = [question.cases[index % len(question.cases)] for index in range(100)]
    return dataclasses.replace(question, cases=tuple(cases))


async def throughput(runs: int, workspace: Workspace, sandbox: Sandbox) -> tuple[int, float]:
    cores = os.cpu_count() or 1
    runner = Runner(sandbox, workspace, Slots(cores, FIRST_UID + 10))
    question = hundred_cases(load_bank()[1])
    source = (SOLUTIONS / "q001.py").read_text()
    started = time.perf_counter()
    results = await asyncio.gather(
        *(runner.run(question, "python", source, Mode.SUBMIT) for _ in range(runs))
    )
    elapsed = time.perf_counter() - started
    assert all(result.verdict is Verdict.ACCEPTED for result in results)
    return cores, runs / elapsed


class Clicker(Member):
    """A member who presses Run and times the verdict."""

    async def enter_and_watch(self, room: str) -> None:
        await self.enter(room)
        self.finished: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def on_finished(data: dict[str, Any]) -> None:
            await self.finished.put(data)

        self.client.on("code:run:finished", on_finished, namespace="/collab")


async def clicks(stack: RunningStack, count: int) -> list[float]:
    first, second = Clicker(stack), Clicker(stack)
    one = asyncio.create_task(first.match("Arrays"))
    await asyncio.sleep(0.05)
    room, _ = await asyncio.gather(one, second.match("Arrays"))
    await first.enter_and_watch(room)
    # Whatever question the room got, its reference is typed into the document.
    question = await _room_question(stack, room)
    source = (SOLUTIONS / f"q{question:03d}.py").read_text()
    before = first.doc.get_state()
    first.text.insert(0, source)
    await first.client.emit("collab:update", first.doc.get_update(before), namespace="/collab")
    await asyncio.sleep(0.5)
    latencies = []
    for _ in range(count + 1):
        started = time.perf_counter()
        await first.client.emit(
            "code:run", {"mode": "run", "language": "python"}, namespace="/collab"
        )
        result = await asyncio.wait_for(first.finished.get(), 30)
        latencies.append((time.perf_counter() - started) * 1000)
        assert result["verdict"] == "Accepted", result
        await asyncio.sleep(0.2)
    await first.client.disconnect()
    return latencies[1:]  # the first run warms the executor's caches


async def _room_question(stack: RunningStack, room: str) -> int:
    from temporalio.client import Client

    client = await Client.connect(stack.temporal_address)
    state = await client.get_workflow_handle(f"session-{room}").query("state")
    return int(state["question"]["id"])


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs for parts 1 and 2")
    parser.add_argument("--clicks", type=int, default=30, help="Run clicks for part 3")
    args = parser.parse_args()
    print(f"calibration: 10M additions in {calibration():.2f} s")
    sandbox = Sandbox(detect())
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o711)
        workspace = Workspace(Path(folder) / "runs")
        bare, boxed = await overhead(args.runs, workspace, sandbox)
        print(
            f"sandbox overhead: python3 -S -c pass bare {bare:.1f} ms, sandboxed {boxed:.1f} ms"
            f" (median of {args.runs}): {boxed - bare:.1f} ms per run"
        )
        cores, rate = await throughput(args.runs, workspace, sandbox)
        print(f"100-case Python submissions, {cores} sandboxes at once: {rate:.1f} runs/s")
    async with running_stack(
        PEERPREP_LIMIT_CODE_RUNS="100000/minute", PEERPREP_MATCH_RELAX_TOPICS_SECONDS="600"
    ) as stack:
        latencies = await clicks(stack, args.clicks)
    print(
        f"Run, click to code:run:finished through peerprep up ({len(latencies)} clicks): "
        f"p50 {percentile(latencies, 0.5):.0f} ms  p95 {percentile(latencies, 0.95):.0f} ms"
    )


if __name__ == "__main__":
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main())
