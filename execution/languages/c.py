"""C (gcc 12, C17), LeetCode style: the student's solution.c defines the function, in
snake_case as the signature names it; a list parameter comes with its length, a returned list
sets its own (``*return_size``); ListNode and TreeNode, the prototype and the usual standard
headers are given (c_driver.h, included before the student's first line, so compiler errors
point at the student's lines). The driver (c_driver.c) ends with glue generated here from the
signature: it turns each case's JSON into C values, calls the function, and writes the result
back as JSON."""

from __future__ import annotations

from execution.languages import Language, driver_file
from execution.signature import Signature, Type

HEADER = "c_driver.h"
DRIVER = "c_driver.c"
PROGRAM = "program"

_SCALARS = {
    "int": "int",
    "long": "long long",
    "double": "double",
    "bool": "bool",
    "string": "char*",
    "ListNode": "struct ListNode*",
    "TreeNode": "struct TreeNode*",
}
_DEFAULTS = {
    "int": "0",
    "long": "0",
    "double": "0.0",
    "bool": "false",
    "string": "calloc(1, 1)",
    "ListNode": "NULL",
    "TreeNode": "NULL",
}


def _base(kind: Type) -> Type:
    return kind if kind.item is None else _base(kind.item)


def _c_type(kind: Type) -> str:
    """``list<list<int>>`` is ``int**``."""
    return _SCALARS[_base(kind).name] + "*" * kind.depth


def _parameters(signature: Signature) -> list[str]:
    found = []
    for param in signature.params:
        found.append(f"{_c_type(param.type)} {param.name}")
        if param.type.depth >= 1:
            found.append(f"int {param.name}_size")
        if param.type.depth == 2:
            found.append(f"int* {param.name}_col_sizes")
    if signature.returns.depth >= 1:
        found.append("int* return_size")
    if signature.returns.depth == 2:
        found.append("int** return_col_sizes")
    return found


def prototype(signature: Signature) -> str:
    parameters = ", ".join(_parameters(signature)) or "void"
    return f"{_c_type(signature.returns)} {signature.function}({parameters})"


def _convert(index: int, name: str, kind: Type) -> list[str]:
    """C statements that make ``drv_a<index>`` (and its sizes) from the case's JSON input."""
    value, base = f"drv_a{index}", _base(kind).name
    scalar = _SCALARS[base]
    field = f'drv_field(input, "{name}")'
    if kind.depth == 0:
        return [f"{scalar} {value} = drv_to_{base}({field});"]
    lines = [
        f"const DrvJson* drv_j{index} = drv_array({field});",
        f"int {value}_size = drv_j{index}->len;",
        f"{_c_type(kind)} {value} = drv_malloc(sizeof *{value} * (size_t){value}_size);",
    ]
    if kind.depth == 1:
        return [
            *lines,
            f"for (int i = 0; i < {value}_size; i++)",
            f"    {value}[i] = drv_to_{base}(drv_j{index}->items[i]);",
        ]
    return [
        *lines,
        f"int* {value}_cols = drv_malloc(sizeof(int) * (size_t){value}_size);",
        f"for (int i = 0; i < {value}_size; i++) {{",
        f"    const DrvJson* row = drv_array(drv_j{index}->items[i]);",
        f"    {value}_cols[i] = row->len;",
        f"    {value}[i] = drv_malloc(sizeof *{value}[i] * (size_t)row->len);",
        "    for (int j = 0; j < row->len; j++)",
        f"        {value}[i][j] = drv_to_{base}(row->items[j]);",
        "}",
    ]


def _arguments(signature: Signature) -> list[str]:
    found = []
    for index, param in enumerate(signature.params):
        found.append(f"drv_a{index}")
        if param.type.depth >= 1:
            found.append(f"drv_a{index}_size")
        if param.type.depth == 2:
            found.append(f"drv_a{index}_cols")
    if signature.returns.depth >= 1:
        found.append("&drv_size")
    if signature.returns.depth == 2:
        found.append("&drv_cols")
    return found


