"""What a Y.Text change did, in words for the history: pure functions, no I/O.

pycrdt reports a ``TextEvent.delta`` in document order: ``{"retain": n}``, ``{"insert": str}`` and
``{"delete": n}``. Its counts are UTF-8 *bytes* (pycrdt's documents use yrs' byte offsets), not
characters, so every count is applied to the UTF-8 encoding of the text; lines and columns in the
result count characters (code points), 1-based.

The text before the change is read through a :class:`documents.text_buffer.TextBuffer` (one is made
from a ``str`` or ``bytes``): the documents keep one per room, so a keystroke's position costs a
chunk of the text, not a scan of everything before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from documents.text_buffer import TextBuffer, decode

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


def _change(kind: str, at: _Cursor, snippet: str) -> dict[str, Any]:
    return {"type": kind, "line": at.line, "col": at.col, "snippet": snippet[:MAX_SNIPPET]}


def _buffer(text: str | bytes | TextBuffer) -> TextBuffer:
    return text if isinstance(text, TextBuffer) else TextBuffer(text)


def changes_from_delta(
    before: str | bytes | TextBuffer, delta: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One history change per insert/delete of ``delta``, applied to the text ``before`` (which
    is only read).

    A delete is positioned in ``before`` and its snippet is the deleted text; an insert is
    positioned in the text as it is after the ops before it. Snippets keep at most
    ``MAX_SNIPPET`` characters. Embedded (non-string) inserts are not text and are skipped.
    """
    source = _buffer(before)
    index = 0
    in_before = _Cursor()
    in_after = _Cursor()
    # Newlines the ops so far added (inserts) less those they removed (deletes).
    shift = 0
    changes: list[dict[str, Any]] = []
    for op in delta:
        if "retain" in op:
            index += op["retain"]
            line, col = source.position(index)
            if line != in_before.line:
                # The retained text ends on a line of ``before`` that the ops so far moved.
                in_after.line, in_after.col = line + shift, col
            else:
                in_after.col += col - in_before.col
            in_before.line, in_before.col = line, col
        elif "delete" in op:
            deleted = decode(source.slice(index, index + op["delete"]))
            index += op["delete"]
            changes.append(_change("delete", in_before, deleted))
            in_before.advance(deleted)
            shift -= deleted.count("\n")
        elif isinstance(op.get("insert"), str) and op["insert"]:
            inserted: str = op["insert"]
            changes.append(_change("insert", in_after, inserted))
            in_after.advance(inserted)
            shift += inserted.count("\n")
    return changes


def removed_lines(before: str | bytes | TextBuffer, delta: list[dict[str, Any]]) -> int:
    """How many lines ``delta``'s deletions touch in ``before`` (each deleted span counts the
    lines it reaches into)."""
    source = _buffer(before)
    index = 0
    lines = 0
    for op in delta:
        if "retain" in op:
            index += op["retain"]
        elif "delete" in op:
            deleted = source.slice(index, index + op["delete"])
            index += op["delete"]
            if deleted:
                lines += deleted.count(b"\n") + 1
    return lines


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
