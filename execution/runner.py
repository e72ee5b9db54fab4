"""One run of a pair's code: build it and call it on the question's cases in fresh sandboxes,
then judge each case outside the sandbox.

A run takes one of the executor's slots (its own uid, so runs cannot see each other) for its
whole length. The student's failures are results (a verdict); only a sandbox that cannot be set
up raises, for the activity to retry elsewhere.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from execution.languages import LANGUAGES, Language
from execution.runnable import Case, RunnableQuestion
from execution.sandbox import Identity, Limits, Outcome, Sandbox
from execution.workspace import Workspace

MAX_SOURCE_BYTES = 64 * 1024
STDOUT_PER_CASE = 2000
ERROR_CHARS = 2000


class Verdict(StrEnum):
    ACCEPTED = "Accepted"
    WRONG_ANSWER = "Wrong Answer"
    COMPILE_ERROR = "Compile Error"
    RUNTIME_ERROR = "Runtime Error"
    TIME_LIMIT = "Time Limit"
    MEMORY_LIMIT = "Memory Limit"
    OUTPUT_LIMIT = "Output Limit"
    INTERNAL_ERROR = "Internal Error"
    BUSY = "Busy"
    NOT_RUN = "Not Run"


class Mode(StrEnum):
    RUN = "run"  # the public examples
    SUBMIT = "submit"  # every case


@dataclass(frozen=True, slots=True)
class RunLimits:
    """The executor's limits; the CPU limit itself is the question's, times the language's."""

    memory_bytes: int = 256 * 1024 * 1024
    processes: int = 64
    open_files: int = 128
    file_bytes: int = 16 * 1024 * 1024
    output_bytes: int = 64 * 1024
    tmp_bytes: int = 16 * 1024 * 1024
    # Wall time is CPU time times this, plus the grace: a program that sleeps is stopped too.
    wall_factor: float = 2.0
    wall_grace_seconds: float = 2.0
    # Compilers get their own budget: javac and g++ need more than the programs they build.
    compile_cpu_seconds: float = 10.0
    compile_memory_bytes: int = 768 * 1024 * 1024

    def for_compile(self) -> Limits:
        return dataclasses.replace(
            self.for_run(self.compile_cpu_seconds), memory_bytes=self.compile_memory_bytes
        )

    def for_run(self, cpu_seconds: float) -> Limits:
        return Limits(
            cpu_seconds=cpu_seconds,
            wall_seconds=cpu_seconds * self.wall_factor + self.wall_grace_seconds,
            memory_bytes=self.memory_bytes,
            processes=self.processes,
            open_files=self.open_files,
            file_bytes=self.file_bytes,
            output_bytes=self.output_bytes,
            tmp_bytes=self.tmp_bytes,
        )


@dataclass(frozen=True, slots=True)
class CaseResult:
    index: int
    public: bool
    verdict: Verdict
    ms: float | None = None
    # Public cases only: what went in, what was expected, what came out, what it printed.
    input: dict[str, Any] | None = None
    expected: Any = None
    output: Any = None
    stdout: str | None = None
    error: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "index": self.index,
            "public": self.public,
            "verdict": str(self.verdict),
            "ms": None if self.ms is None else round(self.ms, 3),
        }
        if self.public:
            data |= {
                "input": self.input,
                "expected": self.expected,
                "output": self.output,
                "stdout": self.stdout,
                "error": self.error,
                "line": self.line,
            }
        return data


@dataclass(frozen=True, slots=True)
class RunResult:
    verdict: Verdict
    language: str
    mode: Mode
    cases: tuple[CaseResult, ...]
    passed: int
    total: int
    cpu_ms: float = 0.0
    wall_ms: float = 0.0
    memory_bytes: int = 0
    compile_output: str = ""
    error: str | None = None
    line: int | None = None
    limits: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "language": self.language,
            "mode": str(self.mode),
            "passed": self.passed,
            "total": self.total,
            "cpuMs": round(self.cpu_ms, 1),
            "wallMs": round(self.wall_ms, 1),
            "memoryBytes": self.memory_bytes,
            "compileOutput": self.compile_output,
            "error": self.error,
            "line": self.line,
            "limits": self.limits,
            "cases": [case.to_json() for case in self.cases],
        }


