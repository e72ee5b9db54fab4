"""Java 17: the student's ``class Solution`` in Solution.java has the method, in camelCase;
ListNode and TreeNode are given in their own files.

The driver (PeerPrepDriver.java) is the same for every question; the glue beside it,
PeerPrepCall.java, is generated from the signature: it turns a case's JSON input into the
parameters' Java types (lists as arrays: ``int[]``, ``String[][]``...) and calls the method, so
a method of another shape is a compile error that shows the expected declaration. A list may
come back as a java.util.Collection too (``List<List<String>>``, say): the driver writes either,
checking each element against the signature. Everything is
built by javac in the compile step; the run step starts a JVM sized to the sandbox (its heap is
about half the memory limit, one GC thread, one JIT thread).
"""

from __future__ import annotations

from execution.languages import Language, driver_file
from execution.signature import Signature, Type, camel

_SCALARS = {
    "int": "int",
    "long": "long",
    "double": "double",
    "bool": "boolean",
    "string": "String",
    "ListNode": "ListNode",
    "TreeNode": "TreeNode",
}
_READERS = {
    "int": "Int",
    "long": "Long",
    "double": "Double",
    "bool": "Bool",
    "string": "String",
    "ListNode": "ListNode",
    "TreeNode": "TreeNode",
}
_DEFAULTS = {
    "int": "0",
    "long": "0L",
    "double": "0.0",
    "bool": "false",
    "string": '""',
    "ListNode": "null",
    "TreeNode": "null",
}
# Java's own keywords that the signature's names may still take (the rest are reserved there).
_KEYWORDS = frozenset(
    {
        "abstract", "boolean", "byte", "implements", "import", "instanceof", "interface",
        "native", "package", "protected", "strictfp", "synchronized", "throws", "transient",
    }
)  # fmt: skip
_NODE_COMMENTS = {
    "ListNode": (
        "/**",
        " * Given (ListNode.java), a singly linked list:",
        " * public class ListNode {",
        " *     public int val;",
        " *     public ListNode next;",
        " *     public ListNode() {}",
        " *     public ListNode(int val) { this.val = val; }",
        " *     public ListNode(int val, ListNode next) { this.val = val; this.next = next; }",
        " * }",
        " */",
    ),
    "TreeNode": (
        "/**",
        " * Given (TreeNode.java), a binary tree node:",
        " * public class TreeNode {",
        " *     public int val;",
        " *     public TreeNode left;",
        " *     public TreeNode right;",
        " *     public TreeNode() {}",
        " *     public TreeNode(int val) { this.val = val; }",
        " *     public TreeNode(int val, TreeNode left, TreeNode right) {",
        " *         this.val = val; this.left = left; this.right = right;",
        " *     }",
        " * }",
        " */",
    ),
}
SOLUTION = "Solution.java"
SOURCES = (SOLUTION, "ListNode.java", "TreeNode.java", "PeerPrepCall.java", "PeerPrepDriver.java")


def java_type(kind: Type) -> str:
    """``list<list<int>>`` as ``int[][]``."""
    if kind.item is not None:
        return java_type(kind.item) + "[]"
    return _SCALARS[kind.name]


def _name(name: str) -> str:
    """A parameter's name in Java: camelCase, and never a keyword of Java's."""
    spelled = camel(name)
    return spelled + "_" if spelled in _KEYWORDS else spelled


def declaration(signature: Signature) -> str:
    params = ", ".join(f"{java_type(p.type)} {_name(p.name)}" for p in signature.params)
    return f"public {java_type(signature.returns)} {camel(signature.function)}({params})"


def _default(kind: Type) -> str:
    if kind.item is None:
        return _DEFAULTS[kind.name]
    element = java_type(kind.item)
    base = element.replace("[]", "")
    return f"new {base}[0]{'[]' * element.count('[]')}"


