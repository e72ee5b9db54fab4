"""A worker that dies while making a pair: the retried pair still ends in exactly one room."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import func, select
from temporalio.client import Client

from activities.pairs import FAILPOINT_AFTER_ROOM, FAILPOINT_EXIT_CODE
from storage import users
from storage.database import Database
from storage.models import RoomMember
from tests.conftest import TEST_SECRET, make_settings
from tests.up_process import PEERPREP, environment
from web.orchestration import MatchingConfig, Orchestrator
from workers.temporal_server import DevServer
from workflows.match_messages import Criteria, MatchResult, Outcome
from workflows.matching import MatchRequestWorkflow

WAIT_SECONDS = 60


async def _rooms_of(database: Database, user_id: uuid.UUID) -> list[str]:
    async with database.session() as session:
        query = select(RoomMember.room_id).where(RoomMember.user_id == user_id)
        return list((await session.execute(query)).scalars())


async def _count_rooms(database: Database, user_id: uuid.UUID) -> int:
    async with database.session() as session:
        query = select(func.count()).select_from(RoomMember).where(RoomMember.user_id == user_id)
        return int((await session.execute(query)).scalar_one())


async def test_a_worker_killed_while_making_a_pair_leaves_exactly_one_room(
    temporal_server: DevServer, temporal_client: Client, database: Database, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:10]
    options = {"task_queue": f"crash-{tag}", "matchmaker_id": f"matchmaker-{tag}"}
    settings = make_settings(tmp_path, database.url, temporal_server.address, **options)
    env = environment(
        PEERPREP_TEMPORAL_ADDRESS=temporal_server.address,
        PEERPREP_DATABASE_URL=database.url,
        PEERPREP_TASK_QUEUE=options["task_queue"],
        PEERPREP_MATCHMAKER_ID=options["matchmaker_id"],
        PEERPREP_DATA_DIR=str(tmp_path),
        PEERPREP_JWT_SECRET=TEST_SECRET,
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
    orchestrator = Orchestrator(
        temporal_client, settings.task_queue, MatchingConfig.from_settings(settings)
    )
    await orchestrator.ensure_matchmaker()

    log = (tmp_path / "worker.log").open("ab")
    crashing = await asyncio.create_subprocess_exec(
        PEERPREP,
        "worker",
        env={**env, "PEERPREP_FAILPOINTS": FAILPOINT_AFTER_ROOM},
        stdout=log,
        stderr=log,
    )
    criteria = Criteria(difficulty="easy", topics=["Arrays"])
    await orchestrator.join_queue(str(alice.id), alice.username, criteria, "socket-a")
    await orchestrator.join_queue(str(bob.id), bob.username, criteria, "socket-b")
    assert await asyncio.wait_for(crashing.wait(), WAIT_SECONDS) == FAILPOINT_EXIT_CODE
    made = await _rooms_of(database, alice.id)
    assert len(made) == 1  # the room row was committed before the crash

    replacement = await asyncio.create_subprocess_exec(
        PEERPREP, "worker", env=env, stdout=log, stderr=log
    )
    try:
        results: list[MatchResult] = await asyncio.wait_for(
            asyncio.gather(
                *(
                    temporal_client.get_workflow_handle_for(
                        MatchRequestWorkflow.run, f"match-{user.id}"
                    ).result()
                    for user in (alice, bob)
                )
            ),
            WAIT_SECONDS,
        )
        assert [result.outcome for result in results] == [Outcome.MATCHED, Outcome.MATCHED]
        assert {result.paired.room_id for result in results if result.paired} == set(made)
        assert await _count_rooms(database, alice.id) == 1
        assert await _count_rooms(database, bob.id) == 1
        described = await temporal_client.get_workflow_handle(f"session-{made[0]}").describe()
        assert described.workflow_type == "CollabSession"
    finally:
        replacement.terminate()
        await asyncio.wait_for(replacement.wait(), 20)
        log.close()
