"""Run and Submit in the browser client, in headless Chromium against ``peerprep up`` (whose
executor runs the code in its real sandbox): one partner submits, both see Accepted; a wrong
answer shows the failing public case with its input, expected output and output; once both
leave, each one's history shows the Accepted submission and the question's points."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.student import Student
from tests.helpers.up_process import Stack

SOLUTIONS = Path(__file__).parents[1] / "solutions" / "python"
RUN_MS = 30_000
# The session ends, and records the attempts, once both have left.
SESSION_END_MS = 45_000


def question_of(stack: Stack, room: str) -> int:
    with closing(sqlite3.connect(stack.data_dir / "peerprep.db")) as database:
        (question,) = database.execute(
            "SELECT question_id FROM rooms WHERE id = ?", (room,)
        ).fetchone()
    return int(question)


async def paste(student: Student, text: str) -> None:
    """Into the empty editor as one input, as a paste is (no auto-indent per keystroke)."""
    await student.page.locator(".cm-content").click()
    await student.page.keyboard.insert_text(text)


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_partners_run_and_submit_and_both_see_every_verdict(
    up: Stack, students: tuple[Student, Student]
) -> None:
    alice, bob = students
    await alice.sign_up(up.base_url)
    await bob.sign_up(up.base_url)
    for student in (alice, bob):
        await student.choose("easy", ["Arrays"])
        await student.find_partner()
    await expect(alice.page).to_have_url(re.compile(r"#/room/"))
    await expect(bob.page).to_have_url(re.compile(r"#/room/"))
    await alice.wait_connected()
    await bob.wait_connected()
    reference = (SOLUTIONS / f"q{question_of(up, alice.room_id()):03d}.py").read_text()
    name = reference.split("def ", 1)[1].split("(", 1)[0]

    # A wrong answer: both see the first public case, with what went in and what came out.
    wrong = f"def {name}(*args):\n    return None\n"
    await paste(alice, wrong)
    await bob.wait_for_text(wrong)
    await alice.page.get_by_role("button", name="Run", exact=True).click()
    for student in (alice, bob):
        summary = student.page.locator(".run-summary")
        await expect(summary).to_contain_text("Wrong Answer", timeout=RUN_MS)
        first = student.page.locator(".run-case").first
        await expect(first).to_contain_text("Input")
        await expect(first).to_contain_text("Expected")
        # What came back: None, which is not of the function's return type.
        await expect(first).to_contain_text("returned NoneType")
    await alice.screenshot("20-run-wrong-answer")

    # Bob replaces it with a right one and submits: both see Accepted, every case passed.
    await bob.page.locator(".cm-content").click()
    await bob.page.keyboard.press("Control+A")
    await bob.page.keyboard.press("Delete")
    await paste(bob, reference)
    await alice.wait_for_text(reference)
    await bob.page.get_by_role("button", name="Submit").click()
    for student in (alice, bob):
        summary = student.page.locator(".run-summary")
        await expect(summary).to_contain_text("Accepted", timeout=RUN_MS)
        await expect(summary).to_contain_text(re.compile(r"(\d+)/\1 passed"))
        await expect(student.page.locator(".hidden-case").first).to_be_visible()
    await bob.screenshot("21-submit-accepted")

    # Both wrote code, the room's submission was Accepted: the question's points are theirs.
    room = alice.room_id()
    await alice.leave_room()
    await bob.leave_room()
    for student in (alice, bob):
        attempt = student.page.locator(f'.attempt[data-session="{room}"]')
        await expect(attempt).to_be_visible(timeout=SESSION_END_MS)
        await expect(attempt.locator(".best-verdict")).to_have_text("Accepted")
        # Nobody pressed "Mark completed": the Accepted submission completed the question.
        await expect(attempt.locator(".status-completed")).to_have_text("completed")
        await expect(attempt.locator(".badge.points")).to_have_text("+1 pt")
        await expect(student.page.locator(".by-difficulty .bar-value")).to_have_text(["1/1"])
    await alice.screenshot("22-history-accepted")

    for student in (alice, bob):
        assert student.page_errors == [], f"{student.name}: {student.page_errors}"