def _serialize(kind: Type) -> list[str]:
    """C statements that write ``drv_result`` into ``drv_out``, or say why they cannot."""
    write = f"drv_write_{_base(kind).name}"
    if kind.depth == 0:
        return [f"{write}(&drv_out, drv_result);"]
    if kind.depth == 1:
        return [
            'if (drv_check_list(&drv_out, drv_result, drv_size, "*return_size")) {',
            "    drv_buf_char(&drv_out.json, '[');",
            "    for (int i = 0; i < drv_size && drv_ok(&drv_out); i++) {",
            "        if (i) drv_buf_char(&drv_out.json, ',');",
            f"        {write}(&drv_out, drv_result[i]);",
            "    }",
            "    drv_buf_char(&drv_out.json, ']');",
            "}",
        ]
    return [
        'if (drv_check_list(&drv_out, drv_result, drv_size, "*return_size")) {',
        "    if (drv_size > 0 && drv_cols == NULL)",
        '        drv_invalid(&drv_out, "*return_col_sizes was not set");',
        "    drv_buf_char(&drv_out.json, '[');",
        "    for (int i = 0; i < drv_size && drv_ok(&drv_out); i++) {",
        "        if (i) drv_buf_char(&drv_out.json, ',');",
        "        char what[64];",
        '        snprintf(what, sizeof what, "(*return_col_sizes)[%d]", i);',
        "        if (!drv_check_list(&drv_out, drv_result[i], drv_cols[i], what)) break;",
        "        drv_buf_char(&drv_out.json, '[');",
        "        for (int j = 0; j < drv_cols[i] && drv_ok(&drv_out); j++) {",
        "            if (j) drv_buf_char(&drv_out.json, ',');",
        f"            {write}(&drv_out, drv_result[i][j]);",
        "        }",
        "        drv_buf_char(&drv_out.json, ']');",
        "    }",
        "    drv_buf_char(&drv_out.json, ']');",
        "}",
    ]


def glue(signature: Signature) -> str:
    """The end of c_driver.c for this signature."""
    function, returns = signature.function, signature.returns
    body: list[str] = []
    for index, param in enumerate(signature.params):
        body += _convert(index, param.name, param.type)
    if returns.depth >= 1:
        body.append("int drv_size = -1;")
    if returns.depth == 2:
        body.append("int* drv_cols = NULL;")
    body += [
        "drv_begin_case(index);",
        f"{_c_type(returns)} drv_result = {function}({', '.join(_arguments(signature))});",
        "drv_end_call();",
        "DrvOut drv_out = {0};",
        *_serialize(returns),
        "drv_finish_case(index, &drv_out);",
    ]
    return "\n".join(
        [
            "",
            # Missing, the function is a null address: "no function named ...", as in Python.
            f"#pragma weak {function}",
            "",
            "static bool drv_has_function(void) {",
            f"    if ({function} != NULL) return true;",
            f'    drv_load_error("no function named {function}");',
            "    return false;",
            "}",
            "",
            "static void drv_run_case(int index, const DrvJson* input) {",
            *(f"    {line}" for line in body),
            "}",
            "",
        ]
    )


def files(signature: Signature) -> dict[str, bytes]:
    header = driver_file("c_driver.h").replace(b"@PROTOTYPE@", f"{prototype(signature)};".encode())
    return {
        HEADER: header,
        DRIVER: driver_file("c_driver.c") + glue(signature).encode(),
    }


def starter(signature: Signature) -> str:
    kinds = [signature.returns, *(param.type for param in signature.params)]
    lines = []
    if any(kind.name == "ListNode" for kind in kinds):
        lines.append("// Given: struct ListNode { int val; struct ListNode* next; };")
    if any(kind.name == "TreeNode" for kind in kinds):
        lines.append(
            "// Given: struct TreeNode { int val; struct TreeNode* left; struct TreeNode* right; };"
        )
    lists = [param for param in signature.params if param.type.depth >= 1]
    if lists:
        name = lists[0].name
        rows = f", {name}_col_sizes[i] for {name}[i]" if lists[0].type.depth == 2 else ""
        lines.append(f"// A list comes with its length: {name}_size for {name}{rows}.")
    if signature.returns.depth == 1:
        lines.append("// Return an array from malloc and set *return_size to its length.")
    elif signature.returns.depth == 2:
        lines += [
            "// Return an array of arrays from malloc, set *return_size to their number and",
            "// *return_col_sizes to an array (from malloc) of their lengths.",
        ]
    if lines:
        lines.append("")
    lines.append(prototype(signature) + " {")
    if signature.returns.depth >= 1:
        lines.append("    *return_size = 0;")
    if signature.returns.depth == 2:
        lines.append("    *return_col_sizes = NULL;")
    default = "NULL" if signature.returns.depth else _DEFAULTS[signature.returns.name]
    comment = "  // an empty string, from malloc" if default.startswith("calloc") else ""
    lines += [f"    return {default};{comment}", "}", ""]
    return "\n".join(lines)


LANGUAGE = Language(
    name="c",
    solution_file="solution.c",
    run=(f"/box/{PROGRAM}", "--stack-mb={heap_mb}"),
    factor=1.0,
    version=("/usr/bin/gcc", "--version"),
    files=files,
    starter=starter,
    # One command, two units: the student's code never sees the driver's names, and keeps its
    # own line numbers. What gcc 14 refuses by default is refused here too.
    compile=(
        "/usr/bin/gcc",
        "-std=c17",
        "-O2",
        "-pipe",
        "-fmax-errors=20",
        "-Werror=implicit-function-declaration",
        "-Werror=implicit-int",
        "-Werror=int-conversion",
        "-Werror=incompatible-pointer-types",
        "-include",
        HEADER,
        "-o",
        PROGRAM,
        "solution.c",
        DRIVER,
        "-lm",
        "-pthread",
    ),
    memory_markers=("peerprep-c-driver: out of memory",),
)
