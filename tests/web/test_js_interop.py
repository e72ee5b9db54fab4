"""``/collab`` against the real JavaScript clients: a Node peer (``tests/js/peer.mjs``, built on the
``yjs`` and ``socket.io-client`` packages a browser would use) and a Python pycrdt peer edit one
room, and the two peers and the server must end with the same text."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.accounts import Account, Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.rooms import Editor, Peers, join, matched_room, settled
from tests.helpers.waiting import until

StackFactory = Callable[..., LiveStack]

JS_DIR = Path(__file__).resolve().parents[1] / "js"
PEER_SCRIPT = JS_DIR / "peer.mjs"
# npm writes node_modules/.package-lock.json last, so it marks a finished install.
INSTALLED_MARKER = JS_DIR / "node_modules" / ".package-lock.json"
LOCKFILE = JS_DIR / "package-lock.json"
NPM_CI_SECONDS = 300
PEER_DEADLINE_SECONDS = 30.0
WAIT_SECONDS = 15.0
ROUNDS = 12


@dataclass(frozen=True)
class PeerResult:
    text: str
    errors: list[str]


def _needs_install() -> bool:
    return (
        not INSTALLED_MARKER.is_file()
        or LOCKFILE.stat().st_mtime > INSTALLED_MARKER.stat().st_mtime
    )


@pytest.fixture(scope="session")
def node_peer() -> Path:
    """``peer.mjs``, with its packages installed from the lockfile (``npm ci``) if they are not."""
    if shutil.which("node") is None:
        pytest.fail("the JS interop tests need Node.js 20+ (`node`) on PATH")
    if _needs_install():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"{JS_DIR / 'node_modules'} is missing and `npm` is not on PATH")
        try:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=JS_DIR,
                capture_output=True,
                text=True,
                timeout=NPM_CI_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"`npm ci` in {JS_DIR} took more than {NPM_CI_SECONDS} s")
        if done.returncode != 0:
            pytest.fail(
                f"`npm ci` in {JS_DIR} failed ({done.returncode}); run it by hand to see why.\n"
                f"{done.stdout}\n{done.stderr}"
            )
    return PEER_SCRIPT


async def run_peer(
    script: Path,
    stack: LiveStack,
    account: Account,
    room: str,
    *,
    expect_length: int,
    text: str = "",
    count: int = 0,
) -> PeerResult:
    """Run ``peer.mjs`` as ``account`` in ``room`` until its text has ``expect_length`` chars."""
    process = await asyncio.create_subprocess_exec(
        "node",
        str(script),
        "--url",
        stack.base_url,
        "--session",
        room,
        "--text",
        text,
        "--count",
        str(count),
        "--expect-length",
        str(expect_length),
        "--deadline",
        str(PEER_DEADLINE_SECONDS),
        cwd=JS_DIR,
        env={**os.environ, "PEER_TOKEN": account.token},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), PEER_DEADLINE_SECONDS + 15)
    except TimeoutError:
        process.kill()
        await process.communicate()
        raise AssertionError("peer.mjs did not exit after its deadline") from None
    stdout, stderr = out.decode(), err.decode()
    assert process.returncode == 0, f"peer.mjs exited {process.returncode}: {stderr}{stdout}"
    report = json.loads(stdout.strip().splitlines()[-1])
    return PeerResult(text=report["text"], errors=report["errors"])


async def first_update(editor: Editor, peer: asyncio.Task[PeerResult]) -> None:
    """Wait until ``editor`` hears an edit from the room — or the Node peer gives up first."""

    def heard() -> bool:
        if editor.peer.events("collab:update"):
            return True
        if peer.done():
            peer.result()  # raises why the Node peer stopped
            raise AssertionError("the Node peer finished without its edits reaching the room")
        return False

    await until(heard, "an edit from the Node peer to reach the room", within=WAIT_SECONDS)


async def server_text(stack: LiveStack, room: str, expected: str) -> str:
    """The room's stored text once it equals ``expected`` (or whatever it is at the deadline)."""
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while True:
        text: str = await stack.call(stack.documents.text(room))
        if text == expected or asyncio.get_running_loop().time() > deadline:
            return text
        await asyncio.sleep(0.02)


def line_start(text: str, rng: random.Random) -> int:
    """A random index at which a new line may begin, so whole-line fragments are never split."""
    return rng.choice([0, *(index + 1 for index, char in enumerate(text) if char == "\n")])


async def test_js_and_python_peers_typing_at_once_converge_with_the_server(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, node_peer: Path
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    python = await join(stack, peers, alice, room)
    python_lines = [f"py {index}\n" for index in range(ROUNDS)]
    node_lines = [f"js {index}\n" for index in range(ROUNDS)]
    total = sum(len(line) for line in python_lines + node_lines)
    node = asyncio.create_task(
        run_peer(node_peer, stack, bob, room, text="js {i}\n", count=ROUNDS, expect_length=total)
    )
    # Type while the Node peer is still typing, so each side edits without the other's latest.
    await first_update(python, node)
    rng = random.Random(room)
    for line in python_lines:
        python.catch_up()
        await python.type(line_start(str(python.text), rng), line)

    result = await node
    assert result.errors == []
    await settled(python, result.text)
    assert await server_text(stack, room, result.text) == result.text == str(python.text)
    assert sorted(result.text.splitlines(keepends=True)) == sorted(python_lines + node_lines)


async def test_a_js_peer_joining_later_gets_the_python_text_from_collab_state(
    live_stack: StackFactory, peers: Peers, accounts: Accounts, node_peer: Path
) -> None:
    stack = live_stack()
    room, alice, bob = await matched_room(stack, peers, accounts)
    python = await join(stack, peers, alice, room)
    await python.type(0, "    return a + b\n")
    await python.type(0, "def add(a, b):\n")
    expected = "def add(a, b):\n    return a + b\n"
    assert await server_text(stack, room, expected) == expected

    result = await run_peer(node_peer, stack, bob, room, expect_length=len(expected))
    assert result.errors == []
    assert result.text == expected
