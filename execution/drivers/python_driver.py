"""The trusted Python driver: calls the student's function on each case, inside the sandbox.

It reads the signature and the cases' inputs (never the expected outputs) as one JSON document
on stdin, loads ``solution.py``, and reports on the file descriptor given as ``--reports=N``,
one JSON object per line: ``ready`` (or ``load_error``), then ``start`` and ``done`` (or
``error``) per case. The student's prints go to stdout; each case's report gives the stdout
offsets it wrote between, so the executor can show every case its own prints. Reports are
written straight to the descriptor, so a print can never look like one.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import time
import traceback
from collections import deque
from typing import Any

SOLUTION = "solution.py"
MAX_NODES = 1_000_000
STACK_BYTES = 512 * 1024 * 1024


class ListNode:
    def __init__(self, val: int = 0, next: ListNode | None = None) -> None:
        self.val = val
        self.next = next

    def __repr__(self) -> str:
        return f"ListNode({self.val})"


class TreeNode:
    def __init__(
        self, val: int = 0, left: TreeNode | None = None, right: TreeNode | None = None
    ) -> None:
        self.val = val
        self.left = left
        self.right = right

    def __repr__(self) -> str:
        return f"TreeNode({self.val})"


class WrongType(Exception):
    """The function returned something that is not of its return type."""


class CountingStdout(io.TextIOBase):
    """The student's stdout: written through at once, counted in bytes."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        data = str(text).encode("utf-8", "replace")
        view = memoryview(data)
        while view:
            sent = os.write(self._fd, view)
            view = view[sent:]
        self.written += len(data)
        return len(text)


def to_value(kind: str, value: Any) -> Any:
    if kind == "ListNode":
        head: ListNode | None = None
        for item in reversed(value):
            head = ListNode(item, head)
        return head
    if kind == "TreeNode":
        return build_tree(value)
    if kind == "double":
        return float(value)
    if kind.startswith("list<"):
        inner = kind[5:-1]
        return [to_value(inner, item) for item in value]
    return value


def build_tree(values: list[int | None]) -> TreeNode | None:
    if not values:
        return None
    root = TreeNode(values[0])  # type: ignore[arg-type]
    waiting = deque([root])
    index = 1
    while waiting and index < len(values):
        node = waiting.popleft()
        for side in ("left", "right"):
            if index < len(values) and values[index] is not None:
                child = TreeNode(values[index])  # type: ignore[arg-type]
                setattr(node, side, child)
                waiting.append(child)
            index += 1
    return root


def to_json(kind: str, value: Any) -> Any:
    if kind == "ListNode":
        items: list[int] = []
        node = value
        while node is not None:
            if not isinstance(node, ListNode) or len(items) >= MAX_NODES:
                raise WrongType("the returned list is not a chain of ListNode (or never ends)")
            items.append(node.val)
            node = node.next
        return items
    if kind == "TreeNode":
        return tree_json(value)
    if kind in {"int", "long"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WrongType(f"returned {type(value).__name__}, expected {kind}")
        return value
    if kind == "double":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WrongType(f"returned {type(value).__name__}, expected double")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise WrongType(f"returned {type(value).__name__}, expected bool")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise WrongType(f"returned {type(value).__name__}, expected string")
        return value
    inner = kind[5:-1]
    if not isinstance(value, list | tuple):
        raise WrongType(f"returned {type(value).__name__}, expected {kind}")
    return [to_json(inner, item) for item in value]


def tree_json(root: Any) -> list[int | None]:
    if root is None:
        return []
    out: list[int | None] = []
    waiting: deque[Any] = deque([root])
    while waiting:
        node = waiting.popleft()
        if node is None:
            out.append(None)
            continue
        if not isinstance(node, TreeNode) or len(out) >= MAX_NODES:
            raise WrongType("the returned tree is not made of TreeNode (or never ends)")
        out.append(node.val)
        waiting.append(node.left)
        waiting.append(node.right)
    while out and out[-1] is None:
        out.pop()
    return out


def student_line(error: BaseException) -> int | None:
    """The line of solution.py nearest the error, for the student."""
    if isinstance(error, SyntaxError) and error.filename == SOLUTION:
        return error.lineno
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == SOLUTION:
            line = frame.lineno
    return line


def describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text[:2000]


def main() -> None:
    reports_fd = int(next(arg for arg in sys.argv if arg.startswith("--reports="))[10:])
    reports = os.fdopen(reports_fd, "w", buffering=1)
    # A student's print must never reach the reports: the descriptor is closed to them.
    os.set_inheritable(reports_fd, False)

    def report(**fields: Any) -> None:
        reports.write(json.dumps(fields) + "\n")
        reports.flush()

    job = json.load(sys.stdin)
    sys.stdin = open(os.devnull)  # noqa: SIM115
    stdout = CountingStdout(1)
    sys.stdout = stdout
    namespace: dict[str, Any] = {
        "__name__": "solution",
        "ListNode": ListNode,
        "TreeNode": TreeNode,
    }
    try:
        with open(SOLUTION, encoding="utf-8", errors="replace") as file:
            code = compile(file.read(), SOLUTION, "exec")
    except (SyntaxError, ValueError) as error:
        report(event="load_error", kind="compile", error=describe(error), line=student_line(error))
        return
    try:
        exec(code, namespace)
        function = namespace[job["function"]]
        if not callable(function):
            raise TypeError(f"{job['function']} is not a function")
    except KeyError:
        report(event="load_error", kind="runtime", error=f"no function named {job['function']}")
        return
    except BaseException as error:  # the student's module, whatever it raises
        report(event="load_error", kind="runtime", error=describe(error), line=student_line(error))
        return
    report(event="ready")
    params = job["params"]
    for index, inputs in enumerate(job["cases"]):
        arguments = [to_value(param["type"], inputs[param["name"]]) for param in params]
        before = stdout.written
        report(event="start", case=index)
        started = time.perf_counter()
        try:
            result = function(*arguments)
            elapsed = (time.perf_counter() - started) * 1000
        except BaseException as error:  # the student's exception is a result, not ours
            elapsed = (time.perf_counter() - started) * 1000
            span = [before, stdout.written]
            report(
                event="error",
                case=index,
                ms=elapsed,
                error=describe(error),
                line=student_line(error),
                out=span,
            )
            return
        span = [before, stdout.written]
        try:
            output = to_json(job["returns"], result)
            report(
                event="done", case=index, ms=elapsed, output=output, out=[before, stdout.written]
            )
        except (WrongType, RecursionError) as error:
            report(event="done", case=index, ms=elapsed, invalid=str(error)[:500],
                   out=[before, stdout.written])  # fmt: skip


if __name__ == "__main__":
    # Deep recursion is the student's right, up to the memory limit: a big stack, in a thread.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(STACK_BYTES)
    worker = threading.Thread(target=main)
    worker.start()
    worker.join()
