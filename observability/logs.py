"""How every PeerPrep process logs: one line per event, as text or as JSON, never a secret.

Entry points call :func:`configure_logging` once. Log calls name their ids with ``extra=``
(``user_id``, ``room_id``, ``workflow_id``), or inherit them from :func:`log_context`, which the
socket handlers open around each event; Temporal's workflow and activity loggers contribute the
workflow id themselves. A filter on the handler redacts what must never reach a log: values of
secret-looking keys (password, token, secret, authorization…), JWTs, bearer credentials and
``token=…`` query parameters, wherever they appear in the line.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import IO, Any, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from temporalio import activity, workflow

LogFormat = Literal["text", "json"]

# The ids a line may carry, in the order a text line shows them.
CONTEXT_FIELDS = ("user_id", "room_id", "workflow_id")
REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "peerprep_log_context", default=MappingProxyType({})
)

# A key is secret when its name contains one of these (case-insensitive).
_SECRET_WORDS = r"pass(?:word|wd|phrase)|secret|token|authori[sz]ation|cookie|jwt|api_?key"
_SECRET_KEY = re.compile(rf"{_SECRET_WORDS}|credential", re.IGNORECASE)
# Secrets inside free text: JWTs, bearer credentials, key=value and "key": "value" pairs.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"\b(bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_KEY_NAME = rf"[\w-]*(?:{_SECRET_WORDS})[\w-]*"
_QUERY_PAIR = re.compile(rf"(\b{_KEY_NAME}=)[^&\s\"']+", re.IGNORECASE)
_QUOTED_PAIR = re.compile(rf"([\"']{_KEY_NAME}[\"']\s*:\s*[\"'])[^\"']*", re.IGNORECASE)
_SUSPECT = re.compile(r"eyJ|bearer|pass|secret|token|authori|cookie|jwt|api_?key", re.IGNORECASE)

# Attributes every LogRecord has: anything else on a record came from ``extra=``.
_STANDARD_ATTRS = (
    frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)
    | frozenset(RESERVED_ATTRS)
    | {"message", "asctime"}
)
# Extras never useful in a line: uvicorn's message again with terminal colours, and the raw
# Core entry the Temporal SDK attaches to forwarded logs (its text is already the message).
_DROPPED_ATTRS = frozenset({"color_message", "temporal_log"})


# Context ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def log_context(**ids: str | None) -> Iterator[None]:
    """Every line logged inside carries these ids (``None`` values are left out)."""
    merged = {**_context.get(), **{key: value for key, value in ids.items() if value}}
    token = _context.set(MappingProxyType(merged))
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Adds the ids of the current :func:`log_context`, and the workflow id Temporal's loggers
    attach, to records that do not name them already."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        if getattr(record, "workflow_id", None) is None:
            for source in ("temporal_workflow", "temporal_activity"):
                info = getattr(record, source, None)
                if isinstance(info, Mapping) and info.get("workflow_id"):
                    record.workflow_id = info["workflow_id"]
                    break
        return True


# Redaction -------------------------------------------------------------------------------------


def scrub(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``[redacted]``."""
    if not _SUSPECT.search(text):
        return text
    text = _JWT.sub(REDACTED, text)
    text = _BEARER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    text = _QUERY_PAIR.sub(lambda match: match.group(1) + REDACTED, text)
    return _QUOTED_PAIR.sub(lambda match: match.group(1) + REDACTED, text)


def redact(value: Any) -> Any:
    """A copy of ``value`` with secret keys' values replaced and strings scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if isinstance(key, str) and _SECRET_KEY.search(key) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact(item) for item in value)
    return value


class RedactFilter(logging.Filter):
    """Removes secrets from a record before any formatter sees it: the message is rendered once
    with redacted arguments and scrubbed, extras are redacted by key, tracebacks scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, Mapping):
            record.msg = redact(record.msg)
        else:
            if record.args:
                record.args = redact(record.args)
            try:
                message = record.getMessage()
            except Exception:
                # Arguments that do not fit the format: logging would report it while emitting;
                # a filter must not raise into the caller.
                message = f"{record.msg} (arguments did not fit the message)"
            record.msg = scrub(message)
            record.args = None
        for key in list(record.__dict__):
            if key in _DROPPED_ATTRS:
                del record.__dict__[key]
            elif key not in _STANDARD_ATTRS:
                value = record.__dict__[key]
                record.__dict__[key] = REDACTED if _SECRET_KEY.search(key) else redact(value)
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


# Formatting ------------------------------------------------------------------------------------


class TextFormatter(logging.Formatter):
    """The classic line, with the ids it carries at the end: ``… message [user_id=… room_id=…]``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        ids = [
            f"{key}={getattr(record, key)}"
            for key in CONTEXT_FIELDS
            if getattr(record, key, None) is not None
        ]
        return f"{line} [{' '.join(ids)}]" if ids else line


def json_formatter() -> logging.Formatter:
    """One JSON object per line: timestamp, level, logger, message, then every extra field."""
    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
        reserved_attrs=[*RESERVED_ATTRS, *_DROPPED_ATTRS],
    )


def build_handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A stream handler (stderr by default) with the formatter, the ids and the redaction."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(json_formatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter())
    return handler


def configure_logging(level: str, log_format: LogFormat) -> None:
    """Make the root logger write one line per record in ``log_format``, replacing whatever was
    configured before; for an entry point, once, before anything logs."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(build_handler(log_format))
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        # Served with ``log_config=None``, uvicorn's lines reach this handler: same format, and
        # access lines are scrubbed of query-string tokens.
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    if log_format == "json":
        # The ids already travel as fields; Temporal need not repeat them inside the message.
        workflow.logger.workflow_info_on_message = False
        activity.logger.activity_info_on_message = False