def starter(signature: Signature) -> str:
    kinds = [signature.returns, *(param.type for param in signature.params)]
    lines = ["import java.util.*;", ""]
    for name in ("ListNode", "TreeNode"):
        if any(kind.name == name for kind in kinds):
            lines += [*_NODE_COMMENTS[name], ""]
    lines += [
        "class Solution {",
        f"    {declaration(signature)} {{",
        f"        return {_default(signature.returns)};",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


def _spelled(kind: Type) -> str:
    """``list<list<int>>`` as ``ListOfListOfInt``."""
    return _READERS[kind.name] if kind.item is None else "ListOf" + _spelled(kind.item)


def _reader(kind: Type) -> str:
    """The Java method that reads a parsed JSON value (Long, String, List...) as ``kind``: the
    driver's for scalars and nodes, a generated one of the glue for lists."""
    return f"PeerPrepDriver.as{_spelled(kind)}" if kind.item is None else f"as{_spelled(kind)}"


def _list_readers(kind: Type, found: dict[str, list[str]]) -> None:
    """The generated readers of ``kind``'s list types, innermost first."""
    if kind.item is None:
        return
    _list_readers(kind.item, found)
    name = _reader(kind)
    if name in found:
        return
    element = java_type(kind.item)
    base = element.replace("[]", "")
    array = f"new {base}[items.size()]{'[]' * element.count('[]')}"
    found[name] = [
        f"    private static {java_type(kind)} {name}(Object json) {{",
        "        List<?> items = PeerPrepDriver.asList(json);",
        f"        {java_type(kind)} value = {array};",
        "        for (int index = 0; index < value.length; index++) {",
        f"            value[index] = {_reader(kind.item)}(items.get(index));",
        "        }",
        "        return value;",
        "    }",
        "",
    ]


def glue(signature: Signature) -> str:
    """PeerPrepCall.java: one case's input to the parameters' types, and the call."""
    params = ", ".join(f"{param.type} {param.name}" for param in signature.params)
    readers: dict[str, list[str]] = {}
    for param in signature.params:
        _list_readers(param.type, readers)
    lines = [
        "// Generated by execution/languages/java.py for the question's signature:",
        f"//   {signature.returns} {signature.function}({params})",
        "import java.util.List;",
        "import java.util.Map;",
        "",
        "final class PeerPrepCall {",
        "    private PeerPrepCall() {}",
        "",
        "    static PeerPrepDriver.Call prepare(Map<String, Object> input) {",
    ]
    arguments = []
    for index, param in enumerate(signature.params):
        local = f"arg{index}"
        arguments.append(local)
        lines.append(
            f"        {java_type(param.type)} {local} = "
            f'{_reader(param.type)}(input.get("{param.name}"));'
        )
    # On one line with the call, the declaration shows in javac's message when they differ.
    lines += [
        "        return new PeerPrepDriver.Call() {",
        "            @Override",
        "            public Object call() throws Throwable {",
        f"                return new Solution().{camel(signature.function)}"
        f"({', '.join(arguments)}); // Solution must have: {declaration(signature)}",
        "            }",
        "        };",
        "    }",
        "",
    ]
    for reader in readers.values():
        lines += reader
    while lines[-1] == "":
        lines.pop()
    lines += ["}", ""]
    return "\n".join(lines)


def files(signature: Signature) -> dict[str, bytes]:
    return {
        "PeerPrepDriver.java": driver_file("java_driver.java"),
        "ListNode.java": driver_file("java_driver_ListNode.java"),
        "TreeNode.java": driver_file("java_driver_TreeNode.java"),
        "PeerPrepCall.java": glue(signature).encode(),
    }


# The JVM in a sandbox of 64 tasks: one GC thread (serial), one JIT thread (C1 only, which also
# starts fastest), no perf data file in the 16 MB /tmp, one processor as far as the JVM and its
# thread pools can tell. About 14 threads in all, the student's own one included.
_JVM = (
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:CICompilerCount=1",
    "-XX:ActiveProcessorCount=1",
    "-XX:-UsePerfData",
)

LANGUAGE = Language(
    name="java",
    solution_file=SOLUTION,
    compile=(
        "/usr/bin/javac",
        # javac's own JVM, in the compile step's 768 MB: a heap that starts big enough to need
        # few collections.
        "-J-Xmx256m",
        "-J-Xms128m",
        *(f"-J{flag}" for flag in _JVM),
        # String concatenation as StringBuilder calls, not invokedynamic, which the run's JVM
        # would first have to bootstrap: less CPU time before the first case.
        "-XDstringConcat=inline",
        "-encoding",
        "UTF-8",
        # Line numbers, source file names and local variable names in stack traces and in
        # NullPointerException's messages.
        "-g",
        "-nowarn",
        "-proc:none",
        "-Xmaxerrs",
        "20",
        "-d",
        ".",
        *SOURCES,
    ),
    # The heap is half the memory limit; the student's thread has a stack of a quarter of it.
    # The driver writes its reports to an inherited descriptor, through FileDescriptor's field.
    run=(
        "/usr/bin/java",
        "-Xmx{heap_mb}m",
        *_JVM,
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "-cp",
        ".",
        "PeerPrepDriver",
        "{memory_mb}",
    ),
    factor=2.0,
    version=("/usr/bin/java", "--version"),
    files=files,
    starter=starter,
    # An OutOfMemoryError the driver did not catch (in a thread of the student's, say), or the
    # JVM's own memory (outside the heap) running out.
    memory_markers=(
        "java.lang.OutOfMemoryError: Java heap space",
        "java.lang.OutOfMemoryError: Requested array size exceeds VM limit",
        "java.lang.OutOfMemoryError: Metaspace",
        "insufficient memory for the Java Runtime Environment",
    ),
)
