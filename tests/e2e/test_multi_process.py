"""Two web processes and a worker, linked by real Redis, on real PostgreSQL and Temporal.

Students connected to different web processes are matched, edit one document, chat and pick a
language together; one web process is killed mid-session and the reconnecting client loses nothing.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis

from documents.awareness import removal
from tests.helpers.cluster import Cluster, Process
from tests.helpers.faults import Fault, fired
from tests.helpers.rooms import Editor
from tests.helpers.services import fresh_postgres_database, unavailable
from tests.helpers.socket_peer import SocketPeer
from tests.helpers.waiting import eventually, until
from workers.temporal_server import DevServer
from workflows.events import COLLAB_NAMESPACE, MATCHING_NAMESPACE

REDIS_URL = "redis://127.0.0.1:6379/0"
WITHIN = 30.0


@pytest.fixture
def cluster_database() -> Iterator[str]:
    """A brand-new PostgreSQL database of the cluster's own."""
    with fresh_postgres_database("peerprep_cluster") as url:
        yield url


@pytest.fixture
def cluster(tmp_path: Path, cluster_database: str, temporal_server: DevServer) -> Iterator[Cluster]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", error)
    running = Cluster(
        directory=tmp_path,
        database_url=cluster_database,
        redis_url=REDIS_URL,
        temporal_address=temporal_server.address,
        tag=uuid.uuid4().hex[:10],
    )
    running.migrate()
    yield running
    running.cleanup()


@pytest.fixture
async def sockets() -> AsyncIterator[list[SocketPeer]]:
    made: list[SocketPeer] = []
    yield made
    for peer in made:
        await peer.disconnect()


async def signup(web: Process, name: str) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=web.base_url) as http:
        response = await http.post(
            "/auth/signup",
            json={"email": f"{name}@example.com", "password": "long-enough-1", "username": name},
        )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["user"]["user_id"], body["access_token"]


async def open_editor(web: Process, token: str, room: str, sockets: list[SocketPeer]) -> Editor:
    peer = SocketPeer(web.base_url, COLLAB_NAMESPACE)
    sockets.append(peer)
    await peer.connect({"token": token, "sessionId": room})
    await peer.wait_for("collab:chat:history", within=WITHIN)
    editor = Editor(peer)
    editor.catch_up()
    return editor


def text_of(editor: Editor) -> str:
    editor.catch_up()
    return str(editor.text)


@pytest.mark.slow
async def test_students_on_different_web_processes_work_together_and_survive_a_crash(
    cluster: Cluster, sockets: list[SocketPeer]
) -> None:
    first, second = cluster.start_web(), cluster.start_web()
    cluster.start_worker()
    ann_id, ann_token = await signup(first, f"ann{cluster.tag[:6]}")
    ben_id, ben_token = await signup(second, f"ben{cluster.tag[:6]}")

    # Matched while connected to different processes: the worker's emits cross Redis to both.
    matching = []
    for web, user_id, token in ((first, ann_id, ann_token), (second, ben_id, ben_token)):
        peer = SocketPeer(web.base_url, MATCHING_NAMESPACE)
        sockets.append(peer)
        await peer.connect({"token": token})
        await peer.emit("join-queue", {"userId": user_id, "difficulty": "easy", "topics": ["Math"]})
        matching.append(peer)
    ann_match = await matching[0].wait_for("matched", within=WITHIN)
    ben_match = await matching[1].wait_for("matched", within=WITHIN)
    assert ann_match["roomId"] == ben_match["roomId"]
    assert ann_match["matchedUserId"] == ben_id
    assert ben_match["matchedUserId"] == ann_id
    room = ann_match["roomId"]

    ann = await open_editor(first, ann_token, room, sockets)
    ben = await open_editor(second, ben_token, room, sockets)

    # Edits, chat, language and awareness reach the other process's client.
    for i in range(15):
        await ann.type(0, f"a{i};")
        await ben.type(len(str(ben.text)), f"b{i};")
    await until(lambda: text_of(ann) == text_of(ben) and "a14;" in text_of(ben), "convergence")
    assert all(f"a{i};" in text_of(ann) and f"b{i};" in text_of(ann) for i in range(15))
    await ann.peer.emit("collab:chat:send", {"text": "hello from process one"})
    chat = await ben.peer.wait_for("collab:chat", within=WITHIN)
    assert chat["text"] == "hello from process one"
    await ben.peer.emit("collab:language:set", {"language": "java"})
    await ann.peer.wait_for("collab:language", lambda data: data["language"] == "java", WITHIN)
    cursor = removal({4242: 7})[:-5] + b"\x02{}"  # a cursor state: clock 7, state "{}"
    await ann.peer.emit("collab:awareness", cursor)
    assert await ben.peer.wait_for("collab:awareness", within=WITHIN) == cursor

    # Ben keeps typing on the second process; everything Ann received was acknowledged by it.
    for i in range(10):
        await ben.type(len(str(ben.text)), f"late{i};")
    await until(lambda: "late9;" in text_of(ann), "ben's late edits to reach ann")
    seen_by_ann = text_of(ann)
    second.kill()

    # Ben reconnects to the surviving process: the document has everything, chat and language.
    ben_again = await open_editor(first, ben_token, room, sockets)
    assert text_of(ben_again) == seen_by_ann
    history = ben_again.peer.events("collab:chat:history")[-1]
    assert [line["text"] for line in history] == ["hello from process one"]
    assert ben_again.peer.events("collab:language") == [{"language": "java"}]
    # Each of the 40 updates was stored exactly once, by the process that received it.
    with psycopg.connect(cluster.database_url) as connection:
        stored = connection.execute(
            "SELECT count(*), max(seq) FROM doc_updates WHERE room_id = %s", (room,)
        ).fetchone()
    assert stored == (40, 40)
    # And the two carry on together on one process.
    await ben_again.type(0, "again;")
    await until(lambda: text_of(ann).startswith("again;"), "an edit after the crash")


