"""A worker that dies while making a pair: the retried pair still ends in exactly one room, and
nobody hears of a pair before the matchmaker has recorded it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import redis
import redis.asyncio as aioredis
from sqlalchemy import func, select
from temporalio.client import Client

from orchestration.orchestrator import MatchingConfig, Orchestrator
from storage import users
from storage.database import Database
from storage.models import RoomMember, User
from tests.helpers.config import TEST_SECRET, make_settings
from tests.helpers.faults import CRASH_EXIT_CODE, Fault
from tests.helpers.services import unavailable
from tests.helpers.up_process import CHECKOUT, environment, peerprep
from tests.helpers.waiting import until
from workers.temporal_server import DevServer
from workflows.events import MATCHED
from workflows.match_messages import Criteria, Enqueue, Join, MatchResult, Outcome

WAIT_SECONDS = 60
REDIS_URL = "redis://127.0.0.1:6379/0"


def _payload(emit: dict[str, Any]) -> dict[str, Any]:
    data = emit["data"]
    # python-socketio publishes an emit's arguments as a list when there is more than one.
    return data[0] if isinstance(data, list) else data  # type: ignore[no-any-return]


@contextlib.asynccontextmanager
async def _emits_heard(channel: str) -> AsyncIterator[list[dict[str, Any]]]:
    """Every emit that workers publish for the web processes on ``channel``, as it arrives."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", error)
    connection = aioredis.Redis.from_url(REDIS_URL)
    pubsub = connection.pubsub()
    await pubsub.subscribe(channel)
    heard: list[dict[str, Any]] = []

    async def listen() -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                heard.append(json.loads(message["data"]))

    listener = asyncio.create_task(listen())
    try:
        yield heard
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        await pubsub.aclose()
        await connection.aclose()


async def _rooms_of(database: Database, user_id: uuid.UUID) -> list[str]:
    async with database.session() as session:
        query = select(RoomMember.room_id).where(RoomMember.user_id == user_id)
        return list((await session.execute(query)).scalars())


async def _count_rooms(database: Database, user_id: uuid.UUID) -> int:
    async with database.session() as session:
        query = select(func.count()).select_from(RoomMember).where(RoomMember.user_id == user_id)
        return int((await session.execute(query)).scalar_one())


@dataclass
class Scene:
    """Two students, a matchmaker of the test's own, and the environment of its workers."""

    env: dict[str, str]
    alice: User
    bob: User
    orchestrator: Orchestrator
    log: BinaryIO

    async def worker(self, fault: Fault | None = None) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            *peerprep(fault),
            "worker",
            env=self.env,
            cwd=CHECKOUT,
            stdout=self.log,
            stderr=self.log,
        )

    async def results(self, client: Client) -> list[MatchResult]:
        return await asyncio.wait_for(
            asyncio.gather(
                *(
                    client.get_workflow_handle(f"match-{user.id}", result_type=MatchResult).result()
                    for user in (self.alice, self.bob)
                )
            ),
            WAIT_SECONDS,
        )


async def _scene(
    server: DevServer, client: Client, database: Database, tmp_path: Path, **extra_env: str
) -> Scene:
    tag = uuid.uuid4().hex[:10]
    options = {"task_queue": f"crash-{tag}", "matchmaker_id": f"matchmaker-{tag}"}
    settings = make_settings(tmp_path, database.url, server.address, **options)
    env = environment(
        PEERPREP_TEMPORAL_ADDRESS=server.address,
        PEERPREP_DATABASE_URL=database.url,
        PEERPREP_DOCUMENT_STORE="sql",
        PEERPREP_TASK_QUEUE=options["task_queue"],
        PEERPREP_MATCHMAKER_ID=options["matchmaker_id"],
        PEERPREP_DATA_DIR=str(tmp_path),
        PEERPREP_JWT_SECRET=TEST_SECRET,
        **extra_env,
    )
    async with database.session() as session:
        alice, bob = [
            await users.create_user(
                session,
                email=f"{name}-{tag}@example.com",
                username=f"{name}_{tag}",
                password_hash=None,
            )
            for name in ("alice", "bob")
        ]
    orchestrator = Orchestrator(client, settings.task_queue, MatchingConfig.from_settings(settings))
    await orchestrator.ensure_matchmaker()
    return Scene(env, alice, bob, orchestrator, (tmp_path / "worker.log").open("ab"))


