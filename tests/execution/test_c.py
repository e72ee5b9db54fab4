"""C through the real sandbox: gcc builds the student's solution.c beside the generated driver,
and each way the code can go is its verdict, on the case where it went that way."""

from __future__ import annotations

from pathlib import Path

import pytest

from execution.languages.c import LANGUAGE
from execution.runnable import RunnableQuestion, load_bank
from execution.runner import Mode, RunLimits, Runner, RunResult, Slots, Verdict
from execution.sandbox import Sandbox
from execution.workspace import Workspace
from tests.helpers.judging import assert_passes_every_case, first_failure, uncovered_types

SOLUTIONS = Path(__file__).parents[1] / "solutions" / "c"
BANK = load_bank()
REFERENCES = {path.stem: path.read_text() for path in sorted(SOLUTIONS.glob("q*.c"))}
WRONG = (SOLUTIONS / "wrong_q001.c").read_text()
GIFT_CARDS = BANK[1]  # pay_with_two_cards(values, target) -> [i, j]
PROTOTYPE = "int* pay_with_two_cards(int* values, int values_size, int target, int* return_size)"


def solution(body: str, before: str = "") -> str:
    """A pay_with_two_cards that runs ``body`` first, then answers right."""
    return f"""{before}
{PROTOTYPE} {{
{body}
    int* pair = malloc(2 * sizeof *pair);
    *return_size = 0;
    for (int i = 0; i < values_size; i++)
        for (int j = i + 1; j < values_size; j++)
            if (values[i] + values[j] == target && *return_size == 0) {{
                pair[0] = i;
                pair[1] = j;
                *return_size = 2;
            }}
    return pair;
}}
"""


@pytest.fixture(scope="module")
def runner(sandbox: Sandbox, workspace: Workspace) -> Runner:
    return Runner(sandbox, workspace, Slots(2, 63300), languages={"c": LANGUAGE})


async def run(
    runner: Runner,
    source: str,
    mode: Mode = Mode.SUBMIT,
    question: RunnableQuestion = GIFT_CARDS,
) -> RunResult:
    return await runner.run(question, "c", source, mode)


def test_the_references_cover_every_type_of_the_bank() -> None:
    assert uncovered_types(BANK, REFERENCES) == set()
    assert len(REFERENCES) >= 12


@pytest.mark.parametrize("name", REFERENCES)
async def test_the_c_reference_passes_every_case(runner: Runner, name: str) -> None:
    question = BANK[int(name[1:])]
    result = await run(runner, REFERENCES[name], question=question)
    assert_passes_every_case(result, question)


async def test_a_wrong_answer_fails_first_on_a_hidden_case(runner: Runner) -> None:
    result = await run(runner, WRONG)
    assert result.verdict is Verdict.WRONG_ANSWER
    assert [case.verdict for case in result.cases[:3]] == [Verdict.ACCEPTED] * 3
    failed = first_failure(result)
    assert failed.index == 3  # the first case whose pair is not its first two cards
    assert not failed.public
    assert failed.to_json().keys() == {"index", "public", "verdict", "ms"}


async def test_a_compile_error_names_the_student_s_file_and_line(runner: Runner) -> None:
    source = f"#include <stdio.h>\n\n{PROTOTYPE} {{\n    return no_such_name;\n}}\n"
    result = await run(runner, source)
    assert result.verdict is Verdict.COMPILE_ERROR
    assert "solution.c:4:12: error: 'no_such_name' undeclared" in result.compile_output.replace(
        "\u2018", "'"
    ).replace("\u2019", "'")
    assert result.line == 4
    assert {case.verdict for case in result.cases} == {Verdict.NOT_RUN}


async def test_a_definition_of_another_type_is_a_compile_error_at_its_line(
    runner: Runner,
) -> None:
    source = "\n" + PROTOTYPE.replace("int*", "long*", 1) + " {\n    return NULL;\n}\n"
    result = await run(runner, source)
    assert result.verdict is Verdict.COMPILE_ERROR
    assert "solution.c:2:7: error: conflicting types for" in result.compile_output


async def test_a_missing_function_is_reported_by_name(runner: Runner) -> None:
    result = await run(runner, "int two_sum(void) { return 0; }\n")
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.error == "no function named pay_with_two_cards"


async def test_a_segfault_is_a_runtime_error_on_the_case_where_it_happened(
    runner: Runner,
) -> None:
    # The second example has three cards: its crash is its own, the first one passed.
    source = solution(
        '    printf("about to look\\n");\n'
        "    int* volatile nowhere = NULL;\n"
        '    if (values_size == 3) printf("%d\\n", nowhere[values_size]);\n'
    )
    result = await run(runner, source)
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].verdict is Verdict.ACCEPTED
    crashed = result.cases[1]
    assert crashed.verdict is Verdict.RUNTIME_ERROR
    assert "SIGSEGV" in (crashed.error or "")
    assert crashed.stdout == "about to look\n"
    assert {case.verdict for case in result.cases[2:]} == {Verdict.NOT_RUN}


