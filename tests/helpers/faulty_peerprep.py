"""``peerprep`` with a fault injected into its worker, for the end-to-end tests.

``python -m tests.helpers.faulty_peerprep --fault NAME COMMAND [ARGS...]`` runs the ``peerprep``
COMMAND (``up`` or ``worker``, the ones that run a worker) with ARGS, as the console script would,
except that the worker carries :class:`tests.helpers.faults.FaultInjector` for NAME.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from unittest import mock

from tests.helpers.faults import Fault, FaultInjector
from workers import cli, stack
from workers.worker import build_worker


def main(argv: Sequence[str] | None = None) -> None:
    """Parse ``--fault``, hand everything else to ``peerprep``; exits with its exit code."""
    # No help option and no abbreviations: every other argument belongs to peerprep.
    parser = argparse.ArgumentParser(prog="faulty_peerprep", add_help=False, allow_abbrev=False)
    parser.add_argument("--fault", type=Fault, choices=list(Fault), required=True)
    options, peerprep_args = parser.parse_known_args(argv)
    injector = FaultInjector(options.fault)
    # Both process bodies build their worker through this one name.
    with mock.patch.object(
        stack, "build_worker", functools.partial(build_worker, interceptors=[injector])
    ):
        cli.app(args=peerprep_args, prog_name="peerprep")


if __name__ == "__main__":
    main()
