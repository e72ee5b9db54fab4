"""The bank's runnable data reaches SQL, on both databases: the seed loader brings each
question's with it and checks every file first (a bad or missing one stops the seed, naming
the file, before anything is added); migration 0009 gives the shipped questions of an older
database theirs, and none to a question an admin rewrote in a shipped one's place."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from execution.runnable import bank_folder, shipped_bank
from execution.signature import SignatureError
from storage import migrate, runnable_questions
from storage.database import Database
from storage.models import Difficulty
from storage.question_bank import load_bank, seed
from storage.questions import QuestionData, count_questions, create_question
from tests.helpers.services import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with fresh_postgres_database("peerprep_seed") as url:
        yield url


def bank_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "runnable"
    shutil.copytree(bank_folder(), folder)
    return folder


async def test_every_seeded_question_holds_the_bank_s_runnable_data(database: Database) -> None:
    async with database.session() as session:
        for question_id, question in shipped_bank().items():
            stored = await runnable_questions.get_stored(session, question_id)
            assert stored is not None, question_id
            assert stored.content == question.content(), question_id


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        pytest.param(
            lambda data: {**data, "time_limit_ms": 5}, "q007.json: time_limit_ms", id="bad"
        ),
        pytest.param(lambda data: {**data, "id": 8}, "q007.json: holds question 8", id="misfiled"),
        pytest.param(None, "q007.json: missing", id="missing"),
    ],
)
async def test_a_runnable_file_that_does_not_hold_stops_the_seed_before_anything_is_added(
    empty_url: str, tmp_path: Path, damage: object, named: str
) -> None:
    migrate.upgrade(empty_url)
    folder = bank_copy(tmp_path)
    path = folder / "q007.json"
    if callable(damage):
        path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    else:
        path.unlink()
    database = Database(empty_url)
    try:
        async with database.session() as session:
            with pytest.raises(SignatureError, match=named):
                await seed(session, runnable_folder=folder)
        async with database.session() as session:
            assert await count_questions(session) == 0
            # Mended, the same seed brings the whole bank, each question with its data.
            assert await seed(session) == len(load_bank())
            stored = await runnable_questions.get_stored(session, 7)
            assert stored is not None
            assert stored.content == shipped_bank()[7].content()
    finally:
        await database.dispose()


async def test_migration_0009_makes_the_shipped_questions_of_an_older_database_runnable(
    empty_url: str,
) -> None:
    command.upgrade(migrate.alembic_config(empty_url), "0008")
    bank = dict(load_bank())
    database = Database(empty_url)
    try:
        async with database.session() as session:
            # Shipped, its title in another case; rewritten by an admin in question 2's place;
            # an admin's own.
            shipped = bank[1]
            await create_question(
                session, dataclasses.replace(shipped, title=shipped.title.upper()), question_id=1
            )
            rewritten = QuestionData(
                title="An admin's question in the place of the second",
                description="Return 3.",
                difficulty=Difficulty.EASY,
                topics=["Math"],
            )
            await create_question(session, rewritten, question_id=2)
            own = QuestionData(
                title="An admin's own question",
                description="Return 4.",
                difficulty=Difficulty.HARD,
                topics=["Math"],
            )
            await create_question(session, own, question_id=5000)
        migrate.upgrade(empty_url)
        async with database.session() as session:
            stored = await runnable_questions.get_stored(session, 1)
            assert stored is not None
            assert stored.content == shipped_bank()[1].content()
            assert await runnable_questions.get_stored(session, 2) is None
            assert await runnable_questions.get_stored(session, 5000) is None
            # The seed adds the shipped questions still missing, with theirs, and leaves these.
            assert await seed(session) == len(bank) - 2
            assert await runnable_questions.get_stored(session, 2) is None
            third = await runnable_questions.get_stored(session, 3)
            assert third is not None
            assert third.content == shipped_bank()[3].content()
    finally:
        await database.dispose()
