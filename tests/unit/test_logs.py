"""Log lines: JSON that parses and carries the ids, text that shows them, and no secret ever."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from observability.logs import REDACTED, LogFormat, build_handler, log_context, scrub

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


class Captured:
    def __init__(self, log_format: LogFormat) -> None:
        self.stream = io.StringIO()
        self.logger = logging.getLogger(f"test.logs.{uuid.uuid4().hex}")
        self.logger.propagate = False
        self.logger.setLevel(logging.DEBUG)
        self.handler = build_handler(log_format, self.stream)
        self.logger.addHandler(self.handler)

    def close(self) -> None:
        self.logger.removeHandler(self.handler)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]


@pytest.fixture
def json_log() -> Iterator[Captured]:
    captured = Captured("json")
    yield captured
    captured.close()


@pytest.fixture
def text_log() -> Iterator[Captured]:
    captured = Captured("text")
    yield captured
    captured.close()


def test_a_json_line_has_the_standard_fields_and_the_given_ids(json_log: Captured) -> None:
    json_log.logger.info(
        "joined queue %s", "now", extra={"user_id": "u-1", "workflow_id": "match-u-1"}
    )
    (line,) = json_log.lines()
    assert line["message"] == "joined queue now"
    assert line["level"] == "INFO"
    assert line["logger"] == json_log.logger.name
    assert line["timestamp"].endswith("+00:00")
    assert line["user_id"] == "u-1"
    assert line["workflow_id"] == "match-u-1"
    assert "room_id" not in line


def test_ids_of_the_context_reach_every_line_inside_it(json_log: Captured) -> None:
    with log_context(user_id="u-2", room_id="r-9"):
        json_log.logger.info("first")
        with log_context(workflow_id="session-r-9"):
            json_log.logger.warning("second")
    json_log.logger.info("outside")
    first, second, outside = json_log.lines()
    assert (first["user_id"], first["room_id"]) == ("u-2", "r-9")
    assert "workflow_id" not in first
    assert (second["user_id"], second["room_id"], second["workflow_id"]) == (
        "u-2",
        "r-9",
        "session-r-9",
    )
    assert not {"user_id", "room_id", "workflow_id"} & set(outside)


def test_an_explicit_id_wins_over_the_context(json_log: Captured) -> None:
    with log_context(user_id="from-context"):
        json_log.logger.info("x", extra={"user_id": "explicit"})
    assert json_log.lines()[0]["user_id"] == "explicit"


def test_temporal_loggers_contribute_the_workflow_id(json_log: Captured) -> None:
    json_log.logger.info(
        "inside an activity",
        extra={"temporal_activity": {"workflow_id": "matchmaker", "activity_type": "notify"}},
    )
    assert json_log.lines()[0]["workflow_id"] == "matchmaker"


def test_an_exception_is_one_json_line_with_its_traceback(json_log: Captured) -> None:
    try:
        raise RuntimeError(f"bad token {JWT}")
    except RuntimeError:
        json_log.logger.exception("failed")
    (line,) = json_log.lines()
    assert "Traceback" in line["exc_info"]
    assert "RuntimeError" in line["exc_info"]
    assert JWT not in json_log.text


def test_text_lines_end_with_the_ids(text_log: Captured) -> None:
    with log_context(user_id="u-3", room_id="r-3"):
        text_log.logger.info("socket connected")
    line = text_log.text.strip()
    assert " INFO    " in line
    assert line.endswith("socket connected [user_id=u-3 room_id=r-3]")


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_secret_keys_in_extra_and_arguments_are_redacted(log_format: LogFormat) -> None:
    log = Captured(log_format)
    log.logger.info(
        "signup %s %s",
        {"email": "a@example.com", "password": "hunter2-long"},
        ("token", {"Authorization": "Bearer abc.def"}),
        extra={
            "password": "hunter3-long",
            "access_token": JWT,
            "request": {"headers": {"authorization": "Bearer xyz"}, "path": "/auth/login"},
            "user_id": "u-4",
        },
    )
    log.close()
    for secret in ("hunter2-long", "hunter3-long", JWT, "abc.def", "xyz"):
        assert secret not in log.text
    assert "a@example.com" in log.text
    assert "u-4" in log.text
    if log_format == "json":
        (line,) = log.lines()
        assert line["request"]["path"] == "/auth/login"
        assert line["password"] == REDACTED
        assert line["access_token"] == REDACTED
        assert line["request"]["headers"]["authorization"] == REDACTED


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"GET /socket.io/?EIO=4&token={JWT}&transport=websocket", JWT),
        ("GET /x?access_token=s3cr3t-value&page=2", "s3cr3t-value"),
        ("header Authorization: Bearer opaque-credential-123", "opaque-credential-123"),
        ("body {'password': 'pa55-word-x', 'email': 'e@x'}", "pa55-word-x"),
        ('body {"newPassword": "pa55-word-y"}', "pa55-word-y"),
        (f"a bare token {JWT} in prose", JWT),
    ],
)
def test_secrets_in_free_text_are_scrubbed(text: str, secret: str) -> None:
    cleaned = scrub(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_scrubbing_leaves_ordinary_text_alone() -> None:
    text = "GET /questions?page=2&topic=Arrays 200 passed basic checks"
    assert scrub(text) == text


def test_a_message_whose_arguments_do_not_fit_still_logs(json_log: Captured) -> None:
    json_log.logger.info("two %s %s", "only-one")
    assert json_log.lines()[0]["message"].startswith("two %s %s")
