"""The web tier and a worker sharing one event loop in a background thread, as ``peerprep up``
runs them, against the session's Temporal dev server: real sockets, real workflows."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

import uvicorn
from temporalio.client import Client

from activities.notify import Notifier
from settings import Settings
from storage.database import Database
from web.app import create_app
from web.sockets.server import create_socket_server
from workers.stack import EmbeddedServer
from workers.temporal_server import free_port
from workers.worker import build_worker

START_SECONDS = 20


class LiveStack:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stop: asyncio.Event | None = None
        self._main: Future[None] | None = None
        self._ready = threading.Event()
        self.client: Client | None = None

    def start(self) -> LiveStack:
        self._thread.start()
        self._main = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        if not self._ready.wait(START_SECONDS):
            if self._main.done():
                self._main.result()  # raises what went wrong
            raise RuntimeError("the live stack did not start")
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._main is not None:
            self._main.result(timeout=30)
        self.run(self._cancel_leftovers())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    @staticmethod
    async def _cancel_leftovers() -> None:
        # Per-socket ping tasks of engine.io may outlive the server by a moment.
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the stack's own loop (for its Temporal client)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        settings = self.settings
        self.client = await Client.connect(settings.resolved_temporal_address)
        sio = create_socket_server(settings)
        database = Database(settings.resolved_database_url)
        worker = build_worker(self.client, settings.task_queue, database, Notifier(sio))
        config = uvicorn.Config(
            create_app(settings, sio), host="127.0.0.1", port=self.port, log_level="warning"
        )
        server = EmbeddedServer(config)
        try:
            async with worker:
                serving = asyncio.create_task(server.serve())
                while not server.started and not serving.done():  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
                if serving.done():
                    serving.result()
                self._ready.set()
                await self._stop.wait()
                server.should_exit = True
                await serving
        finally:
            await database.dispose()
