"""Fixtures of the browser tests: the built client, Debian's Chromium driven by Playwright, and
``peerprep up`` as the README runs it.

Playwright's own browser download cannot work here (no network but the package registries), so
the browser is the system's ``/usr/bin/chromium`` (``.ci/run`` installs it when it is absent). A
developer without it gets a skip; under ``CI=true`` it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect

from tests.browser.student import Student
from tests.helpers.config import BROWSER_DOCUMENT_BYTES
from tests.helpers.services import unavailable
from tests.helpers.up_process import Stack

ROOT = Path(__file__).resolve().parents[2]
CLIENT_DIR = ROOT / "client"
CHROMIUM = Path(os.environ.get("PEERPREP_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BUILD_SECONDS = 300
# Every step waits on a condition; this is its ceiling on a slow, shared machine.
STEP_MS = 15_000
# As root in a container, with no network but loopback: no sandbox, and none of Chromium's
# background calls home (they would be refused, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def client_bundle() -> Path:
    """``client/dist``, built (``client/build``: npm ci and esbuild) when missing or stale."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("the browser tests need Node.js 20+ and npm on PATH to build client/")
    try:
        done = subprocess.run(
            [str(CLIENT_DIR / "build")],
            capture_output=True,
            text=True,
            timeout=BUILD_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"client/build took more than {BUILD_SECONDS} s")
    if done.returncode != 0:
        pytest.fail(f"client/build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    dist = CLIENT_DIR / "dist"
    assert (dist / "index.html").is_file(), done.stdout
    return dist


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        unavailable("Chromium", FileNotFoundError(f"{CHROMIUM} (apt-get install chromium)"))
    return CHROMIUM


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def up(tmp_path: Path, client_bundle: Path) -> Iterator[Stack]:
    """``peerprep up`` on free ports with a fresh data dir, serving the built client."""
    # A browser session lasts seconds: points must not wait for the default 5 minutes. The
    # document cap is small enough for a test to reach it with one paste.
    stack = Stack(
        tmp_path / "data",
        PEERPREP_POINTS_MIN_SESSION_SECONDS="0",
        PEERPREP_MAX_DOCUMENT_BYTES=str(BROWSER_DOCUMENT_BYTES),
    )
    try:
        stack.start()
        yield stack
        stack.terminate()
    finally:
        stack.cleanup()


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    expect.set_options(timeout=STEP_MS)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def students(browser: Browser, screenshots: Path) -> AsyncIterator[tuple[Student, Student]]:
    """Alice and Bob, each in a browser context of their own."""
    alice = await Student.open(browser, "alice", screenshots)
    bob = await Student.open(browser, "bob", screenshots)
    yield alice, bob
    await alice.close()
    await bob.close()
