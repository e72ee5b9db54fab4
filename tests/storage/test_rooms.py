"""Rooms and the choice of a pair's question, on both backends.

The database (and its seeded bank) is shared by the whole session: these tests only add their own
users, attempts and rooms, and never change a seeded question.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.pairs import PairActivities
from storage import rooms, users
from storage.attempts import AttemptReport, record_report
from storage.database import Database
from storage.models import Question, QuestionTopic, Room, RoomMember
from storage.questions import topic_key
from storage.selection import pick_for_pair
from workflows.match_messages import CreatePairInput, CreatePairsInput, PairMember

MakeUser = Callable[[], Awaitable[uuid.UUID]]


@pytest.fixture
def make_user(database: Database) -> MakeUser:
    async def make() -> uuid.UUID:
        tag = uuid.uuid4().hex[:16]
        async with database.session() as session:
            user = await users.create_user(
                session,
                email=f"rooms-{tag}@example.com",
                username=f"rooms_{tag}",
                password_hash=None,
            )
            return user.id

    return make


def new_room_id() -> str:
    return f"room-{uuid.uuid4().hex}"


SNAPSHOT = {
    "id": 1,
    "title": "Two Sum",
    "description": "Find two numbers.",
    "difficulty": "Easy",
    "topics": ["Arrays", "Hash Table"],
    "examples": [{"input": "[2,7], 9", "output": "[0,1]"}],
    "constraints": ["2 <= n"],
}


async def count_rows(session: AsyncSession) -> tuple[int, int]:
    room_count = (await session.execute(select(func.count()).select_from(Room))).scalar_one()
    member_count = (
        await session.execute(select(func.count()).select_from(RoomMember))
    ).scalar_one()
    return room_count, member_count


async def matching_ids(session: AsyncSession, difficulty: str, topic: str) -> list[int]:
    on_topic = select(QuestionTopic.question_id).where(QuestionTopic.topic_key == topic_key(topic))
    query = select(Question.id).where(Question.difficulty == difficulty, Question.id.in_(on_topic))
    return sorted((await session.execute(query)).scalars())


async def attempt(session: AsyncSession, user_id: uuid.UUID, question_id: int) -> None:
    await record_report(
        session, user_id, AttemptReport(question_id=question_id, status="completed")
    )


# create_room, is_member, end_room.


async def test_create_room_stores_members_in_order_and_the_question_snapshot(
    database: Database, make_user: MakeUser
) -> None:
    second, first = await make_user(), await make_user()
    room_id = new_room_id()
    async with database.session() as session:
        await rooms.create_room(session, room_id, [first, second], None, SNAPSHOT, "Easy")
    async with database.session() as session:
        stored = await rooms.get_room(session, room_id)
        assert stored is not None
        assert stored.member_ids == [first, second]
        assert [row.position for row in stored.member_rows] == [0, 1]
        assert stored.question == SNAPSHOT
        assert stored.question_id is None
        assert stored.difficulty == "Easy"
        assert stored.ended_at is None


async def test_create_room_keeps_the_question_id_of_a_bank_question(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    room_id = new_room_id()
    async with database.session() as session:
        [question_id] = (await matching_ids(session, "Easy", "Arrays"))[:1]
        await rooms.create_room(session, room_id, [a, b], question_id, SNAPSHOT, "Easy")
    async with database.session() as session:
        stored = await rooms.get_room(session, room_id)
        assert stored is not None
        assert stored.question_id == question_id


# insert_room skips the first look (its caller expects no room): a room another attempt
# stored meanwhile still wins, through the insert's conflict.
@pytest.mark.parametrize("make", [rooms.create_room, rooms.insert_room])
async def test_create_room_again_with_the_same_id_returns_the_stored_room_and_adds_nothing(
    database: Database, make_user: MakeUser, make: Callable[..., Awaitable[Room]]
) -> None:
    a, b, c, d = [await make_user() for _ in range(4)]
    room_id = new_room_id()
    async with database.session() as session:
        await make(session, room_id, [a, b], None, SNAPSHOT, "Easy")
        before = await count_rows(session)
    other_snapshot = {**SNAPSHOT, "title": "Something else"}
    for members in ([a, b], [c, d]):
        async with database.session() as session:
            again = await make(session, room_id, members, None, other_snapshot, "Hard")
            assert again.id == room_id
            assert again.member_ids == [a, b]
            assert again.question == SNAPSHOT
            assert again.difficulty == "Easy"
            assert await count_rows(session) == before


async def test_create_room_again_in_the_same_session_returns_the_same_room(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    room_id = new_room_id()
    async with database.session() as session:
        room = await rooms.create_room(session, room_id, [a, b], None, SNAPSHOT, "Easy")
        before = await count_rows(session)
        again = await rooms.create_room(session, room_id, [b, a], None, {}, "Medium")
        assert again is room
        assert again.member_ids == [a, b]
        assert await count_rows(session) == before


async def test_is_member_is_true_for_the_rooms_members_only(
    database: Database, make_user: MakeUser
) -> None:
    a, b, outsider = await make_user(), await make_user(), await make_user()
    room_id = new_room_id()
    async with database.session() as session:
        await rooms.create_room(session, room_id, [a, b], None, SNAPSHOT, "Easy")
        assert await rooms.is_member(session, room_id, a)
        assert await rooms.is_member(session, room_id, b)
        assert not await rooms.is_member(session, room_id, outsider)
        assert not await rooms.is_member(session, new_room_id(), a)


async def test_end_room_sets_ended_at_once(database: Database, make_user: MakeUser) -> None:
    a, b = await make_user(), await make_user()
    room_id = new_room_id()
    first_end = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    async with database.session() as session:
        await rooms.create_room(session, room_id, [a, b], None, SNAPSHOT, "Easy")
        await rooms.end_room(session, room_id, first_end)
    async with database.session() as session:
        await rooms.end_room(session, room_id, datetime(2024, 6, 1, tzinfo=UTC))
        await rooms.end_room(session, room_id)
    async with database.session() as session:
        stored = await rooms.get_room(session, room_id)
        assert stored is not None
        assert stored.ended_at == first_end


async def test_end_room_without_a_time_uses_now(database: Database, make_user: MakeUser) -> None:
    a, b = await make_user(), await make_user()
    room_id = new_room_id()
    async with database.session() as session:
        await rooms.create_room(session, room_id, [a, b], None, SNAPSHOT, "Easy")
        before = datetime.now(UTC)
        await rooms.end_room(session, room_id)
        after = datetime.now(UTC)
    async with database.session() as session:
        stored = await rooms.get_room(session, room_id)
        assert stored is not None
        assert stored.ended_at is not None
        assert before <= stored.ended_at <= after


async def test_end_room_of_an_unknown_room_does_nothing(database: Database) -> None:
    async with database.session() as session:
        await rooms.end_room(session, new_room_id())
        assert await rooms.get_room(session, new_room_id()) is None


# pick_for_pair.


async def test_pick_returns_a_question_of_the_difficulty_on_one_of_the_topics(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    async with database.session() as session:
        for seed in range(20):
            question = await pick_for_pair(
                session, [a, b], "Easy", ["Graphs", "trees"], random.Random(seed)
            )
            assert question is not None
            assert question.difficulty == "Easy"
            assert {topic_key(topic) for topic in question.topics} & {"graphs", "trees"}


async def test_pick_matches_topics_regardless_of_case_and_spacing(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    async with database.session() as session:
        expected = await matching_ids(session, "Hard", "Dynamic Programming")
        question = await pick_for_pair(
            session, [a, b], "Hard", ["  dynamic   PROGRAMMING "], random.Random(1)
        )
        assert question is not None
        assert question.id in expected


async def test_pick_prefers_the_question_neither_user_has_attempted(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    async with database.session() as session:
        candidates = await matching_ids(session, "Medium", "Arrays")
        assert len(candidates) >= 3
        fresh = candidates[len(candidates) // 2]
        attempted = [question_id for question_id in candidates if question_id != fresh]
        # Split the attempts between the two users: an attempt by either one counts.
        for index, question_id in enumerate(attempted):
            await attempt(session, (a, b)[index % 2], question_id)
        for seed in range(20):
            question = await pick_for_pair(
                session, [a, b], "Medium", ["Arrays"], random.Random(seed)
            )
            assert question is not None
            assert question.id == fresh


async def test_pick_ignores_attempts_of_other_users(
    database: Database, make_user: MakeUser
) -> None:
    a, b, stranger = await make_user(), await make_user(), await make_user()
    async with database.session() as session:
        candidates = await matching_ids(session, "Medium", "Arrays")
        for question_id in candidates[1:]:
            await attempt(session, stranger, question_id)
        picked = {
            question.id
            for seed in range(40)
            if (
                question := await pick_for_pair(
                    session, [a, b], "Medium", ["Arrays"], random.Random(seed)
                )
            )
            is not None
        }
        assert len(picked) > 1
        assert picked <= set(candidates)


async def test_pick_falls_back_to_an_attempted_question_on_topic_when_all_are_attempted(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    async with database.session() as session:
        candidates = await matching_ids(session, "Hard", "Graphs")
        assert candidates
        for index, question_id in enumerate(candidates):
            await attempt(session, (a, b)[index % 2], question_id)
        for seed in range(10):
            question = await pick_for_pair(session, [a, b], "Hard", ["Graphs"], random.Random(seed))
            assert question is not None
            assert question.id in candidates


async def test_pick_falls_back_to_any_topic_at_the_difficulty_when_none_has_the_topic(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    unknown = f"No such topic {uuid.uuid4().hex}"
    async with database.session() as session:
        for seed in range(10):
            question = await pick_for_pair(session, [a, b], "Hard", [unknown], random.Random(seed))
            assert question is not None
            assert question.difficulty == "Hard"


async def test_pick_is_reproducible_with_the_same_seed(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    async with database.session() as session:
        first = await pick_for_pair(session, [a, b], "Easy", ["Strings"], random.Random(42))
        again = await pick_for_pair(session, [a, b], "Easy", ["Strings"], random.Random(42))
        assert first is not None
        assert again is not None
        assert first.id == again.id


async def test_a_retried_round_finds_its_room_with_the_question_it_was_made_with(
    database: Database, make_user: MakeUser
) -> None:
    a, b = await make_user(), await make_user()
    members = [PairMember(str(user), str(user)[:8]) for user in (a, b)]
    request = CreatePairsInput([CreatePairInput(new_room_id(), members, "easy", ["Arrays"])])
    activities = PairActivities(database)
    first = await activities.create_pairs(request)
    async with database.session() as session:
        before = await count_rows(session)
    # The retry would pick at random again: only the stored room can make its answer the same.
    answers = [await activities.create_pairs(request) for _ in range(5)]
    assert first.questions[0] is not None
    assert all(answer.questions == first.questions for answer in answers)
    async with database.session() as session:
        assert await count_rows(session) == before
