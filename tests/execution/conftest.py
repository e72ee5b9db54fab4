"""The sandbox the execution tests use: the real bubblewrap and control groups of this host."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from execution.cgroups import CgroupUnavailable, detect
from execution.sandbox import Identity, Sandbox
from execution.workspace import Workspace
from tests.helpers.services import unavailable

# Far from any real account, and one per test, so a leftover of one test shows in the next.
_UIDS = itertools.count(61000 + (os.getpid() % 1000) * 10)


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    if shutil.which("bwrap") is None:
        unavailable("bubblewrap", FileNotFoundError("bwrap is not installed"))
    try:
        return Sandbox(detect())
    except CgroupUnavailable as error:
        unavailable("control groups", error)
        raise


@pytest.fixture
def identity() -> Identity:
    uid = next(_UIDS)
    return Identity(uid, uid)


@pytest.fixture(scope="session")
def workspace() -> Iterator[Workspace]:
    # Not under pytest's own folder, which only root may enter.
    root = Path(tempfile.gettempdir()) / f"peerprep-exec-tests-{os.getpid()}"
    yield Workspace(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def box(workspace: Workspace, identity: Identity) -> Iterator[Path]:
    """The run's directory, the sandbox's /box: readable by the sandbox's uid only."""
    folder = workspace.create(identity)
    yield folder
    workspace.remove(folder)