CaseListener = Callable[[CaseResult], Awaitable[None]]


class Slots:
    """The executor's sandboxes in flight, each with its own uid."""

    def __init__(self, count: int, first_uid: int) -> None:
        self.count = count
        self._free: asyncio.Queue[Identity] = asyncio.Queue()
        for slot in range(count):
            self._free.put_nowait(Identity(first_uid + slot, first_uid + slot))
        self.in_use = 0
        # The most sandboxes this executor has had in flight at once.
        self.peak = 0

    async def take(self) -> Identity:
        identity = await self._free.get()
        self.in_use += 1
        self.peak = max(self.peak, self.in_use)
        return identity

    def give_back(self, identity: Identity) -> None:
        self.in_use -= 1
        self._free.put_nowait(identity)


class Runner:
    def __init__(
        self,
        sandbox: Sandbox,
        workspace: Workspace,
        slots: Slots,
        limits: RunLimits | None = None,
        languages: dict[str, Language] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        self.slots = slots
        self.limits = limits or RunLimits()
        self.languages = languages or LANGUAGES

    async def run(
        self,
        question: RunnableQuestion,
        language_name: str,
        source: str,
        mode: Mode,
        on_case: CaseListener | None = None,
    ) -> RunResult:
        language = self.languages.get(language_name)
        cases = question.cases if mode is Mode.SUBMIT else question.public_cases
        if language is None:
            return self._refused(language_name, mode, cases, f"{language_name} cannot be run")
        data = source.encode("utf-8", "replace")
        if len(data) > MAX_SOURCE_BYTES:
            message = f"the code is over {MAX_SOURCE_BYTES // 1024} KiB"
            return self._refused(language_name, mode, cases, message)
        identity = await self.slots.take()
        box = self.workspace.create(identity)
        try:
            return await self._run(question, language, data, mode, cases, identity, box, on_case)
        finally:
            await asyncio.to_thread(self.workspace.remove, box)
            self.slots.give_back(identity)

    async def _run(
        self,
        question: RunnableQuestion,
        language: Language,
        source: bytes,
        mode: Mode,
        cases: tuple[Case, ...],
        identity: Identity,
        box: Any,
        on_case: CaseListener | None,
    ) -> RunResult:
        cpu_seconds = question.time_limit_ms / 1000 * language.factor
        limits = self.limits.for_run(cpu_seconds)
        Workspace.write(box, language.solution_file, source)
        for name, contents in language.files(question.signature).items():
            Workspace.write(box, name, contents)
        job = {
            "function": question.signature.function,
            "params": [
                {"name": param.name, "type": str(param.type)} for param in question.signature.params
            ],
            "returns": str(question.signature.returns),
            "cases": [case.input for case in cases],
        }
        stdin = Workspace.write(box, "job.json", json.dumps(job).encode())
        compile_output = ""
        if language.compile is not None:
            # The build gets the same limits, and its own sandbox: what it leaves in /box is
            # all the run sees of it.
            built = await self.sandbox.run(
                self._filled(language.compile, limits),
                box=box,
                limits=self.limits.for_compile(),
                identity=identity,
                writable_box=True,
            )
            compile_output = _text(built.stderr or built.stdout)
            if not built.ok:
                # A compiler that says too much has still said no: that is a compile error.
                limit = None if built.output_exceeded else _limit_verdict(built)
                refused = self._refused(
                    language.name,
                    mode,
                    cases,
                    compile_output,
                    limit or Verdict.COMPILE_ERROR,
                    compile_output,
                )
                return dataclasses.replace(
                    refused, line=_first_line(compile_output, language.solution_file)
                )
        outcome = await self.sandbox.run(
            self._filled(language.run, limits),
            box=box,
            limits=limits,
            identity=identity,
            stdin=stdin,
            report_fd_arg="--reports",
        )
        return await self._judge(question, language, mode, cases, outcome, limits, on_case)

    async def _judge(
        self,
        question: RunnableQuestion,
        language: Language,
        mode: Mode,
        cases: tuple[Case, ...],
        outcome: Outcome,
        limits: Limits,
        on_case: CaseListener | None,
    ) -> RunResult:
        reports = _reports(outcome.reports)
        stderr = _text(outcome.stderr)
        if any(marker in stderr for marker in language.memory_markers):
            outcome = dataclasses.replace(outcome, memory_exceeded=True)
        summary = {
            "cpuSeconds": limits.cpu_seconds,
            "wallSeconds": limits.wall_seconds,
            "memoryBytes": limits.memory_bytes,
        }
        base = RunResult(
            verdict=Verdict.ACCEPTED,
            language=language.name,
            mode=mode,
            cases=(),
            passed=0,
            total=len(cases),
            cpu_ms=outcome.cpu_seconds * 1000,
            wall_ms=outcome.wall_seconds * 1000,
            memory_bytes=outcome.memory_peak,
            limits=summary,
        )
        limit = _limit_verdict(outcome)
        loaded = next((r for r in reports if r.get("event") in {"ready", "load_error"}), None)
        if loaded is None or loaded["event"] == "load_error":
            if loaded is None:
                verdict = limit or Verdict.RUNTIME_ERROR
                error = _text(outcome.stderr) or "the program ended before it could be called"
                line = None
            else:
                kind = loaded.get("kind")
                verdict = Verdict.COMPILE_ERROR if kind == "compile" else Verdict.RUNTIME_ERROR
                error, line = str(loaded.get("error", ""))[:ERROR_CHARS], _int(loaded.get("line"))
            return dataclasses.replace(
                base,
                verdict=verdict,
                cases=tuple(_not_run(cases, 0)),
                compile_output=error if verdict is Verdict.COMPILE_ERROR else "",
                error=error,
                line=line,
            )
        ends = {
            report["case"]: report
            for report in reports
            if report.get("event") in {"done", "error"} and isinstance(report.get("case"), int)
        }
        started = {r["case"] for r in reports if r.get("event") == "start"}
        results: list[CaseResult] = []
        verdict = Verdict.ACCEPTED
        for index, case in enumerate(cases):
            end = ends.get(index)
            if end is None:
                if index in started or verdict is Verdict.ACCEPTED:
                    # The case that started and never reported hit the limit that ended it.
                    failed = limit or Verdict.RUNTIME_ERROR
                    crash = None if limit else _crash(outcome)
                    result = _result(index, case, failed, None, error=crash)
                    results.append(result)
                    if on_case:
                        await on_case(result)
                    if verdict is Verdict.ACCEPTED:
                        verdict = failed
                    index += 1
                results += _not_run(cases[index:], index)
                break
            result = self._case(question, index, case, end, outcome)
            results.append(result)
            if on_case:
                await on_case(result)
            if result.verdict is not Verdict.ACCEPTED and verdict is Verdict.ACCEPTED:
                verdict = result.verdict
        if verdict is Verdict.ACCEPTED and limit:
            verdict = limit  # every case answered, then the program ran on past a limit
        passed = sum(result.verdict is Verdict.ACCEPTED for result in results)
        failing = next((r for r in results if r.verdict is not Verdict.ACCEPTED), None)
        return dataclasses.replace(
            base,
            verdict=verdict,
            cases=tuple(results),
            passed=passed,
            error=failing.error if failing and failing.public else None,
            line=failing.line if failing and failing.public else None,
        )

    @staticmethod
    def _filled(command: tuple[str, ...], limits: Limits) -> list[str]:
        memory_mb = limits.memory_bytes // (1024 * 1024)
        return [part.format(memory_mb=memory_mb, heap_mb=memory_mb // 2) for part in command]

    @staticmethod
    def _case(
        question: RunnableQuestion,
        index: int,
        case: Case,
        end: dict[str, Any],
        outcome: Outcome,
    ) -> CaseResult:
        ms = end.get("ms") if isinstance(end.get("ms"), int | float) else None
        stdout = _slice(outcome.stdout, end.get("out"))
        if end["event"] == "error" and end.get("limit") == "memory":
            # The runtime's own heap ran out (Java's OutOfMemoryError, say): a memory limit.
            return _result(index, case, Verdict.MEMORY_LIMIT, ms, stdout=stdout)
        if end["event"] == "error":
            return _result(
                index,
                case,
                Verdict.RUNTIME_ERROR,
                ms,
                error=str(end.get("error", ""))[:ERROR_CHARS],
                line=_int(end.get("line")),
                stdout=stdout,
            )
        if "invalid" in end:
            return _result(
                index, case, Verdict.WRONG_ANSWER, ms, error=str(end["invalid"]), stdout=stdout
            )
        output = end.get("output")
        right = question.comparison.matches(
            question.signature.returns, case.input, case.output, output
        )
        verdict = Verdict.ACCEPTED if right else Verdict.WRONG_ANSWER
        return _result(index, case, verdict, ms, output=output, stdout=stdout)

    @staticmethod
    def _refused(
        language: str,
        mode: Mode,
        cases: tuple[Case, ...],
        error: str,
        verdict: Verdict = Verdict.COMPILE_ERROR,
        compile_output: str = "",
    ) -> RunResult:
        return RunResult(
            verdict=verdict,
            language=language,
            mode=mode,
            cases=tuple(_not_run(cases, 0)),
            passed=0,
            total=len(cases),
            compile_output=compile_output,
            error=error,
        )


def _result(
    index: int,
    case: Case,
    verdict: Verdict,
    ms: float | None,
    *,
    output: Any = None,
    stdout: str | None = None,
    error: str | None = None,
    line: int | None = None,
) -> CaseResult:
    if not case.public:
        return CaseResult(index, False, verdict, ms)
    return CaseResult(
        index,
        True,
        verdict,
        ms,
        input=case.input,
        expected=case.output,
        output=output,
        stdout=stdout,
        error=error,
        line=line,
    )


def _not_run(cases: tuple[Case, ...], first: int) -> list[CaseResult]:
    return [
        _result(first + offset, case, Verdict.NOT_RUN, None) for offset, case in enumerate(cases)
    ]


def _limit_verdict(outcome: Outcome) -> Verdict | None:
    if outcome.memory_exceeded:
        return Verdict.MEMORY_LIMIT
    if outcome.output_exceeded:
        return Verdict.OUTPUT_LIMIT
    if outcome.cpu_exceeded or outcome.wall_exceeded:
        return Verdict.TIME_LIMIT
    return None


def _crash(outcome: Outcome) -> str:
    tail = _text(outcome.stderr)[-ERROR_CHARS:]
    if outcome.signal:
        return f"killed by signal {outcome.signal}" + (f": {tail}" if tail else "")
    return tail or f"the program exited with code {outcome.exit_code}"


def _reports(data: bytes) -> list[dict[str, Any]]:
    found = []
    for line in data.splitlines():
        try:
            report = json.loads(line)
        except ValueError:
            continue
        if isinstance(report, dict):
            found.append(report)
    return found


def _slice(stdout: bytes, span: Any) -> str | None:
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) for n in span)):
        return None
    start, end = span
    return _text(stdout[start:end][:STDOUT_PER_CASE])


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _first_line(output: str, solution_file: str) -> int | None:
    """The first line of the student's file a compiler's message names (``solution.c:4:``)."""
    found = re.search(rf"(?:^|[\s/]){re.escape(solution_file)}:(\d+)", output)
    return int(found.group(1)) if found else None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
