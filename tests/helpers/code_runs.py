"""A live stack with an executor of its own, and a room's code run through it."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Editor, settled
from tests.helpers.services import IN_CI
from tests.helpers.waiting import eventually

StackFactory = Callable[..., LiveStack]
SOLUTIONS = Path(__file__).parents[1] / "solutions" / "python"
# Each executor gets uids of its own, apart from other test processes' (and pytest-xdist's).
_UIDS = itertools.count(64000 + (os.getpid() % 100) * 20, 4)


def needs_a_sandbox() -> None:
    if os.geteuid() != 0 and not IN_CI:
        pytest.skip("the executor's sandbox needs root (control groups, uids)")


def executor_stack(live_stack: StackFactory, **overrides: object) -> LiveStack:
    tag = uuid.uuid4().hex[:8]
    return live_stack(
        exec_in_up=True,
        exec_task_queue=f"exec-{tag}",
        exec_first_uid=next(_UIDS),
        exec_slots=2,
        **overrides,
    )


async def question_of(stack: LiveStack, room: str) -> int:
    assert stack.client is not None
    state = await stack.call(stack.client.get_workflow_handle(f"session-{room}").query("state"))
    return int(state["question"]["id"])


def reference(question: int) -> str:
    """The Python reference solution of a question: it passes every case."""
    return (SOLUTIONS / f"q{question:03d}.py").read_text()


async def stored(stack: LiveStack, room: str, code: str) -> None:
    """Until the room's document (what a run reads) holds ``code``."""

    async def text() -> str:
        found: str = await stack.call(stack.documents.text(room))
        return found

    await eventually(text, lambda found: found == code, "the code to reach the room")


async def write(editor: Editor, other: Editor, code: str) -> None:
    await editor.type(0, code)
    await settled(other, code)


async def submitted(editor: Editor, mode: str = "submit") -> dict[str, Any]:
    """``editor`` runs the room's code; the result every member is sent at the end."""
    earlier = {run["runId"] for run in editor.peer.events("code:run:started")}
    await editor.peer.emit("code:run", {"mode": mode, "language": "python"})
    started = await editor.peer.wait_for(
        "code:run:started", lambda found: found["runId"] not in earlier, within=15
    )
    done: dict[str, Any] = await editor.peer.wait_for(
        "code:run:finished", lambda found: found["runId"] == started["runId"], within=30
    )
    return done
