"""What a student sees for each way their code can go: one verdict each, through the real
sandbox, with the case, the line and the prints that explain it."""

from __future__ import annotations

import pytest

from execution.runnable import RunnableQuestion, load_bank
from execution.runner import Mode, RunLimits, Runner, RunResult, Slots, Verdict
from execution.sandbox import Sandbox
from execution.workspace import Workspace
from tests.helpers.judging import first_failure

GIFT_CARDS = load_bank()[1]  # pay_with_two_cards(values, target) -> [i, j]
RIGHT = """
def pay_with_two_cards(values, target):
    seen = {}
    for index, value in enumerate(values):
        if target - value in seen:
            return [seen[target - value], index]
        seen[value] = index
"""


@pytest.fixture(scope="module")
def runner(sandbox: Sandbox, workspace: Workspace) -> Runner:
    return Runner(sandbox, workspace, Slots(2, 62100), RunLimits(memory_bytes=128 * 1024**2))


async def run(
    runner: Runner,
    source: str,
    mode: Mode = Mode.SUBMIT,
    question: RunnableQuestion = GIFT_CARDS,
) -> RunResult:
    return await runner.run(question, "python", source, mode)


async def test_a_right_answer_is_accepted_and_run_takes_only_the_public_cases(
    runner: Runner,
) -> None:
    submitted = await run(runner, RIGHT)
    assert submitted.verdict is Verdict.ACCEPTED
    assert submitted.total == len(GIFT_CARDS.cases)
    ran = await run(runner, RIGHT, Mode.RUN)
    assert ran.verdict is Verdict.ACCEPTED
    assert [case.public for case in ran.cases] == [True] * len(GIFT_CARDS.public_cases)
    assert ran.cases[0].output == GIFT_CARDS.cases[0].output


async def test_a_wrong_answer_fails_at_its_case_and_shows_the_public_one_in_full(
    runner: Runner,
) -> None:
    # Right on the examples, wrong when the pair is not the first match found from the left.
    result = await run(
        runner,
        "def pay_with_two_cards(values, target):\n"
        "    print('looking at', len(values))\n"
        "    return [0, 1] if values[0] + values[1] == target else [1, 3]\n",
    )
    assert result.verdict is Verdict.WRONG_ANSWER
    assert [case.verdict for case in result.cases[:2]] == [Verdict.ACCEPTED, Verdict.ACCEPTED]
    assert not first_failure(result).public
    first = result.cases[0]
    assert first.stdout == f"looking at {len(GIFT_CARDS.cases[0].input['values'])}\n"
    hidden = next(case for case in result.cases if not case.public)
    assert hidden.to_json().keys() == {"index", "public", "verdict", "ms"}


async def test_a_syntax_error_is_a_compile_error_at_the_student_s_line(runner: Runner) -> None:
    result = await run(runner, "def pay_with_two_cards(values, target):\n    return [0,\n\n")
    assert result.verdict is Verdict.COMPILE_ERROR
    assert result.line == 2
    assert "SyntaxError" in result.compile_output
    assert {case.verdict for case in result.cases} == {Verdict.NOT_RUN}


async def test_an_exception_is_a_runtime_error_at_the_student_s_line(runner: Runner) -> None:
    result = await run(
        runner, "def pay_with_two_cards(values, target):\n    x = 1\n    return x // 0\n"
    )
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].line == 3
    assert "ZeroDivisionError" in (result.cases[0].error or "")
    assert result.cases[1].verdict is Verdict.NOT_RUN


async def test_a_missing_function_is_reported_by_name(runner: Runner) -> None:
    result = await run(runner, "def two_sum(values, target):\n    return [0, 1]\n")
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.error == "no function named pay_with_two_cards"


async def test_an_endless_loop_is_a_time_limit_on_the_case_that_never_returned(
    runner: Runner,
) -> None:
    result = await run(
        runner,
        "def pay_with_two_cards(values, target):\n"
        "    if len(values) > 3:\n"
        "        while True: pass\n"
        "    return [0, 1]\n",
    )
    assert result.verdict is Verdict.TIME_LIMIT
    failed = first_failure(result)
    assert failed.index == 0  # the first example has four cards
    assert result.cpu_ms <= GIFT_CARDS.time_limit_ms * 3 * 1.1


async def test_a_memory_hog_is_a_memory_limit(runner: Runner) -> None:
    result = await run(
        runner, "def pay_with_two_cards(values, target):\n    x = [0] * (10**9)\n    return x\n"
    )
    assert result.verdict is Verdict.MEMORY_LIMIT
    assert first_failure(result).index == 0


async def test_an_output_flood_is_an_output_limit(runner: Runner) -> None:
    result = await run(
        runner,
        "def pay_with_two_cards(values, target):\n    while True: print('x' * 1000)\n",
    )
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert result.wall_ms < 2000


async def test_a_value_of_the_wrong_type_is_a_wrong_answer_that_says_so(runner: Runner) -> None:
    result = await run(runner, "def pay_with_two_cards(values, target):\n    return {0, 1}\n")
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.cases[0].error == "returned set, expected list<int>"


async def test_deep_recursion_is_the_student_s_right(runner: Runner) -> None:
    result = await run(
        runner,
        "def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\n"
        "def pay_with_two_cards(values, target):\n"
        "    depth(50000)\n"
        "    seen = {}\n"
        "    for i, v in enumerate(values):\n"
        "        if target - v in seen:\n"
        "            return [seen[target - v], i]\n"
        "        seen[v] = i\n",
    )
    assert result.verdict is Verdict.ACCEPTED


async def test_oversized_code_is_refused_before_it_runs(runner: Runner) -> None:
    result = await run(runner, "#" * (65 * 1024))
    assert result.verdict is Verdict.COMPILE_ERROR
    assert result.error == "the code is over 64 KiB"


async def test_a_linked_list_and_a_tree_round_trip_through_the_driver(runner: Runner) -> None:
    reverse = load_bank()[5]
    result = await run(
        runner,
        "def reverse_train(head):\n"
        "    prev = None\n"
        "    while head:\n"
        "        head.next, prev, head = prev, head, head.next\n"
        "    return prev\n",
        question=reverse,
    )
    assert result.verdict is Verdict.ACCEPTED
    depth = load_bank()[6]
    wrong = await run(runner, "def count_generations(root):\n    return 1\n", question=depth)
    assert wrong.verdict is Verdict.WRONG_ANSWER
