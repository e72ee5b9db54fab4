"""Undo in the shared editor takes back only the student's own edits: never the state the room
sent on (re)connect, never the partner's text."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.student import Student
from tests.helpers.config import BROWSER_DOCUMENT_BYTES
from tests.helpers.up_process import Stack

ALICE_TEXT = "total = 41\nanswer = total + 1"
BOB_LINE = "\n# bob's idea"


async def meet(up: Stack, alice: Student, bob: Student) -> None:
    await alice.sign_up(up.base_url)
    await bob.sign_up(up.base_url)
    for student in (alice, bob):
        await student.choose("easy", ["Arrays"])
        await student.find_partner()
    for student in (alice, bob):
        await expect(student.page).to_have_url(re.compile(r"#/room/"))
        await student.wait_connected()


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("keys", ["Control+z", "Control+Shift+z", "Control+y", "Control+u"])
async def test_undo_after_a_reload_takes_back_only_the_students_own_line(
    up: Stack, students: tuple[Student, Student], keys: str
) -> None:
    alice, bob = students
    await meet(up, alice, bob)
    await alice.type_at_end(ALICE_TEXT)
    await bob.wait_for_text(ALICE_TEXT)

    # Bob comes back to the room: its state arrives in a fresh editor.
    await bob.page.reload()
    await bob.wait_connected()
    await bob.wait_for_text(ALICE_TEXT)
    await bob.type_at_end(BOB_LINE)
    await alice.wait_for_text(ALICE_TEXT + BOB_LINE)

    await bob.page.keyboard.press("Control+z")
    await bob.page.keyboard.press(keys)
    await bob.page.keyboard.press("Control+z")

    # Whatever redo restored, Alice's code is whole for both of them.
    for student in (alice, bob):
        await expect(student.page.locator(".cm-content")).to_contain_text("answer = total + 1")
    await bob.page.keyboard.press("Control+z")
    await alice.wait_for_text(ALICE_TEXT)
    await bob.wait_for_text(ALICE_TEXT)


LINES = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6"


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_a_select_all_delete_is_announced_and_either_member_restores_it(
    up: Stack, students: tuple[Student, Student]
) -> None:
    alice, bob = students
    await meet(up, alice, bob)
    await alice.type_at_end(LINES)
    await bob.wait_for_text(LINES)

    await bob.page.locator(".cm-content").click()
    await bob.page.keyboard.press("Control+a")
    await bob.page.keyboard.press("Delete")
    await alice.wait_for_text("")

    note = alice.page.locator(".chat-note", has_text=f"{bob.name} removed 6 lines.")
    await expect(note).to_be_visible()
    await expect(bob.page.locator(".chat-note", has_text="You removed 6 lines.")).to_be_visible()
    await note.get_by_role("button", name="Restore them").click()
    await alice.wait_for_text(LINES)
    await bob.wait_for_text(LINES)


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_a_refused_paste_is_explained_and_the_room_starts_again_from_what_was_saved(
    up: Stack, students: tuple[Student, Student]
) -> None:
    alice, bob = students
    await meet(up, alice, bob)
    await alice.type_at_end("kept = 1")
    await bob.wait_for_text("kept = 1")

    await alice.page.keyboard.insert_text("\n" + "x" * (BROWSER_DOCUMENT_BYTES + 100))

    await expect(alice.page.locator(".notice", has_text="was not saved")).to_contain_text(
        f"at most {BROWSER_DOCUMENT_BYTES} bytes"
    )
    await alice.wait_connected()
    await alice.wait_for_text("kept = 1")
    await bob.wait_for_text("kept = 1")
    # The room goes on from there.
    await alice.type_at_end("\nmore = 2")
    await bob.wait_for_text("kept = 1\nmore = 2")
