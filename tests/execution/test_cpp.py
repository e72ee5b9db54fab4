"""C++ through the real sandbox: g++ builds the student's solution.cpp as a unit of its own
beside the driver, the references pass, every question's starter builds and answers its default,
and each way the code can go is its verdict, on the case where it went that way, with the line
and the prints that explain it.

A C++ build takes about a second of g++'s CPU time (the standard headers), and this file makes
over a hundred. So every run is declared up front (``job``, beside the test that judges it),
all start together when the first test asks for one, the runner's two sandboxes take them in the
order of the file, and each test awaits only its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from execution.languages.cpp import LANGUAGE, declaration, starter
from execution.runnable import RunnableQuestion, load_bank
from execution.runner import Mode, RunLimits, Runner, RunResult, Slots, Verdict
from execution.sandbox import Sandbox
from execution.signature import Type
from execution.workspace import Workspace
from tests.helpers.judging import assert_passes_every_case, first_failure, uncovered_types

SOLUTIONS = Path(__file__).parents[1] / "solutions" / "cpp"
BANK = load_bank()
GIFT_CARDS = BANK[1]  # vector<int> payWithTwoCards(vector<int>& values, int target)
SOURCES = {path.stem: path.read_text() for path in sorted(SOLUTIONS.glob("*.cpp"))}
REFERENCES = [name for name in SOURCES if name.startswith("q")]
DECLARATION = "vector<int> payWithTwoCards(vector<int>& values, int target)"


class Job(NamedTuple):
    question: RunnableQuestion
    source: str
    mode: Mode
    # Built with a two-second compile budget, in a sandbox of its own: the compile bombs.
    quick: bool


JOBS: dict[str, Job] = {}


def job(
    name: str,
    source: str,
    mode: Mode = Mode.SUBMIT,
    question: RunnableQuestion = GIFT_CARDS,
    *,
    quick: bool = False,
) -> str:
    """Declares a run of the batch; returns its name, for the test to await."""
    JOBS[name] = Job(question, source, mode, quick)
    return name


def solution(body: str, before: str = "") -> str:
    """A payWithTwoCards that runs ``body`` first (from line 5, when ``before`` is one line),
    then answers right."""
    return f"""{before}
class Solution {{
public:
    {DECLARATION} {{
{body}
        for (int j = 1; j < (int)values.size(); j++)
            for (int i = 0; i < j; i++)
                if (values[i] + values[j] == target) return {{i, j}};
        return {{}};
    }}
}};
"""


class Runs:
    """The runs of JOBS, all started when the first is asked for; each awaited by its test."""

    def __init__(self, runners: dict[bool, Runner]) -> None:
        self._runners = runners
        self._started: dict[str, asyncio.Future[RunResult]] = {}

    async def result(self, name: str) -> RunResult:
        if not self._started:
            self._started = {
                key: asyncio.ensure_future(self._runners[quick].run(question, "cpp", source, mode))
                for key, (question, source, mode, quick) in JOBS.items()
            }
        return await self._started[name]

    async def close(self) -> None:
        """Stops the runs no test awaited (when some are deselected)."""
        for future in self._started.values():
            future.cancel()
        await asyncio.gather(*self._started.values(), return_exceptions=True)


@pytest.fixture(scope="module")
async def runs(sandbox: Sandbox, workspace: Workspace) -> AsyncIterator[Runs]:
    # The default limits (256 MB): the memory tests are about them.
    main = Runner(sandbox, workspace, Slots(2, 63200), RunLimits(), {"cpp": LANGUAGE})
    quick = Runner(
        sandbox, workspace, Slots(1, 63220), RunLimits(compile_cpu_seconds=2.0), {"cpp": LANGUAGE}
    )
    batch = Runs({False: main, True: quick})
    yield batch
    await batch.close()


# The references and the starters -------------------------------------------------------------

for _name in REFERENCES:
    job(_name, SOURCES[_name], question=BANK[int(_name[1:])])
for _question in BANK.values():
    job(f"starter-q{_question.id:03d}", starter(_question.signature), Mode.RUN, _question)

# Each return type's default as the starter returns it, in JSON.
DEFAULTS: dict[str, Any] = {"int": 0, "long": 0, "double": 0.0, "bool": False, "string": ""}


def default_of(kind: Type) -> Any:
    """What a starter's ``return {};`` (or 0, "", nullptr...) comes back as."""
    if kind.item is not None or kind.name in {"ListNode", "TreeNode"}:
        return []
    return DEFAULTS[kind.name]


def test_the_references_cover_every_type_of_the_bank() -> None:
    assert uncovered_types(BANK, REFERENCES) == set()
    assert len(REFERENCES) >= 12


