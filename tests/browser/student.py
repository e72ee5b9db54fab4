"""One student at a browser: a Playwright page of their own browser context, and the steps a
person takes in the client (sign up, pick criteria, type in the editor, chat…)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, Error, Page, ViewportSize, expect

# The editor's text as the person sees it: its lines, without the partner's caret widget (whose
# label is the partner's name).
EDITOR_TEXT = """() => [...document.querySelectorAll(".cm-content .cm-line")].map((line) => {
  const copy = line.cloneNode(true);
  copy.querySelectorAll(".cm-ySelectionCaret, .cm-widgetBuffer").forEach((node) => node.remove());
  return copy.textContent;
}).join("\\n")"""
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
TEXT_WAIT_MS = 10_000


@dataclass
class Student:
    page: Page
    name: str
    email: str
    password: str
    screenshots: Path
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    @classmethod
    async def open(cls, browser: Browser, name: str, screenshots: Path) -> Student:
        """A fresh browser context (its own storage, as a second browser would have)."""
        context = await browser.new_context(viewport=VIEWPORT)
        page = await context.new_page()
        tag = secrets.token_hex(3)
        student = cls(
            page=page,
            name=f"{name}_{tag}",
            email=f"{name}-{tag}@example.com",
            password=f"pw-{tag}-long-enough",
            screenshots=screenshots,
        )
        page.on("pageerror", lambda error: student.page_errors.append(str(error)))
        page.on("console", student._console)
        return student

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    async def close(self) -> None:
        await self.page.context.close()

    async def screenshot(self, name: str) -> None:
        await self.page.screenshot(path=self.screenshots / f"{name}.png", full_page=True)

    async def sign_up(self, base_url: str, *, screenshots: bool = False) -> None:
        """From the front page: it asks us to log in; we make an account instead."""
        await self.page.goto(f"{base_url}/")
        await expect(self.page.get_by_role("heading", name="Log in")).to_be_visible()
        if screenshots:
            await self.screenshot("01-login")
        await self.page.get_by_role("link", name="Create an account").click()
        await self.page.get_by_label("Email").fill(self.email)
        await self.page.get_by_label("Username").fill(self.name)
        await self.page.get_by_label("Password").fill(self.password)
        if screenshots:
            await self.screenshot("02-signup")
        await self.page.get_by_role("button", name="Create account").click()
        await expect(self.page).to_have_url(re.compile(r"#/match$"))
        await expect(self.page.locator(".topbar .who")).to_have_text(self.name)

    async def log_out_and_in(self) -> None:
        await self.page.get_by_role("button", name="Log out").click()
        await expect(self.page.get_by_role("heading", name="Log in")).to_be_visible()
        await self.page.get_by_label("Email").fill(self.email)
        await self.page.get_by_label("Password").fill(self.password)
        await self.page.get_by_role("button", name="Log in").click()
        await expect(self.page).to_have_url(re.compile(r"#/match$"))
        await expect(self.page.locator(".topbar .who")).to_have_text(self.name)

    async def choose(self, difficulty: str, topics: list[str]) -> None:
        await self.page.goto(self.page.url.split("#")[0] + "#/match")
        await self.page.locator(f'input[name="difficulty"][value="{difficulty}"]').check()
        for topic in topics:
            await self.page.locator(f'input[name="topic"][value="{topic}"]').check()

    async def find_partner(self) -> None:
        await self.page.get_by_role("button", name="Find a partner").click()

    def room_id(self) -> str:
        found = re.search(r"#/room/([^?]+)$", self.page.url)
        assert found, f"{self.name} is not in a room: {self.page.url}"
        return found.group(1)

    async def wait_connected(self) -> None:
        await expect(self.page.locator("#connection-status")).to_have_text("Connected")

    async def go_offline(self, offline: bool) -> None:
        await self.page.context.set_offline(offline)

    async def type_at_end(self, text: str) -> None:
        editor = self.page.locator(".cm-content")
        await editor.click()
        await self.page.keyboard.press("Control+End")
        await self.page.keyboard.type(text)

    async def editor_text(self) -> str:
        text: str = await self.page.evaluate(EDITOR_TEXT)
        return text

    async def wait_for_text(self, expected: str) -> None:
        """Until the editor shows exactly ``expected``."""
        try:
            await self.page.wait_for_function(
                f"(expected) => ({EDITOR_TEXT})() === expected", arg=expected, timeout=TEXT_WAIT_MS
            )
        except Error:
            actual = await self.editor_text()
            raise AssertionError(f"{self.name} sees {actual!r}, not {expected!r}") from None

    async def say(self, text: str) -> None:
        box = self.page.get_by_role("textbox", name="Chat message")
        await box.fill(text)
        await box.press("Enter")

    async def sees_chat(self, text: str) -> None:
        await expect(self.page.locator(".chat-message .chat-text", has_text=text)).to_be_visible()

    async def leave_room(self) -> None:
        await self.page.get_by_role("button", name="Leave", exact=True).click()
        await self.page.get_by_role("button", name="Yes, leave").click()
        await expect(self.page).to_have_url(re.compile(r"#/history\?session="))
