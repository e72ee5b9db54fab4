"""The web tier's only door to Temporal: one client, dialled lazily so the API starts without it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.client import Client


class Orchestrator:
    """Holds the Temporal client; later issues add the match and session calls here."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    @classmethod
    async def connect(cls, address: str, namespace: str, task_queue: str) -> Orchestrator:
        # lazy: the first call dials, so a web process can start (and report 503) while
        # Temporal is still coming up.
        client = await Client.connect(address, namespace=namespace, lazy=True)
        return cls(client, task_queue)

    async def healthy(self, within_seconds: float = 2.0) -> bool:
        try:
            async with asyncio.timeout(within_seconds + 0.5):
                return await self.client.service_client.check_health(
                    timeout=timedelta(seconds=within_seconds)
                )
        except Exception:
            return False