@pytest.mark.parametrize("name", REFERENCES)
async def test_the_cpp_reference_passes_every_case(runs: Runs, name: str) -> None:
    result = await runs.result(name)
    assert_passes_every_case(result, BANK[int(name[1:])])


@pytest.mark.parametrize("question", BANK.values(), ids=lambda question: f"q{question.id:03d}")
async def test_the_starter_compiles_and_returns_its_default(
    runs: Runs, question: RunnableQuestion
) -> None:
    result = await runs.result(f"starter-q{question.id:03d}")
    assert result.verdict in {Verdict.ACCEPTED, Verdict.WRONG_ANSWER}, (
        result.compile_output or result.error
    )
    wanted = default_of(question.signature.returns)
    assert [case.output for case in result.cases] == [wanted] * len(question.public_cases)


def test_the_starter_declares_the_member_function_as_leetcode_does() -> None:
    assert f"    {DECLARATION} {{\n" in starter(GIFT_CARDS.signature)
    assert " * struct TreeNode {\n" in starter(BANK[6].signature)
    assert declaration(BANK[28].signature) == (
        "vector<vector<string>> groupAnagramShelves(vector<string>& words)"
    )


# Answers and prints ---------------------------------------------------------------------------

WRONG = job("wrong", SOURCES["wrong_q001"])


async def test_a_wrong_answer_fails_first_on_a_hidden_case(runs: Runs) -> None:
    result = await runs.result(WRONG)
    assert result.verdict is Verdict.WRONG_ANSWER
    assert [case.verdict for case in result.cases[:3]] == [Verdict.ACCEPTED] * 3
    failed = first_failure(result)
    assert failed.index == 3  # the first case whose pair is not its first two cards
    assert not failed.public
    assert failed.to_json().keys() == {"index", "public", "verdict", "ms"}
    assert result.error is None  # nothing of a hidden case is shown


# Unsynced from stdio (as many C++ solutions start), std::cout has a buffer of its own: both
# streams still land in their own case.
PRINTS = job(
    "prints",
    solution(
        '        printf("looking at %zu", values.size());\n'
        '        cout << " cards" << endl;\n'
        '        cerr << "not stdout";\n',
        before="static const int fast = [] { ios::sync_with_stdio(false); return 0; }();",
    ),
    Mode.RUN,
)


async def test_the_student_s_prints_show_in_their_public_case_however_written(runs: Runs) -> None:
    result = await runs.result(PRINTS)
    assert result.verdict is Verdict.ACCEPTED, result.error
    assert [case.stdout for case in result.cases] == [
        f"looking at {len(case.input['values'])} cards\n" for case in GIFT_CARDS.public_cases
    ]


TRAINS = BANK[5]  # ListNode* reverseTrain(ListNode* head)
CYCLE = job(
    "cycle",
    "class Solution {\npublic:\n    ListNode* reverseTrain(ListNode* head) {\n"
    "        ListNode* loop = new ListNode(1);\n        loop->next = loop;\n"
    "        return loop;\n    }\n};\n",
    Mode.RUN,
    TRAINS,
)


async def test_a_list_that_never_ends_is_a_wrong_answer_that_says_so(runs: Runs) -> None:
    result = await runs.result(CYCLE)
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.cases[0].error == "the returned list never ends (a cycle?)"


# Compile errors -----------------------------------------------------------------------------

UNDECLARED = job(
    "undeclared",
    f"class Solution {{\npublic:\n    {DECLARATION} {{\n        return noSuchName;\n    }}\n}};\n",
)


async def test_a_compile_error_names_the_student_s_file_and_line(runs: Runs) -> None:
    result = await runs.result(UNDECLARED)
    assert result.verdict is Verdict.COMPILE_ERROR
    assert "solution.cpp:4:16: error: 'noSuchName' was not declared" in (
        result.compile_output.replace("\u2018", "'").replace("\u2019", "'")
    )
    assert result.line == 4
    assert {case.verdict for case in result.cases} == {Verdict.NOT_RUN}


SHAPES = {
    "another-name": "public:\n    vector<int> twoSum(vector<int>& values, int target)",
    "another-parameter": (
        "public:\n    vector<int> payWithTwoCards(vector<long>& values, int target)"
    ),
    "another-result": "public:\n    string payWithTwoCards(vector<int>& values, int target)",
    "private": "    vector<int> payWithTwoCards(vector<int>& values, int target)",
}
for _shape, _member in SHAPES.items():
    job(_shape, f"class Solution {{\n{_member} {{ return {{}}; }}\n}};\n", Mode.RUN)


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_member_function_of_another_shape_is_a_compile_error_that_shows_the_expected_one(
    runs: Runs, shape: str
) -> None:
    result = await runs.result(shape)
    assert result.verdict is Verdict.COMPILE_ERROR
    assert f"needs class Solution with the public member function {DECLARATION}" in (
        result.compile_output
    )


