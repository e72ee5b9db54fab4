"""What the execution tests ask of a run's result and of a language's reference solutions."""

from __future__ import annotations

from collections.abc import Iterable

from execution.runnable import RunnableQuestion
from execution.runner import CaseResult, RunResult, Verdict
from execution.signature import Signature

# The interpreter the sandbox tests start directly, without a language's driver.
PYTHON = "/usr/bin/python3"


def first_failure(result: RunResult) -> CaseResult:
    """The first case that was not Accepted."""
    return next(case for case in result.cases if case.verdict is not Verdict.ACCEPTED)


def assert_passes_every_case(result: RunResult, question: RunnableQuestion) -> None:
    """A reference's run: Accepted on every case of its question (the first failing one, the
    error and the compiler's output in the message otherwise)."""
    failing = [case for case in result.cases if case.verdict is not Verdict.ACCEPTED]
    assert result.verdict is Verdict.ACCEPTED, (result.error, result.compile_output, failing[:1])
    assert result.passed == result.total == len(question.cases)


def _roles(signature: Signature) -> set[tuple[str, str]]:
    return {("returns", str(signature.returns))} | {
        ("param", str(param.type)) for param in signature.params
    }


def uncovered_types(bank: dict[int, RunnableQuestion], references: Iterable[str]) -> set[str]:
    """Each (role, type) of the bank's signatures that no reference (``q<id>``) exercises."""
    used = set().union(*(_roles(question.signature) for question in bank.values()))
    covered = set().union(*(_roles(bank[int(name[1:])].signature) for name in references))
    return {f"{role} {kind}" for role, kind in used - covered}
