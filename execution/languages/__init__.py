"""The languages a room can run, one module each: where the student's file goes, the trusted
driver files written beside it (generated from the question's signature where the language is
typed), how they are built and started, the starter code, and the factor on the question's CPU
time limit (a question's limit is C's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from execution.signature import Signature


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    solution_file: str
    # The command that starts the driver, from /box; the executor appends --reports=N.
    # "{memory_mb}" and "{heap_mb}" (about half of it) are filled in from the run's limits.
    run: tuple[str, ...]
    factor: float
    # The command that prints the runtime's version, recorded with each run.
    version: tuple[str, ...]
    # The driver's files (name -> contents) for a question of this signature.
    files: Callable[[Signature], dict[str, bytes]]
    # What a room's document holds before anyone types, for this signature.
    starter: Callable[[Signature], str]
    # The build, in a sandbox of its own with /box writable; None for interpreted languages.
    compile: tuple[str, ...] | None = None
    # What the runtime writes to stderr when its own heap is exhausted (below the control
    # group's cap): that too is a memory limit.
    memory_markers: tuple[str, ...] = ()


def driver_file(name: str) -> bytes:
    """A file of execution/drivers, shipped with the package."""
    return (resources.files("execution") / "drivers" / name).read_bytes()


def _registry() -> dict[str, Language]:
    from execution.languages import c, cpp, java, javascript, python

    languages = (python.LANGUAGE, javascript.LANGUAGE, java.LANGUAGE, c.LANGUAGE, cpp.LANGUAGE)
    return {language.name: language for language in languages}


LANGUAGES: dict[str, Language] = _registry()
