"""Two students use the browser client end to end, each in their own browser context of headless
Chromium, against ``peerprep up``: sign up, browse questions, queue with compatible criteria,
meet in one room, type and see each other's text and caret, chat, restore an earlier version,
mark the question completed, leave, find the attempt in their history, log out and in again.

Every page is screenshotted to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.browser.student import Student
from tests.helpers.live_stack import LiveStack
from tests.helpers.up_process import Stack

StackFactory = Callable[..., LiveStack]

# The session ends, and records the attempts, once both have left.
SESSION_END_MS = 45_000
ALICE_TEXT = "# alice was here"
BOB_TEXT = "\n# bob too"


async def browse_questions(student: Student) -> None:
    page = student.page
    await page.get_by_role("link", name="Questions").click()
    await expect(page.locator(".question-item")).to_have_count(10)
    await page.get_by_role("button", name="Next →").click()
    await expect(page.locator(".pager")).to_contain_text("Page 2 of")
    await page.get_by_label("Difficulty").select_option("easy")
    await page.get_by_label("Topic").select_option("Hash Table")
    await expect(page.locator(".pager")).to_contain_text("Page 1 of 1")
    await expect(page.locator(".question-item").first).to_contain_text("Hash Table")
    await page.get_by_label("Search titles").fill("gift")
    await expect(page.locator(".question-item")).to_have_count(1)
    await expect(page).to_have_url(re.compile(r"q=gift"))
    await student.screenshot("03-questions")
    await page.get_by_role("link", name="Matching Gift Cards").click()
    await expect(page.get_by_role("heading", name="Matching Gift Cards")).to_be_visible()
    # The statement is Markdown: its `values[i]` is rendered as code.
    await expect(page.locator(".markdown code").first).to_have_text("values[i]")
    await student.screenshot("04-question")


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_two_students_pair_up_edit_together_and_find_the_attempt_in_their_history(
    up: Stack, students: tuple[Student, Student]
) -> None:
    alice, bob = students
    await alice.sign_up(up.base_url, screenshots=True)
    await bob.sign_up(up.base_url)
    await browse_questions(alice)

    # Compatible criteria: both easy, sharing Arrays.
    await alice.choose("easy", ["Arrays", "Hash Table"])
    await alice.screenshot("05-match")
    await alice.find_partner()
    await expect(alice.page.get_by_role("heading", name="Looking for a partner…")).to_be_visible()
    await expect(alice.page.locator(".waiting .position")).to_have_text("1")
    await alice.screenshot("06-match-waiting")
    await bob.choose("easy", ["Arrays"])
    await bob.find_partner()

    await expect(alice.page).to_have_url(re.compile(r"#/room/"))
    await expect(bob.page).to_have_url(re.compile(r"#/room/"))
    room = alice.room_id()
    assert bob.room_id() == room
    await alice.wait_connected()
    await bob.wait_connected()
    await expect(alice.page.locator(".room-people strong")).to_have_text(bob.name)

    # Each sees the other's text, and the other's caret (y-codemirror's remote selection).
    await alice.type_at_end(ALICE_TEXT)
    await bob.wait_for_text(ALICE_TEXT)
    await bob.type_at_end(BOB_TEXT)
    both = ALICE_TEXT + BOB_TEXT
    await alice.wait_for_text(both)
    for student, partner in ((alice, bob), (bob, alice)):
        caret = student.page.locator(".cm-ySelectionCaret")
        await expect(caret).to_have_count(1)
        await expect(caret.locator(".cm-ySelectionInfo")).to_have_text(partner.name)

    # The language is the room's: one picks it, the other's editor follows.
    await alice.page.get_by_label("Language").select_option("javascript")
    await expect(bob.page.get_by_label("Language")).to_have_value("javascript")

    await alice.say("Hash map of value to index?")
    await bob.sees_chat("Hash map of value to index?")
    await bob.say("Yes, one pass.")
    await alice.sees_chat("Yes, one pass.")

    # Without a connection the editor is read-only, and says so; back online, writable again.
    status, content = bob.page.locator("#connection-status"), bob.page.locator(".cm-content")
    partner_state = alice.page.locator(".room-people .presence")
    await expect(partner_state).to_have_text("online")
    await bob.go_offline(True)
    await expect(status).to_have_text("Reconnecting… (read-only)")
    await expect(content).to_have_attribute("contenteditable", "false")
    await expect(partner_state).to_have_text("not connected")
    await bob.go_offline(False)
    await expect(status).to_have_text("Connected")
    await expect(content).to_have_attribute("contenteditable", "true")
    # Alice sees him, and his caret, again at once (not after an awareness renewal, 15-30 s).
    await expect(partner_state).to_have_text("online", timeout=5_000)
    await expect(alice.page.locator(".cm-ySelectionCaret")).to_have_count(1, timeout=5_000)

    # Alice restores the version right after her own edit: Bob's line goes, for both of them.
    history = alice.page.locator(".history-item")
    await expect(history).to_have_count(2)
    await alice.screenshot("07-room-alice")
    await bob.screenshot("08-room-bob")
    await history.last.get_by_role("button", name="Restore").click()
    await alice.wait_for_text(ALICE_TEXT)
    await bob.wait_for_text(ALICE_TEXT)
    # The restore is itself an edit in the history, so it can be undone in turn.
    await expect(bob.page.locator(".history-item")).to_have_count(3)
    await bob.screenshot("09-room-restored")

    for student in (alice, bob):
        await student.page.get_by_role("button", name="Mark completed").click()
        await expect(student.page.get_by_role("button", name="Completed ✓")).to_be_disabled()
    await expect(alice.page.locator(".done-mark")).to_have_text("✓ completed")
    await expect(bob.page.locator(".done-mark")).to_have_text("✓ completed")

    await alice.leave_room()
    await expect(alice.page.get_by_text("recorded when the session ends")).to_be_visible()
    await bob.leave_room()

    # The session ends once both have left; its attempts then appear in both histories.
    for student, partner in ((alice, bob), (bob, alice)):
        attempt = student.page.locator(f'.attempt[data-session="{room}"]')
        await expect(attempt).to_be_visible(timeout=SESSION_END_MS)
        await expect(attempt.locator(".status-completed")).to_have_text("completed")
        # Marked completed, never submitted: no points (test_code_runs.py earns them).
        await expect(attempt.locator(".badge.points")).to_have_count(0)
        await expect(attempt.locator(".best-verdict")).to_have_count(0)
        await expect(attempt).to_contain_text(partner.name)
        await attempt.locator("summary", has_text="Final code").click()
        await expect(attempt.locator("pre")).to_have_text(ALICE_TEXT)
    await alice.screenshot("10-history-alice")
    await bob.screenshot("11-history-bob")

    await alice.page.get_by_role("link", name="Ranking").click()
    await expect(alice.page.locator("tr.mine")).to_contain_text(alice.name)
    await expect(alice.page.locator("table.ranking")).to_contain_text(bob.name)
    await alice.screenshot("12-ranking")
    await alice.page.get_by_role("link", name="Profile").click()
    await expect(alice.page.get_by_label("Username")).to_have_value(alice.name)
    await alice.screenshot("13-profile")
    await alice.log_out_and_in()

    for student in (alice, bob):
        assert student.page_errors == [], f"{student.name}: {student.page_errors}"
        assert student.console_errors == [], f"{student.name}: {student.console_errors}"


@pytest.mark.timeout(120)
async def test_a_student_waiting_alone_can_cancel_and_is_told_when_nobody_came(
    live_stack: StackFactory, browser: Browser, screenshots: Path, client_bundle: Path
) -> None:
    stack = live_stack(match_timeout_seconds=4.0)
    carol = await Student.open(browser, "carol", screenshots)
    try:
        await carol.sign_up(stack.base_url)
        await carol.choose("hard", ["Graphs"])
        await carol.find_partner()
        waiting = carol.page.get_by_role("heading", name="Looking for a partner…")
        await expect(waiting).to_be_visible()
        await carol.page.get_by_role("button", name="Cancel").click()
        await expect(carol.page.get_by_text("You left the queue.")).to_be_visible()

        await carol.find_partner()
        await expect(waiting).to_be_visible()
        await expect(carol.page.get_by_role("heading", name="No partner found")).to_be_visible()
        await expect(carol.page.get_by_role("button", name="Try again")).to_be_enabled()
        await carol.screenshot("14-match-timeout")
        assert carol.page_errors == []
        assert carol.console_errors == []
    finally:
        await carol.close()
