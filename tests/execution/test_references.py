"""Every question of the bank is runnable, and its reference solution passes every case of it,
in the real sandbox: no question ships a test its own answer fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from execution.runnable import MIN_HIDDEN_CASES, RunnableQuestion, load_bank
from execution.runner import Mode, Runner, Slots
from execution.sandbox import Sandbox
from execution.workspace import Workspace
from storage import question_bank
from tests.helpers.judging import assert_passes_every_case

SOLUTIONS = Path(__file__).parents[1] / "solutions"
BANK = load_bank()


@pytest.fixture(scope="module")
def runner(sandbox: Sandbox, workspace: Workspace) -> Runner:
    return Runner(sandbox, workspace, Slots(2, 62000))


def test_every_question_of_the_bank_is_runnable() -> None:
    questions = dict(question_bank.load_bank())
    assert sorted(BANK) == sorted(questions)
    for question in BANK.values():
        assert sum(not case.public for case in question.cases) >= MIN_HIDDEN_CASES, question.id
        assert len(question.public_cases) == len(questions[question.id].examples), question.id


@pytest.mark.parametrize("question", BANK.values(), ids=lambda question: f"q{question.id:03d}")
async def test_the_python_reference_passes_every_case(
    runner: Runner, question: RunnableQuestion
) -> None:
    source = (SOLUTIONS / "python" / f"q{question.id:03d}.py").read_text()
    result = await runner.run(question, "python", source, Mode.SUBMIT)
    assert_passes_every_case(result, question)
