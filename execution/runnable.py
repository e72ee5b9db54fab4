"""A question made runnable: its signature, its comparison rule and its test cases, read from
``storage/question_bank/runnable/q<id>.json`` (see docs/runnable-questions.md) and checked."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from execution.compare import Comparison
from execution.signature import Signature, SignatureError

DEFAULT_TIME_LIMIT_MS = 2000
MAX_TIME_LIMIT_MS = 10_000
MAX_CASES = 200
MIN_HIDDEN_CASES = 10


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
        if not isinstance(data, dict):
            raise SignatureError("a runnable question is a JSON object")
        question_id = data.get("id")
        if isinstance(question_id, bool) or not isinstance(question_id, int) or question_id < 1:
            raise SignatureError("id: a positive integer")
        signature = Signature.from_json(data.get("signature"))
        comparison = Comparison.from_json(data.get("comparison", {"rule": "exact"}))
        limit = data.get("time_limit_ms", DEFAULT_TIME_LIMIT_MS)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise SignatureError("time_limit_ms: an integer")
        if not 100 <= limit <= MAX_TIME_LIMIT_MS:
            raise SignatureError(f"time_limit_ms: between 100 and {MAX_TIME_LIMIT_MS}")
        raw_cases = data.get("cases")
        if not isinstance(raw_cases, list) or not 1 <= len(raw_cases) <= MAX_CASES:
            raise SignatureError(f"cases: a list of 1 to {MAX_CASES} cases")
        cases = []
        for index, raw in enumerate(raw_cases):
            where = f"cases[{index}]"
            if not isinstance(raw, dict) or "input" not in raw or "output" not in raw:
                raise SignatureError(f"{where}: an object with input and output")
            signature.check_input(raw["input"], f"{where}.input")
            comparison.check_expected(signature.returns, raw["output"], f"{where}.output")
            public = raw.get("public", False)
            if not isinstance(public, bool):
                raise SignatureError(f"{where}.public: true or false")
            cases.append(Case(raw["input"], raw["output"], public))
        if not any(case.public for case in cases):
            raise SignatureError("cases: at least one public case (the examples)")
        return cls(question_id, signature, comparison, limit, tuple(cases))


def bank_folder() -> Path:
    return Path(str(resources.files("storage") / "question_bank" / "runnable"))


@functools.cache
def shipped_bank() -> dict[int, RunnableQuestion]:
    """The bank PeerPrep ships with, read once per process."""
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
