"""Telling our own cancellation apart from a timeout the SDK reports with the same error."""

from __future__ import annotations

import asyncio


def being_cancelled() -> bool:
    """Whether the running task has been asked to stop (a stopping process, a gone client)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
