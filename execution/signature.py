"""A runnable question's function: its name, typed parameters and return type, and the JSON
values of those types (what test cases hold, what drivers read and write)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

SCALARS = ("int", "long", "double", "bool", "string")
NODES = ("ListNode", "TreeNode")
MAX_NESTING = 2
MAX_PARAMS = 8
_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_LIST = re.compile(r"^list<(.+)>$")
_INT_RANGE = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
# Names that a generated function or parameter must not take in any language we offer.
RESERVED = frozenset(
    {
        "abstract", "and", "as", "assert", "boolean", "byte", "implements", "instanceof",
        "interface", "native", "package", "protected", "strictfp", "synchronized", "throws",
        "transient", "async", "await", "bool", "break", "case", "catch", "char",
        "class", "const", "continue", "def", "default", "del", "delete", "do", "double", "elif",
        "else", "enum", "except", "extends", "false", "final", "finally", "float", "for",
        "function", "global", "goto", "if", "import", "in", "int", "is", "lambda", "let",
        "long", "main", "new", "none", "not", "null", "or", "pass", "private", "public",
        "raise", "register", "return", "short", "signed", "sizeof", "static", "struct",
        "super", "switch", "this", "throw", "true", "try", "typedef", "typeof", "union",
        "unsigned", "var", "void", "volatile", "while", "with", "yield",
    }
)  # fmt: skip


class SignatureError(ValueError):
    """A signature, type or value that does not hold; the message says where."""


@dataclass(frozen=True, slots=True)
class Type:
    name: str  # one of SCALARS or NODES, or "list"
    item: Type | None = None

    @property
    def depth(self) -> int:
        return 0 if self.item is None else 1 + self.item.depth

    def __str__(self) -> str:
        return f"list<{self.item}>" if self.item is not None else self.name


def parse_type(text: Any) -> Type:
    if not isinstance(text, str):
        raise SignatureError(f"a type is a string, not {text!r}")
    text = text.strip()
    if text in SCALARS or text in NODES:
        return Type(text)
    match = _LIST.match(text)
    if match is None:
        raise SignatureError(
            f"unknown type {text!r}: use {', '.join(SCALARS + NODES)} or list<...> of them"
        )
    item = parse_type(match.group(1))
    if item.name in NODES:
        raise SignatureError(f"{text}: lists of {item.name} are not offered")
    found = Type("list", item)
    if found.depth > MAX_NESTING:
        raise SignatureError(f"{text}: lists nest {MAX_NESTING} levels at most")
    return found


def check_value(kind: Type, value: Any, where: str = "value") -> None:
    """Raise :class:`SignatureError` unless ``value`` is a JSON value of ``kind``."""
    name = kind.name
    if name in _INT_RANGE:
        low, high = _INT_RANGE[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SignatureError(f"{where}: expected {name}, got {value!r:.60}")
    elif name == "double":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise SignatureError(f"{where}: expected double, got {value!r:.60}")
    elif name == "bool":
        if not isinstance(value, bool):
            raise SignatureError(f"{where}: expected bool, got {value!r:.60}")
    elif name == "string":
        if not isinstance(value, str):
            raise SignatureError(f"{where}: expected string, got {value!r:.60}")
    elif name == "ListNode":
        if not isinstance(value, list):
            raise SignatureError(f"{where}: a ListNode is a list of ints, got {value!r:.60}")
        for index, item in enumerate(value):
            check_value(Type("int"), item, f"{where}[{index}]")
    elif name == "TreeNode":
        if not isinstance(value, list) or (value and value[0] is None):
            raise SignatureError(f"{where}: a TreeNode is a level order list, got {value!r:.60}")
        for index, item in enumerate(value):
            if item is not None:
                check_value(Type("int"), item, f"{where}[{index}]")
        _check_level_order(value, where)
    else:
        assert kind.item is not None
        if not isinstance(value, list):
            raise SignatureError(f"{where}: expected {kind}, got {value!r:.60}")
        for index, item in enumerate(value):
            check_value(kind.item, item, f"{where}[{index}]")


def _check_level_order(values: list[Any], where: str) -> None:
    """Every child slot listed must belong to a node that exists."""
    slots = 1  # the root's
    for index, value in enumerate(values):
        if index >= slots:
            raise SignatureError(f"{where}[{index}]: a child of no node")
        if value is not None:
            slots += 2


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: Type


@dataclass(frozen=True, slots=True)
class Signature:
    function: str
    params: tuple[Param, ...]
    returns: Type

    @classmethod
    def from_json(cls, data: Any) -> Signature:
        if not isinstance(data, dict):
            raise SignatureError("a signature is an object with function, params and returns")
        function = _name(data.get("function"), "signature.function")
        params_data = data.get("params")
        if not isinstance(params_data, list) or len(params_data) > MAX_PARAMS:
            raise SignatureError(f"signature.params: a list of at most {MAX_PARAMS} parameters")
        params = []
        for index, item in enumerate(params_data):
            if not isinstance(item, dict):
                raise SignatureError(f"signature.params[{index}]: an object with name and type")
            params.append(
                Param(
                    _name(item.get("name"), f"signature.params[{index}].name"),
                    parse_type(item.get("type")),
                )
            )
        names = [param.name for param in params]
        if len(set(names)) != len(names) or function in names:
            raise SignatureError("signature: the function and its parameters need distinct names")
        return cls(function, tuple(params), parse_type(data.get("returns")))

    def to_json(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "params": [{"name": param.name, "type": str(param.type)} for param in self.params],
            "returns": str(self.returns),
        }

    def check_input(self, values: Any, where: str) -> None:
        if not isinstance(values, dict) or set(values) != {param.name for param in self.params}:
            expected = ", ".join(param.name for param in self.params)
            raise SignatureError(f"{where}: gives exactly the parameters {expected}")
        for param in self.params:
            check_value(param.type, values[param.name], f"{where}.{param.name}")


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or len(value) > 40:
        raise SignatureError(f"{where}: a snake_case name of at most 40 characters")
    if value in RESERVED or camel(value) in RESERVED:
        raise SignatureError(f"{where}: {value!r} is a keyword in one of the languages")
    return value


def camel(name: str) -> str:
    """``pay_with_two_cards`` as JavaScript, Java and C++ spell it: ``payWithTwoCards``."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
