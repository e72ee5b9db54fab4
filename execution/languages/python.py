"""Python 3: the student's module defines the function; ListNode and TreeNode are given."""

from __future__ import annotations

from execution.languages import Language, driver_file
from execution.signature import Signature, Type


def _hint(kind: Type) -> str:
    if kind.item is not None:
        return f"list[{_hint(kind.item)}]"
    return {
        "int": "int",
        "long": "int",
        "double": "float",
        "bool": "bool",
        "string": "str",
        "ListNode": "Optional[ListNode]",
        "TreeNode": "Optional[TreeNode]",
    }[kind.name]


def starter(signature: Signature) -> str:
    params = ", ".join(f"{param.name}: {_hint(param.type)}" for param in signature.params)
    nodes = {
        name
        for kind in [signature.returns, *(param.type for param in signature.params)]
        for name in ("ListNode", "TreeNode")
        if kind.name == name
    }
    lines = []
    if nodes:
        lines += ["from typing import Optional", ""]
        for name in sorted(nodes):
            fields = "val, next" if name == "ListNode" else "val, left, right"
            lines.append(f"# {name} is given: {name}({fields})")
        lines.append("")
    lines += [
        "",
        f"def {signature.function}({params}) -> {_hint(signature.returns)}:",
        "    pass",
        "",
    ]
    return "\n".join(lines).lstrip("\n")


def files(_signature: Signature) -> dict[str, bytes]:
    return {"driver.py": driver_file("python_driver.py")}


LANGUAGE = Language(
    name="python",
    solution_file="solution.py",
    # Isolated (no environment, no user site), no site-packages, no bytecode written.
    run=("/usr/bin/python3", "-I", "-S", "-B", "driver.py"),
    factor=3.0,
    version=("/usr/bin/python3", "--version"),
    files=files,
    starter=starter,
)