async def matched_pair(
    cluster: Cluster, webs: tuple[Process, Process], sockets: list[SocketPeer]
) -> tuple[str, tuple[str, str], tuple[str, str]]:
    """Two new students, each connected to one of ``webs``, matched: (room, ann, ben)."""
    ann = await signup(webs[0], f"ann{uuid.uuid4().hex[:8]}")
    ben = await signup(webs[1], f"ben{uuid.uuid4().hex[:8]}")
    matching = []
    for web, (user_id, token) in zip(webs, (ann, ben), strict=True):
        peer = SocketPeer(web.base_url, MATCHING_NAMESPACE)
        sockets.append(peer)
        await peer.connect({"token": token})
        await peer.emit("join-queue", {"userId": user_id, "difficulty": "easy", "topics": ["Math"]})
        matching.append(peer)
    room = (await matching[0].wait_for("matched", within=WITHIN))["roomId"]
    await matching[1].wait_for("matched", within=WITHIN)
    return room, ann, ben


@pytest.mark.slow
async def test_sigterm_sends_a_web_process_s_clients_elsewhere_and_flushes_its_documents(
    cluster: Cluster, sockets: list[SocketPeer]
) -> None:
    # Typing bursts stay open long past the SIGTERM: only the shutdown can close them.
    cluster.settings.update(
        PEERPREP_HISTORY_BURST_IDLE_SECONDS="60", PEERPREP_HISTORY_BURST_MAX_SECONDS="120"
    )
    leaving, staying = cluster.start_web(), cluster.start_web()
    cluster.start_worker()
    room, (ann_id, ann_token), (_ben_id, ben_token) = await matched_pair(
        cluster, (leaving, staying), sockets
    )
    ann = await open_editor(leaving, ann_token, room, sockets)
    ben = await open_editor(staying, ben_token, room, sockets)
    for char in "print(1)":
        await ann.type(len(str(ann.text)), char)
    await until(lambda: text_of(ben) == "print(1)", "ann's typing to reach ben")

    # A long-polling client that opened its session and then went quiet: it must not hold the
    # shutdown up (it never takes the notice).
    async with httpx.AsyncClient(base_url=leaving.base_url) as http:
        handshake = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
        assert handshake.status_code == 200
        assert '"sid"' in handshake.text

    # In a thread: this loop must go on serving the clients while the process stops.
    started = time.monotonic()
    assert await asyncio.to_thread(leaving.terminate) == 0
    assert time.monotonic() - started < 8.0

    # Ann was told to reconnect, and her connection was closed (not refused: she may come back).
    notice = await ann.peer.wait_for("server:shutdown", within=WITHIN)
    assert notice["reconnect"] is True
    await until(lambda: not ann.peer.client.connected, "ann's socket to be closed")
    # Her open burst was stored on the way out, and the session saw her go.
    await ben.peer.emit("collab:history:get", {"limit": 10})
    served = await ben.peer.wait_for("collab:history", within=WITHIN)
    assert [entry["userId"] for entry in served] == [ann_id]
    async with httpx.AsyncClient(base_url=staying.base_url) as http:

        async def ann_connected() -> bool:
            response = await http.get(
                f"/sessions/{room}", headers={"Authorization": f"Bearer {ben_token}"}
            )
            return ann_id in response.json()["connected"]

        await eventually(ann_connected, lambda seen: not seen, "the session to see ann go")
    # Reconnecting to the process that stayed, she finds her text.
    again = await open_editor(staying, ann_token, room, sockets)
    assert text_of(again) == "print(1)"


