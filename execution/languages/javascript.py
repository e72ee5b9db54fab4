"""JavaScript (Node.js): the student's script declares the function, in camelCase, at its top
level; ListNode and TreeNode are given. The driver runs it in a worker thread (its own stack and
heap) and loads it under its own name, so errors point at the student's lines."""

from __future__ import annotations

from execution.languages import Language, driver_file
from execution.signature import Signature, Type, camel

_NODE_FIELDS = {
    "ListNode": "constructor(val = 0, next = null)",
    "TreeNode": "constructor(val = 0, left = null, right = null)",
}


def _doc(kind: Type) -> str:
    """The type as JSDoc writes it."""
    if kind.item is not None:
        return f"{_doc(kind.item)}[]"
    return {
        "int": "number",
        "long": "number",
        "double": "number",
        "bool": "boolean",
        "string": "string",
        "ListNode": "ListNode | null",
        "TreeNode": "TreeNode | null",
    }[kind.name]


def _default(kind: Type) -> str:
    if kind.item is not None:
        return "[]"
    return {
        "int": "0",
        "long": "0",
        "double": "0.0",
        "bool": "false",
        "string": '""',
        "ListNode": "null",
        "TreeNode": "null",
    }[kind.name]


def starter(signature: Signature) -> str:
    kinds = [signature.returns, *(param.type for param in signature.params)]
    nodes = sorted({kind.name for kind in kinds if kind.name in _NODE_FIELDS})
    lines = [f"// {name} is given: class {name} {{ {_NODE_FIELDS[name]} }}" for name in nodes]
    if lines:
        lines.append("")
    lines.append("/**")
    lines += [f" * @param {{{_doc(param.type)}}} {camel(param.name)}" for param in signature.params]
    lines += [f" * @return {{{_doc(signature.returns)}}}", " */"]
    params = ", ".join(camel(param.name) for param in signature.params)
    lines += [
        f"function {camel(signature.function)}({params}) {{",
        f"    return {_default(signature.returns)};",
        "}",
        "",
    ]
    return "\n".join(lines)


def files(_signature: Signature) -> dict[str, bytes]:
    return {"driver.js": driver_file("javascript_driver.js")}


LANGUAGE = Language(
    name="javascript",
    solution_file="solution.js",
    # The student's code runs in a worker thread whose heap the driver caps at heap_mb (an
    # exhausted heap is then a memory limit on its case); V8's own helper threads are kept few,
    # since threads count against the sandbox's processes.
    run=(
        "/usr/bin/node",
        "--v8-pool-size=2",
        "driver.js",
        "--memory-mb={memory_mb}",
        "--heap-mb={heap_mb}",
    ),
    factor=2.0,
    version=("/usr/bin/node", "--version"),
    files=files,
    starter=starter,
    # A heap V8 could not grow (in the main thread, or past the worker's own limit) aborts the
    # process with this on stderr.
    memory_markers=("JavaScript heap out of memory",),
)
