"""The executor's check of its own sandbox, before it takes any run.

Code never runs unsandboxed: if the sandbox does not start, or a limit does not bite, or the
network is reachable from inside, the executor does not serve and says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import tempfile
from pathlib import Path

from execution.sandbox import Identity, Limits, Sandbox, SandboxError
from execution.workspace import Workspace

_MEMORY_BYTES = 64 * 1024 * 1024
_PROBE = """
import os, socket, sys
port = int(sys.argv[1])
status = open("/proc/self/status").read()
caps = [line.split()[1] for line in status.splitlines() if line.startswith("CapEff")]
print("uid", os.getuid(), "caps", caps[0])
try:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
    print("network reachable")
except OSError:
    print("network closed")
"""
_HOG = "x = bytearray(256 * 1024 * 1024)\nfor i in range(0, len(x), 4096): x[i] = 1\n"
_SPIN = "while True: pass\n"


async def self_test(sandbox: Sandbox, identity: Identity, python: str) -> list[str]:
    """What is wrong with this host's sandbox; empty when it is fit to run students' code."""
    box = Path(tempfile.mkdtemp(prefix="peerprep-selftest-"))
    listener = socket.socket()
    problems: list[str] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        os.chmod(box, 0o755)
        for name, text in (("probe.py", _PROBE), ("hog.py", _HOG), ("spin.py", _SPIN)):
            Workspace.write(box, name, text.encode())
        limits = Limits(cpu_seconds=1.0, wall_seconds=5.0, memory_bytes=_MEMORY_BYTES)
        probe = await sandbox.run(
            [python, "-S", "probe.py", str(port)], box=box, limits=limits, identity=identity
        )
        said = probe.stdout.decode(errors="replace").split()
        if probe.exit_code != 0 or len(said) < 4:
            detail = probe.stderr.decode(errors="replace").strip()[-300:]
            problems.append(f"the sandbox does not run a program ({detail or probe.exit_code})")
        else:
            if said[1] == "0":
                problems.append("sandboxed code runs as root")
            if said[3] != "0000000000000000":
                problems.append(f"sandboxed code keeps capabilities ({said[3]})")
            if "reachable" in said:
                problems.append("the host's network is reachable from the sandbox")
        with contextlib.suppress(BlockingIOError):
            listener.accept()[0].close()
            problems.append("a connection from the sandbox reached the host")
        hog = await sandbox.run([python, "-S", "hog.py"], box=box, limits=limits, identity=identity)
        if not hog.memory_exceeded:
            problems.append("the memory limit does not bite")
        spin = await sandbox.run(
            [python, "-S", "spin.py"],
            box=box,
            limits=Limits(cpu_seconds=0.3, wall_seconds=5.0, memory_bytes=_MEMORY_BYTES),
            identity=identity,
        )
        if not spin.cpu_exceeded:
            problems.append("the CPU time limit does not bite")
    except (SandboxError, OSError) as error:
        problems.append(f"the sandbox cannot be set up: {error}")
    finally:
        listener.close()
        await asyncio.to_thread(shutil.rmtree, box, True)
    return problems
