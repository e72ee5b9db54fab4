"""What a Y.Text change did, in words for the history: pure functions, no I/O.

pycrdt reports a ``TextEvent.delta`` in document order: ``{"retain": n}``, ``{"insert": str}`` and
``{"delete": n}``. Its counts are UTF-8 *bytes* (pycrdt's documents use yrs' byte offsets), not
characters, so every count is applied to the UTF-8 encoding of the text; lines and columns in the
result count characters (code points), 1-based.

The text may be given as ``str`` or as its UTF-8 ``bytes``. The documents keep the bytes: then a
keystroke costs a copy of the text and a count of its newlines, not a decode and an encode of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_SNIPPET = 120


@dataclass(slots=True)
class _Cursor:
    """A 1-based line/column position, moved forward over text."""

    line: int = 1
    col: int = 1

    def advance(self, text: str) -> None:
        newlines = text.count("\n")
        if newlines:
            self.line += newlines
            self.col = len(text) - text.rfind("\n")
        else:
            self.col += len(text)

    def advance_over(self, data: bytes, start: int, end: int) -> None:
        """:meth:`advance` over ``data[start:end]`` (UTF-8), without copying it, and decoding
        only what follows its last newline."""
        last = data.rfind(b"\n", start, end)
        if last >= 0:
            self.line += data.count(b"\n", start, end)
            self.col = 1 + len(_decode(data[last + 1 : end]))
        else:
            self.col += len(_decode(data[start:end]))


def _change(kind: str, at: _Cursor, snippet: str) -> dict[str, Any]:
    return {"type": kind, "line": at.line, "col": at.col, "snippet": snippet[:MAX_SNIPPET]}


def _decode(data: bytes) -> str:
    # A JS peer counts UTF-16 units and may cut inside a character; a history line must never
    # fail an edit over that.
    return data.decode("utf-8", errors="replace")


def _utf8(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode()


def changes_from_delta(before: str | bytes, delta: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One history change per insert/delete of ``delta``, applied to the text ``before``.

    A delete is positioned in ``before`` and its snippet is the deleted text; an insert is
    positioned in the text as it is after the ops before it. Snippets keep at most
    ``MAX_SNIPPET`` characters. Embedded (non-string) inserts are not text and are skipped.
    """
    source = _utf8(before)
    index = 0
    in_before = _Cursor()
    in_after = _Cursor()
    changes: list[dict[str, Any]] = []
    for op in delta:
        if "retain" in op:
            end = index + op["retain"]
            in_before.advance_over(source, index, end)
            in_after.advance_over(source, index, end)
            index = end
        elif "delete" in op:
            deleted = _decode(source[index : index + op["delete"]])
            index += op["delete"]
            changes.append(_change("delete", in_before, deleted))
            in_before.advance(deleted)
        elif isinstance(op.get("insert"), str) and op["insert"]:
            inserted: str = op["insert"]
            changes.append(_change("insert", in_after, inserted))
            in_after.advance(inserted)
    return changes


def removed_lines(before: str | bytes, delta: list[dict[str, Any]]) -> int:
    """How many lines ``delta``'s deletions touch in ``before`` (each deleted span counts the
    lines it reaches into)."""
    source = _utf8(before)
    index = 0
    lines = 0
    for op in delta:
        if "retain" in op:
            index += op["retain"]
        elif "delete" in op:
            deleted = source[index : index + op["delete"]]
            index += op["delete"]
            if deleted:
                lines += deleted.count(b"\n") + 1
    return lines


def apply_delta(before: str, delta: list[dict[str, Any]]) -> str:
    """The text after ``delta`` (with pycrdt's byte counts) is applied to ``before``."""
    return _decode(apply_delta_to_bytes(before.encode(), delta))


def apply_delta_to_bytes(source: bytes, delta: list[dict[str, Any]]) -> bytes:
    """:func:`apply_delta` on the text's UTF-8 bytes."""
    parts: list[bytes] = []
    index = 0
    for op in delta:
        if "retain" in op:
            parts.append(source[index : index + op["retain"]])
            index += op["retain"]
        elif "delete" in op:
            index += op["delete"]
        elif isinstance(op.get("insert"), str):
            parts.append(op["insert"].encode())
    parts.append(source[index:])
    return b"".join(parts)


@dataclass(slots=True)
class _Run:
    kind: str
    line: int
    col: int
    text: str  # untruncated, so the next keystroke's position can be checked against it

    def absorb(self, change: dict[str, Any]) -> bool:
        """Join ``change`` to this run if it continues the same typing; say whether it did."""
        snippet: str = change["snippet"]
        if change["type"] != self.kind or change["line"] != self.line:
            return False
        if self.kind == "insert" and change["col"] == self.col + len(self.text):
            self.text += snippet
            return True
        if self.kind == "delete" and change["col"] + len(snippet) == self.col:
            # Backspace: each deletion ends where the previous one began.
            self.text = snippet + self.text
            self.col = change["col"]
            return True
        if self.kind == "delete" and change["col"] == self.col:
            # Forward delete: the text closes up and the next deletion starts at the same place.
            self.text += snippet
            return True
        return False


def _mergeable(change: dict[str, Any]) -> bool:
    snippet: str = change["snippet"]
    # A snippet at the limit may have been cut, so its length says nothing about where it ends.
    return "\n" not in snippet and len(snippet) < MAX_SNIPPET


def merge_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Coalesce consecutive typing: a run of inserts continuing each other on one line, or of
    backspaces (or forward deletes) on one line, becomes one change with the joined snippet.

    Only neighbours in ``changes`` are merged: the caller passes one user's burst.
    """
    runs: list[_Run] = []
    open_run: _Run | None = None
    for change in changes:
        if open_run is not None and _mergeable(change) and open_run.absorb(change):
            continue
        run = _Run(change["type"], change["line"], change["col"], change["snippet"])
        runs.append(run)
        open_run = run if _mergeable(change) else None
    return [
        {"type": run.kind, "line": run.line, "col": run.col, "snippet": run.text[:MAX_SNIPPET]}
        for run in runs
    ]
