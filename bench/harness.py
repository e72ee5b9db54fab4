"""What the hand-run benchmarks share: a `peerprep up` of their own, tokens, percentiles."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RunningStack:
    base_url: str
    secret: str
    pid: int
    # The stack's own Temporal dev server (for reading its workflows' histories).
    temporal_address: str

    def rss_bytes(self) -> int:
        """Resident memory of the `peerprep up` process (web tier and worker)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by `peerprep up` (web tier and worker) and by its children
        (the Temporal dev server), by process name."""
        used: dict[str, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        pending = [self.pid]
        while pending:
            pid = pending.pop()
            proc = Path(f"/proc/{pid}")
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                name = (proc / "comm").read_text().strip()
                for task in (proc / "task").iterdir():
                    pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue  # gone meanwhile
            used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
        return used


def mint_token(secret: str) -> tuple[str, str]:
    """A new user id and an access token for it (its profile is created on first sight)."""
    user_id = str(uuid.uuid4())
    now = int(time.time())
    claims = {
        "sub": user_id,
        "email": f"{user_id}@bench.example",
        "aud": "authenticated",
        "role": "authenticated",
        "iat": now,
        "exp": now + 3600,
    }
    return user_id, jwt.encode(claims, secret, algorithm="HS256")


@contextlib.asynccontextmanager
async def running_stack(**env_overrides: str) -> AsyncIterator[RunningStack]:
    """`peerprep up` in a temporary data dir on free ports, stopped with SIGTERM at the end."""
    sys.path.insert(0, str(ROOT))
    from workers.temporal_server import free_port

    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        temporal_port = free_port()
        command = [
            str(Path(sys.executable).parent / "peerprep"),
            "up",
            "--data-dir",
            data_dir,
            "--port",
            str(port),
            "--temporal-port",
            str(temporal_port),
            "--temporal-ui-port",
            str(free_port()),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPREP_")}
        env["PEERPREP_LOG_LEVEL"] = "warning"
        env.update(env_overrides)
        process = await asyncio.create_subprocess_exec(*command, env=env, start_new_session=True)
        base_url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient() as http:
                for _ in range(600):
                    with contextlib.suppress(httpx.HTTPError):
                        if (await http.get(f"{base_url}/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError("peerprep up did not become healthy")
            # Let the matchmaker and worker settle before measuring.
            await asyncio.sleep(2)
            secret = (Path(data_dir) / "jwt-secret").read_text().strip()
            yield RunningStack(base_url, secret, process.pid, f"127.0.0.1:{temporal_port}")
        finally:
            # SIGTERM to `peerprep up` itself: it stops its worker, web tier and Temporal in order.
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when it is installed (as with uvicorn[standard]), else the default."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
