"""JavaScript through the real sandbox: the references pass, and each way a student's code can go
gets its verdict, with the case, the line and the prints that explain it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from execution.compare import Comparison
from execution.languages.javascript import LANGUAGE, starter
from execution.runnable import RunnableQuestion, load_bank
from execution.runner import Mode, RunLimits, Runner, RunResult, Slots, Verdict
from execution.sandbox import Sandbox
from execution.workspace import Workspace
from tests.helpers.judging import assert_passes_every_case, first_failure, uncovered_types

SOLUTIONS = Path(__file__).parents[1] / "solutions" / "javascript"
BANK = load_bank()
GIFT_CARDS = BANK[1]  # payWithTwoCards(values, target) -> [i, j]
SOURCES = {path.stem: path.read_text() for path in sorted(SOLUTIONS.glob("*.js"))}
REFERENCES = [name for name in SOURCES if name.startswith("q")]


@pytest.fixture(scope="module")
def runner(sandbox: Sandbox, workspace: Workspace) -> Runner:
    # The default limits (256 MB): the memory test is about them.
    return Runner(sandbox, workspace, Slots(2, 63000), RunLimits(), {"javascript": LANGUAGE})


async def run(
    runner: Runner,
    source: str,
    mode: Mode = Mode.SUBMIT,
    question: RunnableQuestion = GIFT_CARDS,
) -> RunResult:
    return await runner.run(question, "javascript", source, mode)


def test_the_references_cover_every_type_of_the_bank() -> None:
    assert uncovered_types(BANK, REFERENCES) == set()
    assert len(REFERENCES) >= 12


@pytest.mark.parametrize("name", REFERENCES)
async def test_the_javascript_reference_passes_every_case(runner: Runner, name: str) -> None:
    question = BANK[int(name[1:])]
    result = await run(runner, SOURCES[name], question=question)
    assert_passes_every_case(result, question)


async def test_a_wrong_answer_fails_first_on_a_hidden_case(runner: Runner) -> None:
    result = await run(runner, SOURCES["wrong_q001"])
    assert result.verdict is Verdict.WRONG_ANSWER
    assert [case.verdict for case in result.cases[:2]] == [Verdict.ACCEPTED, Verdict.ACCEPTED]
    failed = first_failure(result)
    assert failed.index == 3  # cases 0 to 2 start with the pair; case 3 does not
    assert not failed.public
    assert failed.to_json().keys() == {"index", "public", "verdict", "ms"}
    assert result.error is None  # nothing of a hidden case is shown


async def test_a_syntax_error_is_a_compile_error_at_the_student_s_line(runner: Runner) -> None:
    result = await run(
        runner, "function payWithTwoCards(values, target) {\n  let x = ;\n  return [0, 1];\n}\n"
    )
    assert result.verdict is Verdict.COMPILE_ERROR
    assert result.line == 2
    assert result.compile_output.startswith("solution.js:2\n")
    assert "SyntaxError: Unexpected token ';'" in result.compile_output
    assert {case.verdict for case in result.cases} == {Verdict.NOT_RUN}


async def test_a_null_dereference_is_a_runtime_error_at_the_student_s_line(
    runner: Runner,
) -> None:
    result = await run(
        runner,
        "function payWithTwoCards(values, target) {\n"
        "  const card = values.length === 3 ? null : { index: 1 };\n"
        "  return [card.index, 3];\n"
        "}\n",
    )
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].verdict is Verdict.ACCEPTED  # four cards: no error yet
    failed = result.cases[1]  # the second example has three cards
    assert failed.verdict is Verdict.RUNTIME_ERROR
    assert failed.line == result.line == 3
    assert "TypeError: Cannot read properties of null" in (failed.error or "")
    assert {case.verdict for case in result.cases[2:]} == {Verdict.NOT_RUN}


async def test_an_error_while_loading_and_a_missing_function_are_runtime_errors(
    runner: Runner,
) -> None:
    thrown = await run(runner, "const cards = 1;\nthrow new Error('too early');\n")
    assert thrown.verdict is Verdict.RUNTIME_ERROR
    assert (thrown.error, thrown.line) == ("Error: too early", 2)
    missing = await run(runner, "function twoSum(values, target) {\n  return [0, 1];\n}\n")
    assert missing.verdict is Verdict.RUNTIME_ERROR
    assert missing.error == "no function named payWithTwoCards"
    snake = await run(runner, "const pay_with_two_cards = (values, target) => [0, 1];\n")
    assert "JavaScript spells it payWithTwoCards" in (snake.error or "")


async def test_process_exit_is_a_runtime_error_on_its_case(runner: Runner) -> None:
    result = await run(
        runner,
        "function payWithTwoCards(values, target) {\n"
        "  console.log('bye');\n"
        "  process.exit(3);\n"
        "}\n",
    )
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].error == "process.exit(3) was called"
    assert result.cases[0].stdout == "bye\n"


async def test_an_endless_loop_is_a_time_limit_on_the_case_that_never_returned(
    runner: Runner,
) -> None:
    result = await run(
        runner,
        "function payWithTwoCards(values, target) {\n"
        "  if (values.length > 3) while (true) {}\n"
        "  return [0, 1];\n"
        "}\n",
    )
    assert result.verdict is Verdict.TIME_LIMIT
    assert first_failure(result).index == 0  # the first example has four cards
    assert result.cpu_ms <= GIFT_CARDS.time_limit_ms * LANGUAGE.factor * 1.1


@pytest.mark.parametrize(
    "body",
    [
        # 2 GB outside V8's heap, every page touched: the control group's limit.
        "const block = Buffer.alloc(2 * 1024 ** 3);\n  block.fill(1);\n  return [block[7], 0];",
        # 2 GB of numbers in V8's heap: the worker's heap limit, or the group's.
        "const all = [];\n  for (let i = 0; i < 2 ** 28; i++) all.push(i);\n  return all;",
        # Small objects until the heap is full: the worker's heap limit ends the case.
        "const all = [];\n  for (let i = 0; ; i++) all.push({ i });",
    ],
    ids=["buffer", "array", "objects"],
)
async def test_a_memory_hog_is_a_memory_limit(runner: Runner, body: str) -> None:
    result = await run(runner, f"function payWithTwoCards(values, target) {{\n  {body}\n}}\n")
    assert result.verdict is Verdict.MEMORY_LIMIT
    assert first_failure(result).index == 0
    assert {case.verdict for case in result.cases[1:]} == {Verdict.NOT_RUN}


async def test_a_runaway_recursion_is_a_runtime_error_and_deep_recursion_is_fine(
    runner: Runner,
) -> None:
    runaway = await run(
        runner,
        "const down = (n) => 1 + down(n + 1);\n"
        "function payWithTwoCards(values, target) {\n"
        "  return [down(0), 1];\n"
        "}\n",
    )
    assert runaway.verdict is Verdict.RUNTIME_ERROR
    assert runaway.error == "RangeError: Maximum call stack size exceeded"
    assert runaway.line == 1
    deep = await run(
        runner,
        "const depth = (n) => (n === 0 ? 0 : 1 + depth(n - 1));\n"
        + SOURCES["q001"].replace("{\n", "{\n  depth(200000);\n", 1),
    )
    assert deep.verdict is Verdict.ACCEPTED


async def test_an_output_flood_is_an_output_limit(runner: Runner) -> None:
    result = await run(
        runner,
        "function payWithTwoCards(values, target) {\n"
        "  while (true) console.log('x'.repeat(1000));\n"
        "}\n",
    )
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert result.wall_ms < 2000


async def test_the_student_s_prints_show_in_their_public_case(runner: Runner) -> None:
    result = await run(
        runner,
        "function payWithTwoCards(values, target) {\n"
        "  console.log('looking at', values.length, { target });\n"
        "  process.stdout.write('done\\n');\n"
        "  console.error('not in stdout');\n"
        "  return values[0] + values[1] === target ? [0, 1] : [1, 3];\n"
        "}\n",
        Mode.RUN,
    )
    assert result.verdict is Verdict.ACCEPTED
    first, second = result.cases
    target = GIFT_CARDS.cases[0].input["target"]
    assert first.stdout == f"looking at 4 {{ target: {target} }}\ndone\n"
    assert second.stdout is not None
    assert second.stdout.startswith("looking at 3 ")


async def test_a_value_of_the_wrong_type_is_a_wrong_answer_that_says_so(runner: Runner) -> None:
    result = await run(
        runner, "async function payWithTwoCards(values, target) {\n  return [0, 1];\n}\n"
    )
    assert result.verdict is Verdict.WRONG_ANSWER
    assert (result.cases[0].error or "").startswith("returned Promise, expected list<int>")
    half = await run(runner, "function payWithTwoCards(values, target) {\n  return [0, 1.5];\n}\n")
    assert half.cases[0].error == "returned 1.5 at [1], expected int"


async def test_a_whole_double_stays_a_double(runner: Runner) -> None:
    # combined_median([1, 3], [2]) is 2: written 2.0, as the exact comparison of JSON needs.
    exact = dataclasses.replace(BANK[58], comparison=Comparison("exact"))
    result = await run(runner, SOURCES["q058"], Mode.RUN, question=exact)
    assert any(isinstance(case.output, float) and case.output.is_integer() for case in result.cases)
    assert {case.verdict for case in result.cases} == {Verdict.ACCEPTED}


def test_the_starter_declares_the_camel_case_function() -> None:
    text = starter(BANK[5].signature)
    assert text.startswith("// ListNode is given: class ListNode")
    assert "function reverseTrain(head) {\n    return null;\n}\n" in text
    assert " * @param {number[]} values\n" in starter(GIFT_CARDS.signature)


@pytest.mark.parametrize("question", BANK.values(), ids=lambda question: f"q{question.id:03d}")
async def test_the_starter_runs(runner: Runner, question: RunnableQuestion) -> None:
    result = await run(runner, starter(question.signature), Mode.RUN, question=question)
    assert result.verdict in {Verdict.ACCEPTED, Verdict.WRONG_ANSWER}, result.error
    assert all(case.error is None for case in result.cases), result.cases[0].error
