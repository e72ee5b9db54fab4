"""The languages a room can run: where the student's file goes, how it is built and started,
and the factor on the question's CPU time limit."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    solution_file: str
    driver_file: str
    # The command that starts the driver, from /box; the executor appends --reports=N.
    run: tuple[str, ...]
    # The time limit of a question is C's; others get this many times it.
    factor: float
    # The command that prints the runtime's version, recorded with each run.
    version: tuple[str, ...]
    compile: tuple[str, ...] | None = None

    def driver_source(self) -> bytes:
        return (resources.files("execution") / "drivers" / self.driver_file).read_bytes()


PYTHON = Language(
    name="python",
    solution_file="solution.py",
    driver_file="python_driver.py",
    # Isolated (no environment, no user site), no site-packages, no bytecode written.
    run=("/usr/bin/python3", "-I", "-S", "-B", "driver.py"),
    factor=3.0,
    version=("/usr/bin/python3", "--version"),
)

LANGUAGES: dict[str, Language] = {language.name: language for language in (PYTHON,)}