async def test_a_division_by_zero_is_a_runtime_error(runner: Runner) -> None:
    result = await run(runner, solution('    printf("%d\\n", target / (values_size - 4));'))
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert "SIGFPE" in (result.cases[0].error or "")
    assert "division by zero" in (result.cases[0].error or "")
    assert result.error == result.cases[0].error


async def test_endless_recursion_is_a_stack_overflow(runner: Runner) -> None:
    down = (
        "static int down(volatile int* above, int n) {\n"
        "    volatile int local[16];\n"
        "    local[0] = n;\n"
        "    return down(local, n + 1) + local[0] + *above;\n"
        "}\n"
    )
    result = await run(runner, solution("    int top = 0;\n    down(&top, 0);", before=down))
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert "stack overflow" in (result.cases[0].error or "")


async def test_deep_recursion_is_the_student_s_right(runner: Runner) -> None:
    down = (
        "static int down(volatile int* above, int n) {\n"
        "    volatile int local[16];\n"
        "    local[0] = n;\n"
        "    return n == 0 ? 0 : down(local, n - 1) + local[0] + *above;\n"
        "}\n"
    )
    result = await run(runner, solution("    int top = 0;\n    down(&top, 200000);", before=down))
    assert result.verdict is Verdict.ACCEPTED


async def test_an_endless_loop_is_a_time_limit_on_the_case_that_never_returned(
    runner: Runner,
) -> None:
    result = await run(runner, solution("    volatile long spins = 0;\n    for (;;) spins++;"))
    assert result.verdict is Verdict.TIME_LIMIT
    assert first_failure(result).index == 0
    assert result.cpu_ms <= GIFT_CARDS.time_limit_ms * LANGUAGE.factor * 1.1


async def test_allocating_and_touching_two_gigabytes_is_a_memory_limit(runner: Runner) -> None:
    hog = "static char* kept[128];\n"
    body = (
        "    for (int k = 0; k < 128; k++) {\n"
        "        kept[k] = malloc(16 << 20);\n"
        "        memset(kept[k], k, 16 << 20);\n"
        "    }"
    )
    result = await run(runner, solution(body, before=hog))
    assert result.verdict is Verdict.MEMORY_LIMIT
    assert first_failure(result).index == 0


async def test_an_output_flood_is_an_output_limit(runner: Runner) -> None:
    result = await run(runner, solution('    for (;;) printf("%s\\n", "flooding the pipe");'))
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert result.wall_ms < 2000


async def test_a_list_whose_size_is_not_set_is_a_wrong_answer_that_says_so(
    runner: Runner,
) -> None:
    result = await run(runner, f"{PROTOTYPE} {{\n    return malloc(8);\n}}\n")
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.cases[0].error == "*return_size was not set"


async def test_the_student_s_prints_show_in_their_public_case(runner: Runner) -> None:
    result = await run(
        runner, solution('    printf("looking at %d", values_size);\n    puts(" cards");'), Mode.RUN
    )
    assert result.verdict is Verdict.ACCEPTED
    assert [case.stdout for case in result.cases] == [
        f"looking at {len(case.input['values'])} cards\n" for case in GIFT_CARDS.public_cases
    ]


@pytest.mark.parametrize("question", BANK.values(), ids=lambda question: f"q{question.id:03d}")
async def test_the_starter_compiles_and_runs(runner: Runner, question: RunnableQuestion) -> None:
    result = await run(runner, LANGUAGE.starter(question.signature), Mode.RUN, question)
    assert result.verdict in {Verdict.ACCEPTED, Verdict.WRONG_ANSWER}, (
        result.error,
        result.compile_output,
    )
    assert Verdict.NOT_RUN not in {case.verdict for case in result.cases}


REFUSED = {Verdict.COMPILE_ERROR, Verdict.TIME_LIMIT}


@pytest.mark.parametrize(
    ("bomb", "verdicts"),
    [
        ('#include "/dev/random"\n', REFUSED),
        ("".join(f"#warning flood {number}\n" for number in range(3000)), REFUSED),
        # Four terabytes of zeroes cost nothing until touched: it builds, and answers wrongly.
        (
            "static char big[1ULL << 42];\n"
            + PROTOTYPE
            + " { *return_size = big[0]; return 0; }\n",
            {Verdict.WRONG_ANSWER, *REFUSED},
        ),
    ],
    ids=["include-dev-random", "warning-flood", "huge-static-array"],
)
async def test_compile_bombs_are_contained_and_the_executor_carries_on(
    sandbox: Sandbox, workspace: Workspace, bomb: str, verdicts: set[Verdict]
) -> None:
    quick = Runner(
        sandbox,
        workspace,
        Slots(1, 63340),
        RunLimits(compile_cpu_seconds=2.0),
        languages={"c": LANGUAGE},
    )
    result = await quick.run(GIFT_CARDS, "c", bomb, Mode.RUN)
    assert result.verdict in verdicts
    assert len(result.compile_output) <= 64 * 1024
    after = await quick.run(GIFT_CARDS, "c", REFERENCES["q001"], Mode.RUN)
    assert after.verdict is Verdict.ACCEPTED
