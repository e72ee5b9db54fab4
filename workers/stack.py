"""Process bodies behind the CLI: the all-in-one stack (``up``), and ``web`` and ``worker`` alone.

``up`` runs, in one process tree: the Temporal dev server as a child (unless an external cluster is
configured), and in this process a Temporal worker and the web tier sharing one event loop, so
activities can emit to sockets without Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Generator
from typing import Any

import socketio
import uvicorn
from temporalio.client import Client
from temporalio.worker import Worker

from activities.notify import Notifier
from documents.docstore import StoredDocuments
from documents.room_documents import Documents
from documents.sql_docstore import SqlDocStore
from orchestration.namespace import ensure_search_attributes
from settings import Settings, SettingsError
from storage import migrate
from storage.attempts import PointsRule
from storage.database import Database
from storage.question_bank import seed
from web.app import create_app, open_documents
from web.draining import send_clients_elsewhere
from web.sockets.server import create_socket_server, write_only_emitter
from workers.executor import build_executor
from workers.telemetry import sdk_runtime, serve_metrics
from workers.temporal_server import DevServer
from workers.worker import build_worker

log = logging.getLogger("peerprep")
# How long a stopping web process waits for its clients to take the reconnect notice.
DRAIN_SECONDS = 2.0
# How long past its grace period the worker may take to stop before the process goes without it.
SHUTDOWN_MARGIN_SECONDS = 5.0


class EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the stack decides when everything stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def prepare_database(settings: Settings, *, seed_if_empty: bool = True) -> int:
    """Migrate to the newest schema and load the question bank into an empty database."""
    url = settings.resolved_database_url
    await asyncio.to_thread(migrate.upgrade, url)
    if not seed_if_empty:
        return 0
    database = Database(url)
    try:
        async with database.session() as session:
            return await seed(session, only_if_empty=True)
    finally:
        await database.dispose()


async def connect_temporal(settings: Settings) -> Client:
    client = await Client.connect(
        settings.resolved_temporal_address,
        namespace=settings.temporal_namespace,
        runtime=sdk_runtime(
            None
            if settings.temporal_metrics_port is None
            else f"{settings.host}:{settings.temporal_metrics_port}"
        ),
    )
    await ensure_search_attributes(client, settings.temporal_namespace)
    return client


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _run_until_stopped(
    stop: asyncio.Event,
    web: uvicorn.Server | None,
    workers: list[Worker],
    sio: socketio.AsyncServer | None = None,
    worker_grace: float = 0.0,
) -> None:
    """Run the web server and/or workers until a signal or until any one of them ends.

    Then, in order: the web tier's clients are told to reconnect elsewhere (``sio``), the web
    server stops accepting and closes (its lifespan flushes the documents), and the workers
    finish their in-flight activities within their graceful shutdown timeout.
    """
    tasks: dict[asyncio.Task[Any], str] = {asyncio.create_task(stop.wait()): "signal"}
    if web is not None:
        tasks[asyncio.create_task(web.serve())] = "web"
    for number, worker in enumerate(workers):
        tasks[asyncio.create_task(worker.run())] = f"worker {number}"
    done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        if tasks[task] != "signal" and not task.cancelled() and task.exception() is not None:
            log.error("%s stopped with an error", tasks[task], exc_info=task.exception())
    log.info("shutting down")
    if sio is not None and web is not None and web.started:
        try:
            # Bounded: a long-polling client that stopped polling never takes its notice.
            async with asyncio.timeout(DRAIN_SECONDS):
                await send_clients_elsewhere(sio)
        except TimeoutError:
            log.warning("some clients did not take the shutdown notice in %ss", DRAIN_SECONDS)
        except Exception:
            log.exception("could not send the clients elsewhere")
    if web is not None:
        web.should_exit = True
    abandoned = {"signal"}

    async def stop_worker(number: int, worker: Worker) -> None:
        if not worker.is_running:
            return
        try:
            async with asyncio.timeout(worker_grace + SHUTDOWN_MARGIN_SECONDS):
                await worker.shutdown()
        except TimeoutError:
            # The SDK waits for local activities that are still retrying (against a database
            # that is down, say), however long that takes. Their workflow tasks were never
            # completed, so Temporal hands them to another worker: stopping loses nothing.
            log.error(
                "a worker had not stopped %ss after its grace period (a local activity still "
                "retrying?): stopping without it",
                SHUTDOWN_MARGIN_SECONDS,
            )
            abandoned.add(f"worker {number}")

    await asyncio.gather(*(stop_worker(number, worker) for number, worker in enumerate(workers)))
    for task in tasks:
        if tasks[task] in abandoned:
            task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _web_server(
    settings: Settings,
    sio: socketio.AsyncServer | None = None,
    documents: Documents | None = None,
    execution_unavailable: str | None = None,
) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings, sio, documents, execution_unavailable=execution_unavailable),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # uvicorn's lines go through the root logger as configured (format, redaction).
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=3,
        # Yjs updates and awareness are small binary frames: compressing each costs both ends
        # CPU on the keystroke path and saves next to nothing.
        ws_per_message_deflate=False,
    )
    return EmbeddedServer(config)


async def _announce_when_ready(
    settings: Settings, web: uvicorn.Server, dev: DevServer | None
) -> None:
    # uvicorn exposes readiness only as a flag, so it is polled.
    while not web.started:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    # Everything loaded so far lives as long as the process: keep it out of the collector's
    # full passes, which otherwise pause the event loop for tens of milliseconds under load.
    gc.freeze()
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"PeerPrep is up: open {base}/  (API docs {base}/docs)"]
    if dev is not None and dev.ui_url is not None:
        lines.append(f"Temporal UI {dev.ui_url}  (gRPC {dev.address})")
    else:
        lines.append(f"Temporal at {settings.resolved_temporal_address}")
    log.info("  ".join(lines))


async def run_up(settings: Settings) -> None:
    """The whole system on embedded defaults; returns after SIGINT/SIGTERM has stopped it all."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stop = _stop_event()
    added = await prepare_database(settings)
    if added:
        log.info("loaded %d questions into the question bank", added)
    dev: DevServer | None = None
    if settings.embedded_temporal:
        dev = DevServer(
            port=settings.temporal_port,
            ui_port=settings.temporal_ui_port,
            db_file=(settings.data_dir / "temporal.db").resolve(),
            log_file=(settings.data_dir / "temporal.log").resolve(),
            namespace=settings.temporal_namespace,
        )
        dev.start()
    database = Database(settings.resolved_database_url)
    stack_resources: list[Documents] = []
    try:
        if dev is not None:
            await dev.wait_ready()
        client = await connect_temporal(settings)
        sio = create_socket_server(settings)
        documents = open_documents(settings)
        await documents.start()
        stack_resources.append(documents)
        # One process: activities emit through the web tier's own Socket.IO server and read the
        # final code from its documents.
        worker = build_worker(
            client,
            settings.task_queue,
            database,
            Notifier(sio),
            documents=documents,
            points=PointsRule(settings.points_min_session_seconds),
            shutdown_grace_seconds=settings.worker_shutdown_grace_seconds,
        )
        workers = [worker]
        unavailable = None
        if settings.exec_in_up:
            executor = await build_executor(client, settings, database, Notifier(sio))
            unavailable = executor.unavailable
            if executor.worker is not None:
                workers.append(executor.worker)
        else:
            unavailable = "this PeerPrep runs no executor (PEERPREP_EXEC_IN_UP=false)"
        web = _web_server(settings, sio, documents, unavailable)
        announce = asyncio.create_task(_announce_when_ready(settings, web, dev))
        await _run_until_stopped(stop, web, workers, sio, settings.worker_shutdown_grace_seconds)
        announce.cancel()
    finally:
        for documents in stack_resources:
            await documents.stop()
            await documents.store.close()
        await database.dispose()
        if dev is not None:
            dev.stop()


