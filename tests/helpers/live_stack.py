"""The web tier and a worker sharing one event loop in a background thread, as ``peerprep up``
runs them, against the session's Temporal dev server: real sockets, real workflows."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import uvicorn
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from activities.notify import Notifier
from documents.room_documents import Documents
from settings import Settings
from storage.attempts import PointsRule
from storage.database import Database
from web.app import create_app, open_documents
from web.sockets.server import create_socket_server
from workers.executor import Executor, build_executor
from workers.replay import only_replayable
from workers.stack import EmbeddedServer
from workers.temporal_server import free_port
from workers.worker import WORKFLOWS, build_worker

START_SECONDS = 20
# Set to a folder to keep the histories the tests produce (to commit some under tests/histories).
RECORD_ENV = "PEERPREP_RECORD_HISTORIES"


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
        self.documents: Documents
        self.executor: Executor | None = None

    def start(self) -> LiveStack:
        self._thread.start()
        self._main = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        if not self._ready.wait(START_SECONDS):
            if self._main.done():
                self._main.result()  # raises what went wrong
            raise RuntimeError("the live stack did not start")
        return self

    def stop(self) -> None:
        """Stop, after replaying every workflow history the stack produced against the current
        code (a non-deterministic change fails here), saving them if asked to."""
        failures = self.run(self._replay_histories(), timeout=60) if self._ready.is_set() else {}
        self._shutdown()
        if failures:
            raise AssertionError(f"workflow histories failed to replay: {failures}")

    def _shutdown(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._main is not None:
            self._main.result(timeout=30)
        self.run(self._cancel_leftovers())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _replay_histories(self) -> dict[str, str]:
        assert self.client is not None
        client = self.client
        record_to = os.environ.get(RECORD_ENV)
        query = f'TaskQueue="{self.settings.task_queue}"'

        async def histories() -> AsyncIterator[WorkflowHistory]:
            async for execution in client.list_workflows(query):
                handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
                history = await handle.fetch_history()
                if record_to:
                    name = f"{execution.workflow_type}-{execution.run_id}.json"
                    (Path(record_to) / name).write_text(history.to_json())
                yield history

        results = await Replayer(workflows=WORKFLOWS).replay_workflows(
            only_replayable(histories()), raise_on_replay_failure=False
        )
        return {run_id: str(error) for run_id, error in results.replay_failures.items()}

    @staticmethod
    async def _cancel_leftovers() -> None:
        # Per-socket ping tasks of engine.io may outlive the server by a moment.
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    async def call(self, coroutine: Any) -> Any:
        """Await a coroutine that must run on the stack's loop (its documents, its client)."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the stack's own loop (for its Temporal client)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        settings = self.settings
        self.client = await Client.connect(settings.resolved_temporal_address)
        sio = create_socket_server(settings)
        database = Database(settings.resolved_database_url)
        self.documents = open_documents(settings)
        await self.documents.start()
        worker = build_worker(
            self.client,
            settings.task_queue,
            database,
            Notifier(sio),
            documents=self.documents,
            points=PointsRule(settings.points_min_session_seconds),
        )
        workers = [worker]
        unavailable: str | None = "this test stack runs no executor"
        if settings.exec_in_up:
            executor = await build_executor(self.client, settings, database, Notifier(sio))
            self.executor = executor
            unavailable = executor.unavailable
            if executor.worker is not None:
                workers.append(executor.worker)
        config = uvicorn.Config(
            create_app(settings, sio, self.documents, execution_unavailable=unavailable),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        server = EmbeddedServer(config)
        try:
            async with contextlib.AsyncExitStack() as running:
                for each in workers:
                    await running.enter_async_context(each)
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
            await self.documents.stop()
            await self.documents.store.close()
            await database.dispose()
