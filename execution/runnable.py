"""A question made runnable: its signature, its comparison rule and its test cases, checked.

The shipped bank's are read from ``storage/question_bank/runnable/q<id>.json`` when the bank is
seeded (see docs/runnable-questions.md). SQL holds every question's
(``storage.runnable_questions``) in the form :meth:`RunnableQuestion.content` gives: without the
id, which is the question's.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from execution.compare import Comparison
from execution.signature import Signature, SignatureError, parse_type

DEFAULT_TIME_LIMIT_MS = 2000
MAX_TIME_LIMIT_MS = 10_000
MAX_CASES = 200
MIN_HIDDEN_CASES = 10
# The whole of a question's runnable data as compact JSON: five times the largest the bank ships
# (its stress cases), and what every run of the question reads from SQL.
MAX_RUNNABLE_BYTES = 2 * 1024 * 1024
# The public cases together: each run hands them in full to both members, through the session's
# history and into the stored run, so they stay the size of examples.
MAX_PUBLIC_BYTES = 64 * 1024

_FIELDS = {"signature", "comparison", "time_limit_ms", "cases"}
_CASE_FIELDS = {"input", "output", "public"}
_SIGNATURE_FIELDS = {"function", "params", "returns"}
_PARAM_FIELDS = {"name", "type"}
_COMPARISON_FIELDS = {"rule", "tolerance", "name"}
# The start of a message of the signature and comparison checks that names where it is.
_PATH = re.compile(r"^([a-z_][a-z0-9_]*(\[\d+\])*)(\.[a-z_][a-z0-9_]*(\[\d+\])*)*$")


class RunnableError(SignatureError):
    """Runnable data that does not hold, and where: ``field`` is its path in the data
    (``cases[3].output``; empty for the whole), ``problem`` what is wrong there."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Case:
    input: dict[str, Any]
    output: Any
    public: bool


@dataclass(frozen=True, slots=True)
class RunnableQuestion:
    id: int
    signature: Signature
    comparison: Comparison
    time_limit_ms: int
    cases: tuple[Case, ...]

    @property
    def public_cases(self) -> tuple[Case, ...]:
        return tuple(case for case in self.cases if case.public)

    @classmethod
    def from_json(cls, data: Any) -> RunnableQuestion:
        """A runnable question as a bank file holds it: its ``id`` and its content."""
        if not isinstance(data, dict):
            raise RunnableError("", "a runnable question is a JSON object")
        question_id = data.get("id")
        if isinstance(question_id, bool) or not isinstance(question_id, int) or question_id < 1:
            raise RunnableError("id", "a positive integer")
        return cls.from_content(question_id, {key: data[key] for key in data if key != "id"})

    @classmethod
    def from_content(cls, question_id: int, data: Any) -> RunnableQuestion:
        """Question ``question_id``'s runnable data as SQL and the admin API hold it (no id);
        :class:`RunnableError` names the first field that does not hold."""
        signature, comparison, limit, cases = _checked(data)
        return cls(question_id, signature, comparison, limit, cases)

    def content(self) -> dict[str, Any]:
        """The data in its normal form (defaults filled in, every case's ``public`` given)."""
        return {
            "signature": self.signature.to_json(),
            "comparison": self.comparison.to_json(),
            "time_limit_ms": self.time_limit_ms,
            "cases": [
                {"input": case.input, "output": case.output, "public": case.public}
                for case in self.cases
            ],
        }


def checked_content(data: Any) -> dict[str, Any]:
    """``data`` checked as any question's runnable data, in its normal form: for data whose
    question has no id yet (an admin's new question)."""
    signature, comparison, limit, cases = _checked(data)
    return RunnableQuestion(0, signature, comparison, limit, cases).content()