NO_RETURN = job(
    "no-return",
    f"class Solution {{\npublic:\n    {DECLARATION} {{\n        values.clear();\n    }}\n}};\n",
)


async def test_a_missing_return_is_a_compile_error_at_its_line(runs: Runs) -> None:
    result = await runs.result(NO_RETURN)
    assert result.verdict is Verdict.COMPILE_ERROR
    assert "-Werror=return-type" in result.compile_output
    assert result.line == 5


# Runtime errors -------------------------------------------------------------------------------

# The second example has three cards: its crash is its own, the first one passed.
NULL_DEREFERENCE = job(
    "null-dereference",
    solution(
        '        printf("about to look\\n");\n'
        "        int* volatile nowhere = nullptr;\n"
        '        if (values.size() == 3) printf("%d\\n", *nowhere);\n'
    ),
)


async def test_a_null_dereference_is_a_runtime_error_on_its_case_at_the_student_s_line(
    runs: Runs,
) -> None:
    result = await runs.result(NULL_DEREFERENCE)
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.cases[0].verdict is Verdict.ACCEPTED
    crashed = result.cases[1]
    assert crashed.verdict is Verdict.RUNTIME_ERROR
    assert crashed.error == "Segmentation fault (SIGSEGV): a null pointer dereferenced"
    assert crashed.line == 7
    assert crashed.stdout == "about to look\n"
    assert {case.verdict for case in result.cases[2:]} == {Verdict.NOT_RUN}


OUT_OF_RANGE = job("out-of-range", solution("        values.at(values.size() + 3) = 1;"), Mode.RUN)
THROWN_TEXT = job("thrown-text", solution('        throw "no \\"cards\\"";'), Mode.RUN)


async def test_an_uncaught_exception_is_a_runtime_error_with_its_type_message_and_line(
    runs: Runs,
) -> None:
    failed = (await runs.result(OUT_OF_RANGE)).cases[0]
    assert failed.verdict is Verdict.RUNTIME_ERROR
    assert (failed.error or "").startswith(
        "uncaught exception std::out_of_range: vector::_M_range_check: __n (which is 7)"
    )
    assert failed.line == 5
    thrown = (await runs.result(THROWN_TEXT)).cases[0]
    assert thrown.error == 'uncaught exception char const*: no "cards"'
    assert thrown.line == 5


ENDINGS = {
    "division-by-zero": (
        "        volatile int zero = 0;\n        target /= zero;",
        "Floating point exception (SIGFPE): integer division by zero (or INT_MIN / -1)",
    ),
    "assert": ("        assert(values.size() > 9);", "assertion failed: values.size() > 9"),
    "abort": ("        if (target > -100) abort();", "Aborted (SIGABRT): abort() was called"),
    "exit": (
        '        cout << "leaving";\n        exit(3);',
        "the program ended during the case: exit(3) was called",
    ),
}
for _ending, (_body, _) in ENDINGS.items():
    job(_ending, solution(_body), Mode.RUN)


@pytest.mark.parametrize("ending", ENDINGS)
async def test_each_way_a_case_can_end_is_a_runtime_error_on_it_at_its_line(
    runs: Runs, ending: str
) -> None:
    body, error = ENDINGS[ending]
    result = await runs.result(ending)
    assert result.verdict is Verdict.RUNTIME_ERROR
    failed = first_failure(result)
    assert failed.index == 0
    assert (failed.error or "").startswith(error)
    assert failed.line == body.count("\n") + 5  # the body's last line
    assert result.error == failed.error
    assert {case.verdict for case in result.cases[1:]} == {Verdict.NOT_RUN}


GLOBAL = job(
    "global", solution("", before="vector<int> table(2);\nint first = table.at(4);"), Mode.RUN
)


async def test_a_global_that_fails_to_initialize_is_a_runtime_error_before_any_case(
    runs: Runs,
) -> None:
    result = await runs.result(GLOBAL)
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert "uncaught exception std::out_of_range" in (result.error or "")
    assert result.line == 2
    assert {case.verdict for case in result.cases} == {Verdict.NOT_RUN}


DOWN = (
    "static int down(int n, bool ends) {\n"
    "    volatile int local[16];\n"
    "    local[0] = n;\n"
    "    return ends && n == 0 ? 0 : down(n - 1, ends) + local[0];\n"
    "}"
)
DEEP = job("deep", solution("        down(200000, true);", before=DOWN), Mode.RUN)
ENDLESS = job("endless", solution("        down(0, false);", before=DOWN), Mode.RUN)