async def test_a_worker_killed_while_making_a_pair_leaves_exactly_one_room(
    temporal_server: DevServer, temporal_client: Client, database: Database, tmp_path: Path
) -> None:
    scene = await _scene(temporal_server, temporal_client, database, tmp_path)
    crashing = await scene.worker(Fault.CRASH_AFTER_ROOMS)
    criteria = Criteria(difficulty="easy", topics=["Arrays"])
    for user, sid in ((scene.alice, "socket-a"), (scene.bob, "socket-b")):
        await _join_by_signal(scene.orchestrator, user, criteria, sid)
    assert await asyncio.wait_for(crashing.wait(), WAIT_SECONDS) == CRASH_EXIT_CODE
    made = await _rooms_of(database, scene.alice.id)
    assert len(made) == 1  # the room row was committed before the crash

    replacement = await scene.worker()
    try:
        results = await scene.results(temporal_client)
        assert [result.outcome for result in results] == [Outcome.MATCHED, Outcome.MATCHED]
        assert {result.paired.room_id for result in results if result.paired} == set(made)
        assert await _count_rooms(database, scene.alice.id) == 1
        assert await _count_rooms(database, scene.bob.id) == 1
        described = await temporal_client.get_workflow_handle(f"session-{made[0]}").describe()
        assert described.workflow_type == "CollabSession"
    finally:
        replacement.terminate()
        await asyncio.wait_for(replacement.wait(), 20)
        scene.log.close()


async def test_a_pair_is_announced_only_once_the_matchmaker_has_recorded_it(
    temporal_server: DevServer, temporal_client: Client, database: Database, tmp_path: Path
) -> None:
    channel = f"news-{uuid.uuid4().hex[:10]}"
    scene = await _scene(
        temporal_server,
        temporal_client,
        database,
        tmp_path,
        PEERPREP_REDIS_URL=REDIS_URL,
        PEERPREP_REDIS_CHANNEL=channel,
    )
    async with _emits_heard(channel) as heard:
        # Dies once the round's rooms are made, before its workflow task is recorded.
        crashing = await scene.worker(Fault.CRASH_AFTER_ROOMS)
        criteria = Criteria(difficulty="easy", topics=["Arrays"])
        # Both join by signal (as a web process that gave up on its update would), so the
        # worker, not this caller, tells them.
        for user, sid in ((scene.alice, "socket-a"), (scene.bob, "socket-b")):
            await _join_by_signal(scene.orchestrator, user, criteria, sid)
        assert await asyncio.wait_for(crashing.wait(), WAIT_SECONDS) == CRASH_EXIT_CODE
        await asyncio.sleep(0.5)  # anything the dead worker published has arrived by now
        assert [emit for emit in heard if emit.get("event") == MATCHED] == []

        replacement = await scene.worker()
        try:
            results = await scene.results(temporal_client)
            rooms = {result.paired.room_id for result in results if result.paired}
            assert rooms == set(await _rooms_of(database, scene.alice.id))
            assert len(rooms) == 1

            await until(
                lambda: len([emit for emit in heard if emit.get("event") == MATCHED]) >= 2,
                "both students told",
                WAIT_SECONDS,
            )
            await asyncio.sleep(0.5)  # a second announcement would have arrived by now
            told = [emit for emit in heard if emit.get("event") == MATCHED]
            assert sorted(emit["room"] for emit in told) == sorted(
                f"user:{user.id}" for user in (scene.alice, scene.bob)
            )
            assert {_payload(emit)["roomId"] for emit in told} == rooms
        finally:
            replacement.terminate()
            await asyncio.wait_for(replacement.wait(), 20)
            scene.log.close()


async def _join_by_signal(
    orchestrator: Orchestrator, user: User, criteria: Criteria, socket_id: str
) -> None:
    join = Join(join_id=uuid.uuid4().hex, criteria=criteria, socket_id=socket_id)
    await orchestrator.start_request(orchestrator.request_start(str(user.id), user.username, join))
    await orchestrator.enqueue(Enqueue(str(user.id), user.username, criteria, join.join_id))
