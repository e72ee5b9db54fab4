"""The executor's self-test passes on a working sandbox and names what is wrong on a broken one."""

from __future__ import annotations

import os

from execution.sandbox import Identity, Sandbox
from execution.selftest import self_test
from tests.helpers.judging import PYTHON


async def test_the_sandbox_of_this_host_passes(sandbox: Sandbox, identity: Identity) -> None:
    assert await self_test(sandbox, identity, PYTHON) == []


async def test_a_sandbox_that_cannot_start_is_reported(
    sandbox: Sandbox, identity: Identity
) -> None:
    broken = Sandbox(sandbox.cgroups, bwrap="/bin/false")
    problems = await self_test(broken, identity, PYTHON)
    assert problems[0].startswith("the sandbox does not run a program")
    assert "the memory limit does not bite" in problems


async def test_a_python_that_is_not_there_is_reported(sandbox: Sandbox, identity: Identity) -> None:
    problems = await self_test(sandbox, identity, "/usr/bin/no-such-python")
    assert problems[0].startswith("the sandbox does not run a program")


async def test_it_passes_whatever_the_executor_s_umask(
    sandbox: Sandbox, identity: Identity
) -> None:
    # peerprep up keeps its own files private (umask 077); the sandbox must still read its own.
    previous = os.umask(0o077)
    try:
        assert await self_test(sandbox, identity, PYTHON) == []
    finally:
        os.umask(previous)