async def run_web(settings: Settings) -> None:
    """The web tier alone (REST and sockets), against an external Temporal."""
    if settings.document_store != "sql":
        # No worker runs in this process, and a worker elsewhere reads each room's final code
        # for its members' attempts from the shared store: from a LevelDB folder of this
        # process's, every attempt would be recorded without its code.
        raise SettingsError(
            "the web tier on its own keeps rooms' documents in the shared store: set "
            "PEERPREP_DOCUMENT_STORE=sql (or run `peerprep up`, which keeps both in one process)"
        )
    stop = _stop_event()
    sio = create_socket_server(settings)
    web = _web_server(settings, sio)
    announce = asyncio.create_task(_announce_when_ready(settings, web, None))
    await _run_until_stopped(stop, web, [], sio)
    announce.cancel()


def _redis_notifier(settings: Settings) -> Notifier:
    """How a process without the web tier reaches clients: Socket.IO's fan-out in Redis."""
    if settings.redis_url:
        return Notifier(write_only_emitter(settings.redis_url, settings.redis_channel))
    log.warning("PEERPREP_REDIS_URL is not set: this process's events reach no client")
    return Notifier(None)


async def run_worker(settings: Settings) -> None:
    """The Temporal worker alone."""
    if settings.document_store != "sql":
        # The end of a session records each member's attempt with the room's final code, read
        # from the documents: a LevelDB folder belongs to the one web process that writes it.
        raise SettingsError(
            "a worker on its own reads rooms' documents from the shared store: set "
            "PEERPREP_DOCUMENT_STORE=sql (or run `peerprep up`, which keeps both in one process)"
        )
    stop = _stop_event()
    if settings.worker_metrics_port is not None:
        serve_metrics(settings.host, settings.worker_metrics_port)
    database = Database(settings.resolved_database_url)
    try:
        client = await connect_temporal(settings)
        notifier = _redis_notifier(settings)
        store = SqlDocStore(settings.resolved_database_url)
        worker = build_worker(
            client,
            settings.task_queue,
            database,
            notifier,
            documents=StoredDocuments(store),
            points=PointsRule(settings.points_min_session_seconds),
            shutdown_grace_seconds=settings.worker_shutdown_grace_seconds,
        )
        try:
            await _run_until_stopped(
                stop, None, [worker], None, settings.worker_shutdown_grace_seconds
            )
        finally:
            await store.close()
    finally:
        await database.dispose()


async def run_executor(settings: Settings) -> None:
    """An executor alone: students' code in sandboxes, on the executors' task queue."""
    stop = _stop_event()
    if settings.worker_metrics_port is not None:
        serve_metrics(settings.host, settings.worker_metrics_port)
    database = Database(settings.resolved_database_url)
    try:
        client = await connect_temporal(settings)
        executor = await build_executor(client, settings, database, _redis_notifier(settings))
        if executor.worker is None:
            raise SettingsError(f"code execution unavailable: {executor.unavailable}")
        await _run_until_stopped(
            stop, None, [executor.worker], None, settings.worker_shutdown_grace_seconds
        )
    finally:
        await database.dispose()
