"""History changes from Y.Text deltas: hand-written deltas and ones from real pycrdt edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pycrdt import Doc, Text, TextEvent

from documents.text_buffer import TextBuffer
from documents.text_changes import MAX_SNIPPET, changes_from_delta, merge_changes, removed_lines


def ins(line: int, col: int, snippet: str) -> dict[str, Any]:
    return {"type": "insert", "line": line, "col": col, "snippet": snippet}


def dele(line: int, col: int, snippet: str) -> dict[str, Any]:
    return {"type": "delete", "line": line, "col": col, "snippet": snippet}


def pycrdt_delta(before: str, edit: Callable[[Text], None]) -> list[dict[str, Any]]:
    """The delta pycrdt reports when ``edit`` runs (in one transaction) on a text ``before``."""
    doc: Doc[Text] = Doc()
    text = doc.get("content", type=Text)
    text += before
    deltas: list[list[dict[str, Any]]] = []

    def record(event: TextEvent) -> None:
        # pycrdt declares ``delta`` only in a docstring, so mypy cannot see it.
        deltas.append(list(event.delta))  # type: ignore[attr-defined]

    text.observe(record)
    with doc.transaction():
        edit(text)
    assert len(deltas) == 1
    buffer = TextBuffer(before)
    assert buffer.apply(deltas[0])
    assert str(buffer) == str(text)
    return deltas[0]


# Single operations at the start, middle and end.


def test_insert_at_start_is_line_1_col_1() -> None:
    assert changes_from_delta("abc", [{"insert": "X"}]) == [ins(1, 1, "X")]


def test_insert_in_the_middle_counts_the_retained_text() -> None:
    assert changes_from_delta("abc", [{"retain": 2}, {"insert": "X"}]) == [ins(1, 3, "X")]


def test_insert_at_the_end() -> None:
    assert changes_from_delta("abc", [{"retain": 3}, {"insert": "XY"}]) == [ins(1, 4, "XY")]


def test_insert_into_empty_text() -> None:
    assert changes_from_delta("", [{"insert": "hello"}]) == [ins(1, 1, "hello")]


def test_delete_at_start_takes_the_deleted_text_from_before() -> None:
    assert changes_from_delta("abcdef", [{"delete": 2}]) == [dele(1, 1, "ab")]


def test_delete_in_the_middle() -> None:
    assert changes_from_delta("abcdef", [{"retain": 2}, {"delete": 3}]) == [dele(1, 3, "cde")]


def test_delete_at_the_end() -> None:
    assert changes_from_delta("abcdef", [{"retain": 5}, {"delete": 1}]) == [dele(1, 6, "f")]


# Lines and columns.


def test_position_right_after_a_newline_is_column_1_of_the_next_line() -> None:
    before = "def f():\n    return 1\n"
    assert changes_from_delta(before, [{"retain": 9}, {"insert": "#"}]) == [ins(2, 1, "#")]
    assert changes_from_delta(before, [{"retain": 22}, {"insert": "x"}]) == [ins(3, 1, "x")]


def test_column_counts_from_the_last_newline() -> None:
    before = "one\ntwo\nthree"
    assert changes_from_delta(before, [{"retain": 10}, {"delete": 2}]) == [dele(3, 3, "re")]


def test_deleted_newlines_are_in_the_snippet_and_position_is_where_the_delete_starts() -> None:
    before = "ab\ncd\nef"
    assert changes_from_delta(before, [{"retain": 1}, {"delete": 5}]) == [dele(1, 2, "b\ncd\n")]


def test_insert_containing_newlines_moves_later_positions_to_new_lines() -> None:
    delta: list[dict[str, Any]] = [{"insert": "x\ny\n"}, {"retain": 1}, {"insert": "!"}]
    assert changes_from_delta("ab", delta) == [ins(1, 1, "x\ny\n"), ins(3, 2, "!")]


# Snippets.


def test_long_snippets_are_truncated() -> None:
    long_text = "x" * 500
    [inserted] = changes_from_delta("", [{"insert": long_text}])
    [deleted] = changes_from_delta(long_text, [{"delete": 500}])
    assert inserted["snippet"] == "x" * MAX_SNIPPET
    assert deleted["snippet"] == "x" * MAX_SNIPPET
    assert MAX_SNIPPET == 120


# Several operations in one delta.


def test_deletes_are_positioned_in_before_and_inserts_in_the_text_so_far() -> None:
    # "hello world" -> "HEY world!": delete "hello" (before: 1:1), insert "HEY" (1:1),
    # then, six characters on, "!" at the end of the new text (1:10).
    delta: list[dict[str, Any]] = [{"delete": 5}, {"insert": "HEY"}, {"retain": 6}, {"insert": "!"}]
    assert changes_from_delta("hello world", delta) == [
        dele(1, 1, "hello"),
        ins(1, 1, "HEY"),
        ins(1, 10, "!"),
    ]


def test_a_later_delete_is_positioned_in_before_even_after_inserts() -> None:
    delta: list[dict[str, Any]] = [{"insert": "line0\n"}, {"retain": 4}, {"delete": 1}]
    assert changes_from_delta("abc\ndef", delta) == [ins(1, 1, "line0\n"), dele(2, 1, "d")]


def test_a_real_pycrdt_transaction_with_several_ops() -> None:
    def edit(text: Text) -> None:
        text.insert(0, "# title\n")
        del text[8 + 5 : 8 + 7]  # "ef" of "abc\ndef\n"
        text.insert(len(text), "end")

    delta = pycrdt_delta("abc\ndef\n", edit)
    assert changes_from_delta("abc\ndef\n", delta) == [
        ins(1, 1, "# title\n"),
        dele(2, 2, "ef"),
        ins(4, 1, "end"),
    ]


def test_non_ascii_text_where_pycrdt_counts_utf8_bytes() -> None:
    before = "é😀\nçb"

    def edit(text: Text) -> None:
        start = len("é😀\nç".encode())
        del text[start : start + 1]  # "b"
        text.insert(len("é".encode()), "ü")

    delta = pycrdt_delta(before, edit)
    assert changes_from_delta(before, delta) == [ins(1, 2, "ü"), dele(2, 2, "b")]


def test_attributes_and_empty_or_embedded_inserts_do_not_make_changes() -> None:
    delta: list[dict[str, Any]] = [
        {"retain": 1, "attributes": {"bold": True}},
        {"insert": ""},
        {"insert": {"image": "x.png"}},
        {"insert": "z", "attributes": {"bold": True}},
    ]
    assert changes_from_delta("ab", delta) == [ins(1, 2, "z")]


# Merging a burst.


def test_a_typed_word_becomes_one_insert() -> None:
    typed = [ins(3, 5 + i, letter) for i, letter in enumerate("return")]
    assert merge_changes(typed) == [ins(3, 5, "return")]


def test_a_backspace_run_becomes_one_delete_at_its_leftmost_position() -> None:
    # Backspacing "world" from the end of "hello world" on line 2.
    backspaces = [dele(2, 7 + i, letter) for i, letter in reversed(list(enumerate("world")))]
    assert merge_changes(backspaces) == [dele(2, 7, "world")]


def test_a_forward_delete_run_becomes_one_delete() -> None:
    assert merge_changes([dele(1, 4, "a"), dele(1, 4, "b"), dele(1, 4, "c")]) == [dele(1, 4, "abc")]


def test_a_long_burst_merges_but_keeps_the_snippet_at_most_120() -> None:
    typed = [ins(1, 1 + i, "x") for i in range(300)]
    assert merge_changes(typed) == [ins(1, 1, "x" * MAX_SNIPPET)]


def test_typing_then_backspacing_are_two_changes() -> None:
    changes = [ins(1, 1, "a"), ins(1, 2, "b"), dele(1, 2, "b"), dele(1, 1, "a")]
    assert merge_changes(changes) == [ins(1, 1, "ab"), dele(1, 1, "ab")]


def test_no_merging_across_lines() -> None:
    changes = [ins(1, 1, "a"), ins(1, 2, "\n"), ins(2, 1, "b"), ins(2, 2, "c")]
    assert merge_changes(changes) == [ins(1, 1, "a"), ins(1, 2, "\n"), ins(2, 1, "bc")]
    # A position that happens to follow on another line is not a continuation either.
    assert merge_changes([ins(1, 1, "a"), ins(2, 2, "b")]) == [ins(1, 1, "a"), ins(2, 2, "b")]


def test_separate_bursts_elsewhere_in_the_text_are_not_merged() -> None:
    # Two users' typing interleaved in one list is not a continuation: merge only joins
    # neighbours that continue each other, and the caller passes one user's burst.
    changes = [ins(1, 1, "a"), ins(5, 1, "x"), ins(1, 2, "b"), ins(5, 2, "y")]
    assert merge_changes(changes) == changes
    assert merge_changes([ins(1, 1, "a"), ins(1, 7, "b")]) == [ins(1, 1, "a"), ins(1, 7, "b")]


def test_a_possibly_truncated_snippet_is_never_extended() -> None:
    pasted = ins(1, 1, "p" * MAX_SNIPPET)
    after = ins(1, 1 + MAX_SNIPPET, "q")
    assert merge_changes([pasted, after]) == [pasted, after]


def test_merging_leaves_its_input_alone_and_handles_nothing() -> None:
    changes = [ins(1, 1, "a"), ins(1, 2, "b")]
    merge_changes(changes)
    assert changes == [ins(1, 1, "a"), ins(1, 2, "b")]
    assert merge_changes([]) == []


def test_removed_lines_counts_every_line_a_deletion_reaches_into() -> None:
    before = "a = 1\nb = 2\nc = 3\n"
    assert removed_lines(before, [{"delete": len(before.encode())}]) == 4
    assert removed_lines(before, [{"retain": 2}, {"delete": 1}]) == 1
    assert removed_lines(before, [{"retain": 4}, {"delete": 4}, {"insert": "x"}]) == 2
    assert removed_lines(before, [{"insert": "new\nlines\n"}]) == 0
    assert removed_lines("é\né\n", [{"delete": len("é\né".encode())}]) == 2
