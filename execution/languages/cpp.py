"""C++17 (g++ 12): the student's solution.cpp holds ``class Solution`` with the function as a
public member, in camelCase, with LeetCode's types (vectors by reference); ListNode, TreeNode,
the usual standard headers and ``using namespace std;`` come before its first line.

The student's file is a translation unit of its own, so compiler errors give its own lines. It
is compiled with the prelude ``cpp_driver.hpp`` included first, which ends with the glue
generated here for the signature (``cpp_driver_call.hpp``): a template that reads a case's
arguments, calls ``Solution``'s member function and writes its result, instantiated at the end
of the unit, once the student has defined ``Solution``. The driver proper (JSON, reports,
stdout, crashes) is the other unit, ``cpp_driver.cpp``, linked with gcc's libbacktrace (part of
the g++ package's libgcc-12-dev) for the student's line of a crash.
"""

from __future__ import annotations

from execution.languages import Language, driver_file
from execution.signature import Signature, Type, camel

SOLUTION = "solution.cpp"
PRELUDE = "cpp_driver.hpp"
GLUE = "cpp_driver_call.hpp"
DRIVER_FILES = (PRELUDE, "cpp_driver_api.hpp", "cpp_driver_values.hpp", "cpp_driver.cpp")
PROGRAM = "program"
# What the student's unit is built with: -g1 is the line tables, for the line of a crash; a
# missing return is an error, as on LeetCode, rather than a crash at run time.
_STUDENT_FLAGS = (
    "-std=c++17 -O2 -pipe -g1 -fmax-errors=10 -Werror=return-type"
    f" -include {PRELUDE} -c {SOLUTION} -o solution.o"
)
# The driver's own work is small: built without optimization, it leaves the build's time to the
# student's unit. The errors are kept in /tmp and cut (a template's can run to megabytes).
_BUILD = (
    f"if /usr/bin/g++ {_STUDENT_FLAGS} 2>/tmp/errors"
    f" && /usr/bin/g++ -std=c++17 -O0 -pipe cpp_driver.cpp solution.o -o {PROGRAM}"
    " -pthread -lbacktrace 2>>/tmp/errors; then exit 0; fi; head -c 20000 /tmp/errors >&2; exit 1"
)
MEMORY_MARKER = "peerprep-cpp-driver: out of memory"
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
# C++'s words (and the prelude's macros and types) that a signature's names may still take once
# in camelCase: such a name gets a trailing underscore.
_TAKEN = frozenset(
    {
        "alignas", "alignof", "asm", "auto", "bitand", "bitor", "compl", "concept", "consteval",
        "constexpr", "constinit", "decltype", "explicit", "export", "extern", "friend",
        "inline", "mutable", "namespace", "noexcept", "nullptr", "operator", "requires",
        "template", "typeid", "typename", "using", "virtual", "xor", "errno", "stdin", "stdout",
        "stderr", "string", "vector",
    }
)  # fmt: skip
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
    """The C++ type of a signature type: ``vector<vector<int>>``, ``ListNode*``... With
    ``std``, qualified, for the glue (which comes before ``using namespace std;``)."""
    if kind.item is not None:
        vector = "std::vector" if std else "vector"
        return f"{vector}<{cpp_type(kind.item, std)}>"
    name = _SCALARS[kind.name]
    return f"std::{name}" if std and name == "string" else name


def name(snake: str) -> str:
    """A signature's name in C++: camelCase, never one of C++'s words."""
    spelled = camel(snake)
    return spelled + "_" if spelled in _TAKEN else spelled


def _parameter(kind: Type, snake: str) -> str:
    # As on LeetCode: vectors by reference, everything else by value.
    return f"{cpp_type(kind)}{'&' if kind.item is not None else ''} {name(snake)}"


def declaration(signature: Signature) -> str:
    """``vector<int> payWithTwoCards(vector<int>& values, int target)``."""
    params = ", ".join(_parameter(param.type, param.name) for param in signature.params)
    return f"{cpp_type(signature.returns)} {name(signature.function)}({params})"


