"""What ``peerprep up`` stores (the database, the documents, Temporal's state, the dev secret) is
readable by its owner only, also in a data directory that existed with looser permissions."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.up_process import Stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    running = Stack(data)
    yield running
    running.cleanup()


@pytest.mark.slow
def test_the_data_directory_and_every_file_in_it_are_the_owners_alone(stack: Stack) -> None:
    stack.start()
    stack.terminate()
    assert stat.S_IMODE(stack.data_dir.stat().st_mode) == 0o700
    files = [path for path in stack.data_dir.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {"peerprep.db", "temporal.db", "jwt-secret"}
    loose = {
        str(path.relative_to(stack.data_dir)): oct(stat.S_IMODE(path.stat().st_mode))
        for path in [*files, *(p for p in stack.data_dir.rglob("*") if p.is_dir())]
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    }
    assert loose == {}