@pytest.mark.slow
async def test_sigterm_lets_a_worker_finish_the_activity_it_is_running(
    cluster: Cluster, sockets: list[SocketPeer]
) -> None:
    web = cluster.start_web()
    worker = cluster.start_worker(Fault.SLOW_FINISH)
    room, (_ann_id, ann_token), (_ben_id, ben_token) = await matched_pair(
        cluster, (web, web), sockets
    )
    ann = await open_editor(web, ann_token, room, sockets)
    ben = await open_editor(web, ben_token, room, sockets)
    await ann.type(0, "done")
    await until(lambda: text_of(ben) == "done", "the edit to reach ben")
    await ann.peer.emit("collab:leave")
    await ben.peer.wait_for("collab:left", within=WITHIN)
    await ben.peer.emit("collab:leave")
    # The session is ending: its activity holds (the fault) while the worker is told to stop.
    await until(lambda: fired(Fault.SLOW_FINISH) in worker.log.read_text(), "finish_session to run")

    assert await asyncio.to_thread(worker.terminate) == 0

    # Nobody else could have done it: no other worker runs.
    async with httpx.AsyncClient(base_url=web.base_url) as http:
        ann_headers = {"Authorization": f"Bearer {ann_token}"}
        response = await http.get("/attempts", headers=ann_headers)
        attempts = response.json()["items"]
        assert len(attempts) == 1
        detail = await http.get(f"/attempts/{attempts[0]['id']}", headers=ann_headers)
    assert detail.json()["code"] == "done"


@pytest.mark.slow
async def test_a_session_whose_member_s_web_process_died_still_ends_when_nobody_is_left(
    cluster: Cluster, sockets: list[SocketPeer]
) -> None:
    # A dead process cannot say its sockets went away: the session stops counting them once
    # nobody has vouched for them within the lease.
    cluster.settings.update(
        PEERPREP_SESSION_IDLE_SECONDS="2", PEERPREP_SESSION_PRESENCE_LEASE_SECONDS="3"
    )
    staying, dying = cluster.start_web(), cluster.start_web()
    cluster.start_worker()
    room, (_ann_id, ann_token), (ben_id, ben_token) = await matched_pair(
        cluster, (staying, dying), sockets
    )
    ann = await open_editor(staying, ann_token, room, sockets)
    await open_editor(dying, ben_token, room, sockets)
    headers = {"Authorization": f"Bearer {ann_token}"}
    async with httpx.AsyncClient(base_url=staying.base_url) as http:

        async def session() -> dict[str, Any]:
            body: dict[str, Any] = (await http.get(f"/sessions/{room}", headers=headers)).json()
            return body

        async def ben_connected() -> bool:
            return ben_id in (await session())["connected"]

        await eventually(ben_connected, bool, "ben to be seen")
        # Renewals keep him there for longer than a lease.
        for _ in range(8):
            assert await ben_connected()
            await asyncio.sleep(0.5)

        dying.kill()
        await ann.peer.disconnect()

        async def ended() -> bool:
            return not (await session())["active"]

        await eventually(ended, bool, "the session to end by idleness", within=30)
        assert (await session())["endReason"] == "idle"