def _checked(data: Any) -> tuple[Signature, Comparison, int, tuple[Case, ...]]:
    if not isinstance(data, dict):
        raise RunnableError("", "runnable data is a JSON object")
    _only(data, _FIELDS, "")
    signature = _signature(data.get("signature"))
    raw_comparison = data.get("comparison", {"rule": "exact"})
    if isinstance(raw_comparison, dict):
        _only(raw_comparison, _COMPARISON_FIELDS, "comparison")
    with _at("comparison"):
        comparison = Comparison.from_json(raw_comparison)
    limit = data.get("time_limit_ms", DEFAULT_TIME_LIMIT_MS)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise RunnableError("time_limit_ms", "an integer")
    if not 100 <= limit <= MAX_TIME_LIMIT_MS:
        raise RunnableError("time_limit_ms", f"between 100 and {MAX_TIME_LIMIT_MS}")
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not 1 <= len(raw_cases) <= MAX_CASES:
        raise RunnableError("cases", f"a list of 1 to {MAX_CASES} cases")
    if len(json.dumps(raw_cases, separators=(",", ":"))) > MAX_RUNNABLE_BYTES:
        raise RunnableError("cases", f"at most {MAX_RUNNABLE_BYTES} bytes of JSON together")
    cases = []
    public_size = 0
    for index, raw in enumerate(raw_cases):
        where = f"cases[{index}]"
        if not isinstance(raw, dict) or "input" not in raw or "output" not in raw:
            raise RunnableError(where, "an object with input and output")
        _only(raw, _CASE_FIELDS, where)
        with _at(f"{where}.input"):
            signature.check_input(raw["input"], f"{where}.input")
        with _at(f"{where}.output"):
            comparison.check_expected(signature.returns, raw["output"], f"{where}.output")
        public = raw.get("public", False)
        if not isinstance(public, bool):
            raise RunnableError(f"{where}.public", "true or false")
        if public:
            public_size += len(json.dumps(raw, separators=(",", ":")))
            if public_size > MAX_PUBLIC_BYTES:
                raise RunnableError(
                    where,
                    f"the public cases hold at most {MAX_PUBLIC_BYTES} bytes of JSON together "
                    "(every run shows them in full)",
                )
        cases.append(Case(raw["input"], raw["output"], public))
    if not any(case.public for case in cases):
        raise RunnableError("cases", "at least one public case (the examples)")
    return signature, comparison, limit, tuple(cases)


def _only(data: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse a field nobody reads: a misspelt one would otherwise pass as its default."""
    for key in data:
        if key not in allowed:
            field = f"{where}.{key}" if where else str(key)
            problem = "comes from the question, not its runnable data" if key == "id" else None
            raise RunnableError(
                field, problem or f"not a field here (the fields are {', '.join(sorted(allowed))})"
            )


def _signature(raw: Any) -> Signature:
    if not isinstance(raw, dict):
        raise RunnableError("signature", "an object with function, params and returns")
    _only(raw, _SIGNATURE_FIELDS, "signature")
    params = raw.get("params")
    # Types are parsed without knowing where they sit: each is tried here, where the path is known.
    for index, item in enumerate(params if isinstance(params, list) else []):
        if isinstance(item, dict):
            _only(item, _PARAM_FIELDS, f"signature.params[{index}]")
            with _at(f"signature.params[{index}].type"):
                parse_type(item.get("type"))
    with _at("signature.returns"):
        parse_type(raw.get("returns"))
    with _at("signature"):
        signature = Signature.from_json(raw)
    return signature


@contextlib.contextmanager
def _at(where: str) -> Iterator[None]:
    """A failed check of the signature and comparison modules as a :class:`RunnableError` at
    the path its message names, or else at ``where``."""
    try:
        yield
    except SignatureError as error:
        message = str(error)
        path, separator, problem = message.partition(": ")
        if separator and _PATH.match(path):
            raise RunnableError(path, problem) from None
        raise RunnableError(where, message) from None


def bank_folder() -> Path:
    return Path(str(resources.files("storage") / "question_bank" / "runnable"))


@functools.cache
def shipped_bank() -> dict[int, RunnableQuestion]:
    """The bank PeerPrep ships with, read once per process (for tests and tools: the running
    system reads SQL)."""
    return load_bank()


def load_bank(folder: Path | None = None) -> dict[int, RunnableQuestion]:
    """Every runnable question of the bank, by id; a file that does not hold is an error."""
    found: dict[int, RunnableQuestion] = {}
    for path in sorted((folder or bank_folder()).glob("q*.json")):
        try:
            question = RunnableQuestion.from_json(json.loads(path.read_text()))
        except (ValueError, SignatureError) as error:
            raise SignatureError(f"{path.name}: {error}") from error
        if path.stem != f"q{question.id:03d}":
            raise SignatureError(f"{path.name}: holds question {question.id}")
        found[question.id] = question
    return found
