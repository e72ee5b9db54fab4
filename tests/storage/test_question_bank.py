"""The shipped question bank: complete, varied, and loaded idempotently on both backends."""

from __future__ import annotations

from collections import Counter

from storage.database import Database
from storage.models import Difficulty
from storage.question_bank import load_bank, seed
from storage.questions import QuestionData, count_questions, create_question, delete_question


def test_bank_has_sixty_questions_over_twelve_topics_and_every_difficulty() -> None:
    bank = load_bank()
    assert len(bank) >= 60
    ids = [question_id for question_id, _ in bank]
    assert len(set(ids)) == len(ids)
    titles = [data.title.lower() for _, data in bank]
    assert len(set(titles)) == len(titles)
    topics = Counter(topic for _, data in bank for topic in data.topics)
    assert len(topics) >= 12
    assert {data.difficulty for _, data in bank} == set(Difficulty)


def test_every_bank_question_has_a_statement_an_example_and_constraints() -> None:
    for _, data in load_bank():
        assert data.description.strip(), data.title
        assert data.examples
        assert all(ex["input"] and ex["output"] for ex in data.examples)
        assert data.constraints, data.title
        assert data.topics, data.title
        assert 0 <= data.acceptance_rate <= 100


def test_every_topic_can_be_practised_at_every_difficulty() -> None:
    # Matching pairs students by difficulty and topic: a topic missing at a level would
    # leave such a pair without a question.
    seen = {(topic, data.difficulty) for _, data in load_bank() for topic in data.topics}
    topics = {topic for topic, _ in seen}
    for topic in topics:
        for level in Difficulty:
            assert (topic, level) in seen, (topic, level)


async def test_seeding_again_adds_nothing(database: Database) -> None:
    async with database.session() as session:
        before = await count_questions(session)
        assert await seed(session) == 0
        assert await count_questions(session) == before
        assert before >= len(load_bank())


async def test_seeding_only_if_empty_leaves_an_admins_deletion_alone(database: Database) -> None:
    async with database.session() as session:
        data = QuestionData(
            title="Temporary question for the deletion check",
            description="Return 1.",
            difficulty=Difficulty.EASY,
            topics=["Math"],
        )
        question = await create_question(session, data)
        await delete_question(session, question)
        assert await seed(session, only_if_empty=True) == 0


async def test_new_questions_get_ids_after_the_seeded_ones(database: Database) -> None:
    # On PostgreSQL, explicit ids do not move the sequence: the seeder has to.
    async with database.session() as session:
        data = QuestionData(
            title="Fresh question after the bank",
            description="Return 2.",
            difficulty=Difficulty.MEDIUM,
            topics=["Math"],
        )
        question = await create_question(session, data)
        try:
            assert question.id > max(question_id for question_id, _ in load_bank())
        finally:
            await delete_question(session, question)
