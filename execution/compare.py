"""Whether a program's output answers a case: the comparison rules of runnable questions.

Runs in the executor, outside the sandbox: the expected outputs never enter it.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from execution.signature import SignatureError, Type, check_value

log = logging.getLogger(__name__)

RULES = ("exact", "unordered", "unordered_nested", "float", "checker")
DEFAULT_TOLERANCE = 1e-6
# Named judges for questions whose valid answers differ by more than an order; each gets the
# case's input, the expected output and the program's output (JSON values) and never raises.
CHECKERS: dict[str, Callable[[dict[str, Any], Any, Any], bool]] = {}


@dataclass(frozen=True, slots=True)
class Comparison:
    rule: str = "exact"
    tolerance: float = DEFAULT_TOLERANCE
    checker: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Comparison:
        if not isinstance(data, dict) or data.get("rule") not in RULES:
            raise SignatureError(f"comparison: an object whose rule is one of {', '.join(RULES)}")
        rule = data["rule"]
        tolerance = data.get("tolerance", DEFAULT_TOLERANCE)
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
            raise SignatureError("comparison.tolerance: a number")
        if not 0 < tolerance < 1:
            raise SignatureError("comparison.tolerance: between 0 and 1")
        name = data.get("name")
        if rule == "checker" and name not in CHECKERS:
            raise SignatureError(f"comparison.name: no checker is named {name!r}")
        return cls(rule, float(tolerance), name if rule == "checker" else None)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule}
        if self.rule == "float":
            data["tolerance"] = self.tolerance
        if self.checker:
            data["name"] = self.checker
        return data

    def check_expected(self, returns: Type, value: Any, where: str) -> None:
        check_value(returns, value, where)
        if self.rule in {"unordered", "unordered_nested"} and returns.name != "list":
            raise SignatureError(f"comparison: {self.rule} needs a list return type")
        if self.rule == "unordered_nested" and (returns.item is None or returns.item.depth < 1):
            raise SignatureError("comparison: unordered_nested needs a list of lists")

    def matches(self, returns: Type, inputs: dict[str, Any], expected: Any, actual: Any) -> bool:
        try:
            check_value(returns, actual)
        except SignatureError:
            return False
        if self.rule == "exact":
            return _same(expected, actual)
        if self.rule == "unordered":
            return _bag(expected) == _bag(actual)
        if self.rule == "unordered_nested":
            return _bag([_bag(item) for item in expected]) == _bag([_bag(item) for item in actual])
        if self.rule == "float":
            return _close(expected, actual, self.tolerance)
        assert self.checker is not None
        try:
            return CHECKERS[self.checker](inputs, expected, actual) is True
        except Exception:
            # A checker's bug must not pass or crash a run: the answer is "no", and it is ours.
            log.exception("checker %s failed on a case", self.checker)
            return False


def _same(expected: Any, actual: Any) -> bool:
    # JSON equality, where True is not 1 (Python's == says it is).
    return json.dumps(expected, sort_keys=True) == json.dumps(actual, sort_keys=True)


def _bag(values: list[Any]) -> Counter[str]:
    return Counter(json.dumps(value, sort_keys=True) for value in values)


def _close(expected: Any, actual: Any, tolerance: float) -> bool:
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_close(e, a, tolerance) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=tolerance, abs_tol=tolerance)
    return bool(expected == actual)
