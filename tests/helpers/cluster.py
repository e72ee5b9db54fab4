"""PeerPrep past one process, for real: ``peerprep web`` processes and a ``peerprep worker``,
linked by Redis, sharing PostgreSQL (app data and documents) and a Temporal server."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.helpers.faults import Fault
from tests.helpers.up_process import (
    CHECKOUT,
    PEERPREP,
    STARTUP_SECONDS,
    STOP_SECONDS,
    environment,
    eventually,
    peerprep,
)
from workers.temporal_server import free_port


@dataclass
class Process:
    """One PeerPrep process in its own session (so a kill takes its children too)."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    popen: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=log,
                env=self.env,
                cwd=CHECKOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        if self.popen is None or self.popen.poll() is not None:
            raise AssertionError(f"{self.name} exited early:\n{self.log.read_text()}")
        return True

    def healthy(self) -> bool:
        self.alive()
        try:
            return httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would."""
        assert self.popen is not None
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(STOP_SECONDS)

    def terminate(self) -> int:
        """SIGTERM, as an orchestrator scaling down would; the exit code."""
        assert self.popen is not None
        self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(STOP_SECONDS)

    def cleanup(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(STOP_SECONDS)


@dataclass
class Cluster:
    """``webs`` web processes and one worker, configured as docker-compose.yml runs them."""

    directory: Path
    database_url: str
    redis_url: str
    temporal_address: str
    tag: str
    settings: dict[str, str] = field(default_factory=dict)
    webs: list[Process] = field(default_factory=list)
    worker: Process | None = None

    def env(self, **extra: str) -> dict[str, str]:
        settings = {
            "PEERPREP_DATA_DIR": str(self.directory / "data"),
            "PEERPREP_DATABASE_URL": self.database_url,
            "PEERPREP_REDIS_URL": self.redis_url,
            # Its own fan-out channel: nothing else on this Redis hears it, nor it them.
            "PEERPREP_REDIS_CHANNEL": f"peerprep-{self.tag}",
            "PEERPREP_TEMPORAL_ADDRESS": self.temporal_address,
            "PEERPREP_DOCUMENT_STORE": "sql",
            "PEERPREP_JWT_SECRET": "cluster-secret-" + "y" * 40,
            "PEERPREP_TASK_QUEUE": f"cluster-{self.tag}",
            "PEERPREP_MATCHMAKER_ID": f"matchmaker-{self.tag}",
            "PEERPREP_MATCH_TIMEOUT_SECONDS": "60",
            "PEERPREP_SESSION_IDLE_SECONDS": "120",
        }
        return environment(**{**settings, **self.settings, **extra})

    def migrate(self) -> None:
        subprocess.run(
            [PEERPREP, "migrate", "--seed-if-empty"],
            env=self.env(),
            check=True,
            capture_output=True,
            timeout=STARTUP_SECONDS,
        )

    def start_web(self) -> Process:
        index = len(self.webs)
        port = free_port()
        web = Process(
            name=f"web-{index}",
            command=[PEERPREP, "web", "--port", str(port)],
            env=self.env(),
            log=self.directory / f"web-{index}.log",
            port=port,
        )
        web.start()
        self.webs.append(web)
        eventually(web.healthy, STARTUP_SECONDS, f"{web.name} to be healthy (log: {web.log})")
        return web

    def start_worker(self, fault: Fault | None = None) -> Process:
        self.worker = Process(
            name="worker",
            command=[*peerprep(fault), "worker"],
            env=self.env(),
            log=self.directory / "worker.log",
        )
        self.worker.start()
        return self.worker

    def cleanup(self) -> None:
        for process in [*self.webs, *([self.worker] if self.worker else [])]:
            process.cleanup()