async def test_deep_recursion_is_the_student_s_right_and_endless_recursion_a_stack_overflow(
    runs: Runs,
) -> None:
    deep = await runs.result(DEEP)
    assert deep.verdict is Verdict.ACCEPTED, deep.error
    endless = (await runs.result(ENDLESS)).cases[0]
    assert endless.verdict is Verdict.RUNTIME_ERROR
    assert endless.error == "Segmentation fault (SIGSEGV): stack overflow (recursion too deep?)"
    assert endless.line in range(1, 5)  # one of down's


# Limits ---------------------------------------------------------------------------------------

# A shorter limit than the question's, for a shorter test.
QUICK_CARDS = dataclasses.replace(GIFT_CARDS, time_limit_ms=500)
ENDLESS_LOOP = job(
    "endless-loop",
    solution("        volatile long spins = 0;\n        for (;;) spins++;"),
    question=QUICK_CARDS,
)


async def test_an_endless_loop_is_a_time_limit_on_the_case_that_never_returned(
    runs: Runs,
) -> None:
    result = await runs.result(ENDLESS_LOOP)
    assert result.verdict is Verdict.TIME_LIMIT
    assert first_failure(result).index == 0
    assert result.cpu_ms <= QUICK_CARDS.time_limit_ms * LANGUAGE.factor * 1.1 + 100


HOGS = {
    # Taken and touched: the control group's limit.
    "touched": "        vector<vector<char>> hoard;\n"
    "        for (int k = 0; k < 2048; k++) hoard.emplace_back(1 << 20, 'x');",
    # Refused by the allocator: std::bad_alloc, which nothing catches here.
    "bad-alloc": "        vector<long long> huge(1LL << 40);",
}
for _hog, _body in HOGS.items():
    job(_hog, solution(_body))


@pytest.mark.parametrize("hog", HOGS)
async def test_allocating_two_gigabytes_and_more_is_a_memory_limit(runs: Runs, hog: str) -> None:
    result = await runs.result(hog)
    assert result.verdict is Verdict.MEMORY_LIMIT
    assert first_failure(result).index == 0
    assert result.memory_bytes <= RunLimits().memory_bytes


FLOOD = job("flood", solution('        for (;;) cout << "flooding the pipe" << "\\n";'))


async def test_an_output_flood_is_an_output_limit(runs: Runs) -> None:
    result = await runs.result(FLOOD)
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert first_failure(result).index == 0
    assert result.wall_ms < 2000


# Compile bombs: each before a right answer, so only the bomb can fail the build ---------------

REFUSED = {Verdict.COMPILE_ERROR, Verdict.TIME_LIMIT}
BOMBS = {
    "template-recursion": (
        "template <int N> struct Deeper { static const int value = Deeper<N + 1>::value; };\n"
        "int bottom = Deeper<0>::value;\n",
        REFUSED,
    ),
    # Forty billion steps of constant evaluation: g++ gives up only long after its budget.
    "constexpr-spin": (
        "constexpr long spin() {\n"
        "    long sum = 0;\n"
        "    for (long i = 0; i < 200000; i++)\n"
        "        for (long j = 0; j < 200000; j++) sum += i ^ j;\n"
        "    return sum;\n"
        "}\n"
        "constexpr long spun = spin();\n",
        REFUSED,
    ),
    "include-dev-random": ('#include "/dev/random"\n', REFUSED),
    # Four terabytes of zeroes cost nothing until touched: it builds and runs (or the linker
    # refuses it).
    "huge-bss": (
        "static char big[1ULL << 42];\nint peek() { return big[7]; }\n",
        {Verdict.ACCEPTED, *REFUSED},
    ),
    # An initialized one is written out: a gigabyte object file, past the file size limit.
    "huge-data": ("int filled[1 << 28] = {1};\n", REFUSED),
}
for _bomb, (_bomb_source, _verdicts) in BOMBS.items():
    job(_bomb, _bomb_source + SOURCES["q001"], Mode.RUN, quick=True)
AFTER_THE_BOMBS = job("after-the-bombs", SOURCES["q001"], Mode.RUN, quick=True)


@pytest.mark.parametrize("bomb", BOMBS)
async def test_a_compile_bomb_is_contained(runs: Runs, bomb: str) -> None:
    result = await runs.result(bomb)
    assert result.verdict in BOMBS[bomb][1], result.compile_output[-500:]
    assert len(result.compile_output) <= 64 * 1024


async def test_after_the_compile_bombs_the_executor_carries_on(runs: Runs) -> None:
    # The same sandbox slot, after all of them.
    result = await runs.result(AFTER_THE_BOMBS)
    assert result.verdict is Verdict.ACCEPTED, result.compile_output