def starter(signature: Signature) -> str:
    kinds = [signature.returns, *(param.type for param in signature.params)]
    lines: list[str] = []
    for node in ("ListNode", "TreeNode"):
        if any(kind.name == node for kind in kinds):
            lines += [*_NODE_COMMENTS[node], ""]
    default = "{}" if signature.returns.item is not None else _DEFAULTS[signature.returns.name]
    lines += [
        "class Solution {",
        "public:",
        f"    {declaration(signature)} {{",
        f"        return {default};",
        "    }",
        "};",
        "",
    ]
    return "\n".join(lines)


def _describe(signature: Signature) -> str:
    params = ", ".join(f"{param.name}: {param.type}" for param in signature.params)
    return f"{signature.function}({params}) -> {signature.returns}"


def glue(signature: Signature) -> str:
    """cpp_driver_call.hpp: one case's arguments, the call and its result, for ``Solution``."""
    function = name(signature.function)
    returns = cpp_type(signature.returns, std=True)
    probes = ", ".join(
        f"std::declval<{cpp_type(param.type, std=True)}&>()" for param in signature.params
    )
    call = f"std::declval<S&>().{function}({probes})"
    arguments = ", ".join(f"p{index}" for index in range(len(signature.params)))
    reads = []
    for index, param in enumerate(signature.params):
        reads += [
            f"        {cpp_type(param.type, std=True)} p{index}{{}};",
            f'        peerprep::read(peerprep::argument("{param.name}"), p{index});',
        ]
    return "\n".join(
        [
            f"// Generated by execution/languages/cpp.py for {_describe(signature)}.",
            "#ifndef PEERPREP_CPP_DRIVER_CALL_HPP",
            "#define PEERPREP_CPP_DRIVER_CALL_HPP",
            "",
            "namespace peerprep {",
            "",
            "template <class S, class = void>",
            "struct Fits : std::false_type {};",
            "",
            "// S has the member function, callable with the arguments, its result convertible.",
            "template <class S>",
            f"struct Fits<S, std::void_t<decltype({call})>>",
            f"    : std::is_convertible<decltype({call}), {returns}> {{}};",
            "",
            "template <class S>",
            "void call() {",
            "    if constexpr (std::conjunction_v<Fits<S>, std::is_default_constructible<S>>) {",
            *reads,
            "        peerprep::begin_case();",
            "        std::unique_ptr<S> solution(new S());",
            "        peerprep::begin_call();",
            f"        {returns} result = solution->{function}({arguments});",
            "        peerprep::end_call();",
            "        peerprep::write(result);",
            "    } else {",
            "        static_assert(std::conjunction_v<Fits<S>, std::is_default_constructible<S>>,",
            '                      "solution.cpp needs class Solution with the public member "',
            f'                      "function {declaration(signature)}");',
            "    }",
            "}",
            "",
            "}  // namespace peerprep",
            "",
            "// Instantiated at the end of the student's unit, where Solution is complete.",
            "void peerprep::run_case() { peerprep::call<::Solution>(); }",
            "",
            "void peerprep::flush_cout() { std::cout.flush(); }",
            "",
            "#endif",
            "",
        ]
    )


def files(signature: Signature) -> dict[str, bytes]:
    found = {file: driver_file(file) for file in DRIVER_FILES}
    found[GLUE] = glue(signature).encode()
    return found


LANGUAGE = Language(
    name="cpp",
    solution_file=SOLUTION,
    # The stack gets half the memory: deep recursion is the student's right.
    run=(f"/box/{PROGRAM}", "--stack-mb={heap_mb}"),
    factor=1.0,
    version=("/usr/bin/g++", "--version"),
    files=files,
    starter=starter,
    compile=("/bin/sh", "-c", _BUILD),
    memory_markers=(MEMORY_MARKER,),
)
