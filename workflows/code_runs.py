"""Messages of a room's code runs: the web tier's request to the session, the session's activity
on the executors' task queue, and the answers a run can have without reaching an executor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RUN_CODE = "run_code"
MODES = ("run", "submit")


@dataclass(frozen=True, slots=True)
class CodeRunRequest:
    """Web → session (the ``run_code`` update): a member pressed Run or Submit."""

    run_id: str
    user_id: str
    mode: str
    language: str
    source: str
    # SHA-256 of the source: the exact revision of the document that was run.
    source_hash: str


@dataclass(frozen=True, slots=True)
class RunCodeInput:
    """Session → executor: what to run, for which question and room."""

    run_id: str
    room_id: str
    question_id: int
    user_id: str
    mode: str
    language: str
    source: str
    source_hash: str


def unrun(verdict: str, mode: str, language: str, error: str) -> dict[str, Any]:
    """The result of a run that no executor judged (Busy, or an executor's failure)."""
    return {
        "verdict": verdict,
        "language": language,
        "mode": mode,
        "passed": 0,
        "total": 0,
        "cpuMs": 0.0,
        "wallMs": 0.0,
        "memoryBytes": 0,
        "compileOutput": "",
        "error": error,
        "line": None,
        "limits": {},
        "cases": [],
    }
