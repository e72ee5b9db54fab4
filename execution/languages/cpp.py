"""C++17 (g++): the student's solution.cpp holds ``class Solution`` with the function as a public
member, in camelCase, with LeetCode's types; ListNode, TreeNode, the standard headers and
``using namespace std;`` come before its first line.

The student's file is a translation unit of its own (so compiler errors give its own lines),
compiled with the prelude ``cpp_driver.hpp`` included first; the glue generated here for the
signature is part of that prelude and calls ``Solution`` once the unit has defined it. The
driver proper (JSON, reports, stdout, crashes) is another unit, ``cpp_driver.cpp``.
"""

from __future__ import annotations

from execution.languages import Language, driver_file
from execution.signature import Signature, Type, camel

SOLUTION = "solution.cpp"
GLUE = "cpp_driver_call.hpp"
DRIVER_FILES = ("cpp_driver.hpp", "cpp_driver_api.hpp", "cpp_driver.cpp")
_FLAGS = "-std=c++17 -O2 -pipe"
# The student's unit gets line tables (-g1), for the line of a crash or an exception; errors
# are capped (a template error can run to megabytes), and so is what is kept of them.
_BUILD = (
    f"if /usr/bin/g++ {_FLAGS} -g1 -fmax-errors=10 -include cpp_driver.hpp"
    f" -c {SOLUTION} -o solution.o 2>/tmp/errors"
    f" && /usr/bin/g++ {_FLAGS} cpp_driver.cpp solution.o -o program -pthread -lbacktrace"
    " 2>>/tmp/errors; then exit 0; fi; head -c 20000 /tmp/errors >&2; exit 1"
)
_SCALARS = {
    "int": "int",
    "long": "long long",
    "double": "double",
    "bool": "bool",
    "string": "string",
    "ListNode": "ListNode*",
    "TreeNode": "TreeNode*",
}
_DEFAULTS = {
    "int": "0",
    "long": "0",
    "double": "0.0",
    "bool": "false",
    "string": '""',
    "ListNode": "nullptr",
    "TreeNode": "nullptr",
}
_NODE_COMMENTS = {
    "ListNode": [
        "/**",
        " * Definition for singly-linked list.",
        " * struct ListNode {",
        " *     int val;",
        " *     ListNode *next;",
        " *     ListNode() : val(0), next(nullptr) {}",
        " *     ListNode(int x) : val(x), next(nullptr) {}",
        " *     ListNode(int x, ListNode *next) : val(x), next(next) {}",
        " * };",
        " */",
    ],
    "TreeNode": [
        "/**",
        " * Definition for a binary tree node.",
        " * struct TreeNode {",
        " *     int val;",
        " *     TreeNode *left;",
        " *     TreeNode *right;",
        " *     TreeNode() : val(0), left(nullptr), right(nullptr) {}",
        " *     TreeNode(int x) : val(x), left(nullptr), right(nullptr) {}",
        " *     TreeNode(int x, TreeNode *left, TreeNode *right)",
        " *         : val(x), left(left), right(right) {}",
        " * };",
        " */",
    ],
}


def cpp_type(kind: Type, std: bool = False) -> str:
    """The C++ type of a signature type: ``vector<vector<int>>``, ``ListNode*``..."""
    if kind.item is not None:
        vector = "std::vector" if std else "vector"
        return f"{vector}<{cpp_type(kind.item, std)}>"
    name = _SCALARS[kind.name]
    return f"std::{name}" if std and name == "string" else name


def _parameter(kind: Type, name: str) -> str:
    # As on LeetCode: vectors by reference, everything else by value.
    return f"{cpp_type(kind)}{'&' if kind.item is not None else ''} {camel(name)}"


def _declaration(signature: Signature) -> str:
    params = ", ".join(_parameter(param.type, param.name) for param in signature.params)
    return f"{cpp_type(signature.returns)} {camel(signature.function)}({params})"


def starter(signature: Signature) -> str:
    kinds = [signature.returns, *(param.type for param in signature.params)]
    lines: list[str] = []
    for name in ("ListNode", "TreeNode"):
        if any(kind.name == name for kind in kinds):
            lines += [*_NODE_COMMENTS[name], ""]
    default = "{}" if signature.returns.item is not None else _DEFAULTS[signature.returns.name]
    lines += [
        "class Solution {",
        "public:",
        f"    {_declaration(signature)} {{",
        f"        return {default};",
        "    }",
        "};",
        "",
    ]
    return "\n".join(lines)


def glue(signature: Signature) -> str:
    """The C++ that reads a case's arguments, calls the student's member function and writes
    its result: in the student's unit, instantiated for ``Solution`` at the unit's end."""
    function = camel(signature.function)
    returns = cpp_type(signature.returns, std=True)
    probes = ", ".join(
        f"std::declval<{cpp_type(param.type, std=True)} &>()" for param in signature.params
    )
    call = f"std::declval<S &>().{function}({probes})"
    arguments = ", ".join(f"p{index}" for index in range(len(signature.params)))
    reads = []
    for index, param in enumerate(signature.params):
        reads += [
            f"        {cpp_type(param.type, std=True)} p{index}{{}};",
            f"        read(argument({index}), p{index});",
        ]
    wanted = f"{_declaration(signature)}".replace('"', '\\"')
    return "\n".join(
        [
            f"// Generated by PeerPrep for {_describe(signature)}.",
            "#pragma once",
            "",
            "namespace peerprep {",
            "",
            "template <class S, class = void>",
            "struct Fits : std::false_type {};",
            "",
            "template <class S>",
            f"struct Fits<S, std::void_t<decltype({call})>>",
            f"    : std::is_convertible<decltype({call}), {returns}> {{}};",
            "",
            "template <class S>",
            "void call() {",
            "    if constexpr (Fits<S>::value) {",
            *reads,
            "        start();",
            "        S solution;",
            f"        {returns} result = solution.{function}({arguments});",
            "        stop();",
            "        write(output(), result);",
            "    } else {",
            "        static_assert(Fits<S>::value,",
            '                      "solution.cpp needs class Solution with the public member "',
            f'                      "function {wanted}");',
            "    }",
            "}",
            "",
            "}  // namespace peerprep",
            "",
            "void peerprep::run_case() { peerprep::call<::Solution>(); }",
            "",
        ]
    )


def _describe(signature: Signature) -> str:
    params = ", ".join(f"{param.name}: {param.type}" for param in signature.params)
    return f"{signature.function}({params}) -> {signature.returns}"


def files(signature: Signature) -> dict[str, bytes]:
    found = {name: driver_file(name) for name in DRIVER_FILES}
    found[GLUE] = glue(signature).encode()
    return found


LANGUAGE = Language(
    name="cpp",
    solution_file=SOLUTION,
    # The stack gets half the memory: deep recursion is the student's right.
    run=("/box/program", "--stack-mb={heap_mb}"),
    factor=1.0,
    version=("/usr/bin/g++", "--version"),
    files=files,
    starter=starter,
    compile=("/bin/sh", "-c", _BUILD),
)
