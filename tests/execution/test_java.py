"""Java through the real sandbox: the references pass, every question's starter compiles, and
each way a student's code can go gets its verdict, with the case, the line and the prints that
explain it.

A Java run compiles first (most of a second of javac's CPU time), so the many runs of the
references and of the starters are started together, a few sandboxes at a time, and each
parametrized test awaits its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from execution.languages.java import LANGUAGE, starter
from execution.runnable import RunnableQuestion, load_bank
from execution.runner import Mode, RunLimits, Runner, RunResult, Slots, Verdict
from execution.sandbox import Sandbox
from execution.workspace import Workspace
from tests.helpers.judging import assert_passes_every_case, first_failure, uncovered_types

SOLUTIONS = Path(__file__).parents[1] / "solutions" / "java"
BANK = load_bank()
GIFT_CARDS = BANK[1]  # int[] payWithTwoCards(int[] values, int target)
SOURCES = {path.stem: path.read_text() for path in sorted(SOLUTIONS.glob("*.java"))}
REFERENCES = [name for name in SOURCES if name.startswith("q")]
# Runs made at once: javac is CPU-bound, and a sandbox's limits are CPU time, not wall time.
AT_ONCE = 4

Job = tuple[RunnableQuestion, str, Mode]


@pytest.fixture(scope="module")
def runner(sandbox: Sandbox, workspace: Workspace) -> Runner:
    # The default limits (256 MB): the memory test is about them.
    return Runner(sandbox, workspace, Slots(AT_ONCE, 63100), RunLimits(), {"java": LANGUAGE})


async def run(
    runner: Runner,
    source: str,
    mode: Mode = Mode.SUBMIT,
    question: RunnableQuestion = GIFT_CARDS,
) -> RunResult:
    return await runner.run(question, "java", source, mode)


class Runs:
    """Runs that all start when the first is asked for (the runner's slots take them a few at a
    time, in order), each awaited by its own test: no test waits for all of them."""

    def __init__(self, runner: Runner, jobs: dict[str, Job]) -> None:
        self._runner = runner
        self._jobs = jobs
        self._started: dict[str, asyncio.Future[RunResult]] = {}

    async def result(self, name: str) -> RunResult:
        if not self._started:
            self._started = {
                key: asyncio.ensure_future(run(self._runner, source, mode, question))
                for key, (question, source, mode) in self._jobs.items()
            }
        return await self._started[name]

    async def close(self) -> None:
        """Stops the runs no test awaited (when some are deselected)."""
        for future in self._started.values():
            future.cancel()
        await asyncio.gather(*self._started.values(), return_exceptions=True)


@pytest.fixture(scope="module")
async def references(runner: Runner) -> AsyncIterator[Runs]:
    runs = Runs(
        runner, {name: (BANK[int(name[1:])], SOURCES[name], Mode.SUBMIT) for name in REFERENCES}
    )
    yield runs
    await runs.close()


@pytest.fixture(scope="module")
async def starters(runner: Runner) -> AsyncIterator[Runs]:
    runs = Runs(
        runner,
        {
            f"q{question.id:03d}": (question, starter(question.signature), Mode.RUN)
            for question in BANK.values()
        },
    )
    yield runs
    await runs.close()


def test_the_references_cover_every_type_of_the_bank() -> None:
    assert uncovered_types(BANK, REFERENCES) == set()
    assert len(REFERENCES) >= 12


@pytest.mark.parametrize("name", REFERENCES)
async def test_the_java_reference_passes_every_case(references: Runs, name: str) -> None:
    result = await references.result(name)
    assert_passes_every_case(result, BANK[int(name[1:])])


@pytest.mark.parametrize("question", BANK.values(), ids=lambda question: f"q{question.id:03d}")
async def test_the_starter_compiles_and_runs(starters: Runs, question: RunnableQuestion) -> None:
    result = await starters.result(f"q{question.id:03d}")
    assert result.verdict not in {Verdict.COMPILE_ERROR, Verdict.RUNTIME_ERROR}, (
        result.compile_output or result.error
    )
    assert result.verdict in {Verdict.ACCEPTED, Verdict.WRONG_ANSWER}
    assert len(result.cases) == len(question.public_cases)


async def test_a_wrong_answer_fails_first_on_a_hidden_case_and_shows_its_prints(
    runner: Runner,
) -> None:
    result = await run(runner, SOURCES["wrong_q001"])
    assert result.verdict is Verdict.WRONG_ANSWER
    assert [case.verdict for case in result.cases[:2]] == [Verdict.ACCEPTED, Verdict.ACCEPTED]
    failed = first_failure(result)
    assert failed.index == 3  # cases 0 to 2 have their pair first; case 3 does not
    assert not failed.public
    assert failed.to_json().keys() == {"index", "public", "verdict", "ms"}
    assert result.error is None  # nothing of a hidden case is shown
    # Each public case shows what it printed, and only that.
    for case, given in zip(result.cases[:2], GIFT_CARDS.public_cases, strict=True):
        assert case.stdout == f"looking at {len(given.input['values'])}\n"


async def test_a_compile_error_names_the_student_s_file_and_line(runner: Runner) -> None:
    result = await run(
        runner,
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        int x = 1\n"
        "        return new int[] {0, x};\n"
        "    }\n"
        "}\n",
    )
    assert result.verdict is Verdict.COMPILE_ERROR
    assert "Solution.java:3: error: ';' expected" in result.compile_output
    assert result.line == 3
    assert {case.verdict for case in result.cases} == {Verdict.NOT_RUN}


async def test_a_method_of_another_shape_is_a_compile_error_that_shows_the_expected_one(
    runner: Runner,
) -> None:
    result = await run(
        runner,
        "import java.util.*;\n"
        "class Solution {\n"
        "    public int[] twoSum(List<Integer> values, int target) {\n"
        "        return new int[] {0, 1};\n"
        "    }\n"
        "}\n",
    )
    assert result.verdict is Verdict.COMPILE_ERROR
    assert "public int[] payWithTwoCards(int[] values, int target)" in result.compile_output


async def test_an_exception_is_a_runtime_error_on_its_case_at_the_student_s_line(
    runner: Runner,
) -> None:
    result = await run(
        runner,
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        '        System.out.print("share " + share(values.length));\n'
        "        for (int j = 1; j < values.length; j++)\n"
        "            for (int i = 0; i < j; i++)\n"
        "                if (values[i] + values[j] == target) return new int[] {i, j};\n"
        "        return null;\n"
        "    }\n"
        "\n"
        "    private int share(int cards) {\n"
        "        return 12 / (cards - 3);\n"
        "    }\n"
        "}\n",
    )
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].verdict is Verdict.ACCEPTED  # four cards
    assert result.cases[0].stdout == "share 12"
    failed = result.cases[1]  # three cards
    assert failed.verdict is Verdict.RUNTIME_ERROR
    assert failed.line == 11
    assert "java.lang.ArithmeticException: / by zero" in (failed.error or "")
    assert failed.stdout == ""  # it failed before it printed
    assert {case.verdict for case in result.cases[2:]} == {Verdict.NOT_RUN}


async def test_a_null_dereference_and_a_static_initializer_say_where(runner: Runner) -> None:
    nothing = await run(
        runner,
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        int[] pair = null;\n"
        "        pair[0] = 1;\n"
        "        return pair;\n"
        "    }\n"
        "}\n",
    )
    assert nothing.verdict is Verdict.RUNTIME_ERROR
    assert nothing.line == 4
    assert 'because "pair" is null' in (nothing.error or "")
    loading = await run(
        runner,
        "class Solution {\n"
        "    static final int[] TABLE = new int[2];\n"
        "    static { TABLE[5] = 1; }\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        return TABLE;\n"
        "    }\n"
        "}\n",
    )
    assert loading.verdict is Verdict.RUNTIME_ERROR
    assert loading.line == 3
    assert "ArrayIndexOutOfBoundsException" in (loading.error or "")
    assert {case.verdict for case in loading.cases} == {Verdict.NOT_RUN}


async def test_deep_recursion_is_the_student_s_right_and_endless_recursion_a_runtime_error(
    runner: Runner,
) -> None:
    deep = await run(
        runner,
        "class Solution {\n"
        "    int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        depth(200_000);\n"
        "        for (int j = 1; j < values.length; j++)\n"
        "            for (int i = 0; i < j; i++)\n"
        "                if (values[i] + values[j] == target) return new int[] {i, j};\n"
        "        return null;\n"
        "    }\n"
        "}\n",
        Mode.RUN,
    )
    assert deep.verdict is Verdict.ACCEPTED, deep.error
    endless = await run(
        runner,
        "class Solution {\n"
        "    int depth(int n) { return 1 + depth(n + 1); }\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        return new int[] {depth(0)};\n"
        "    }\n"
        "}\n",
        Mode.RUN,
    )
    assert endless.verdict is Verdict.RUNTIME_ERROR
    assert endless.cases[0].line == 2
    assert "java.lang.StackOverflowError" in (endless.cases[0].error or "")


async def test_an_endless_loop_is_a_time_limit_on_the_case_that_never_returned(
    runner: Runner,
) -> None:
    # A shorter limit than the question's, for a shorter test: 0.5 s for C, 1 s for Java.
    quick = dataclasses.replace(GIFT_CARDS, time_limit_ms=500)
    result = await run(
        runner,
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        if (values.length > 3) while (true) {}\n"
        "        return new int[] {0, 1};\n"
        "    }\n"
        "}\n",
        question=quick,
    )
    assert result.verdict is Verdict.TIME_LIMIT
    assert first_failure(result).index == 0  # the first example has four cards
    assert result.cpu_ms <= quick.time_limit_ms * LANGUAGE.factor * 1.1 + 100


async def test_allocating_and_touching_2_gb_is_a_memory_limit(runner: Runner) -> None:
    result = await run(
        runner,
        "import java.util.*;\n"
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        "        List<byte[]> hoard = new ArrayList<>();\n"
        "        for (int i = 0; i < 2048; i++) {\n"
        "            byte[] block = new byte[1 << 20];\n"
        "            Arrays.fill(block, (byte) 1);\n"
        "            hoard.add(block);\n"
        "        }\n"
        "        return new int[] {hoard.size()};\n"
        "    }\n"
        "}\n",
    )
    assert result.verdict is Verdict.MEMORY_LIMIT
    assert first_failure(result).index == 0
    assert result.memory_bytes < RunLimits().memory_bytes


async def test_an_output_flood_is_an_output_limit(runner: Runner) -> None:
    result = await run(
        runner,
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) {\n"
        '        while (true) System.out.println("x".repeat(1000));\n'
        "    }\n"
        "}\n",
    )
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert first_failure(result).index == 0
    assert result.wall_ms < 2000


async def test_collections_are_answers_too_and_a_null_one_says_so(runner: Runner) -> None:
    shelves = BANK[28]  # String[][] groupAnagramShelves(String[] words)
    grouped = await run(
        runner,
        "import java.util.*;\n"
        "class Solution {\n"
        "    public List<List<String>> groupAnagramShelves(String[] words) {\n"
        "        Map<String, List<String>> groups = new LinkedHashMap<>();\n"
        "        for (String word : words) {\n"
        "            char[] key = word.toCharArray();\n"
        "            Arrays.sort(key);\n"
        "            groups.computeIfAbsent(new String(key), k -> new ArrayList<>()).add(word);\n"
        "        }\n"
        "        return new ArrayList<>(groups.values());\n"
        "    }\n"
        "}\n",
        question=shelves,
    )
    assert grouped.verdict is Verdict.ACCEPTED, grouped.error
    empty = await run(
        runner,
        "class Solution {\n"
        "    public int[] payWithTwoCards(int[] values, int target) { return null; }\n"
        "}\n",
        Mode.RUN,
    )
    assert empty.verdict is Verdict.WRONG_ANSWER
    assert empty.cases[0].error == "returned null, expected list<int>"
