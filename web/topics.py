"""The question bank's topics as the matching namespace checks them, without a query per join."""

from __future__ import annotations

import time

from storage.database import Database
from storage.questions import list_topics, topic_key

# A topic removed from the bank is still accepted this long; pairing copes (it falls back to any
# question of the difficulty). A topic added is seen at once: an unknown topic reads the bank.
FRESH_SECONDS = 30.0


class KnownTopics:
    """The bank's topics by ``topic_key``, read again when stale or when asked about a new one."""

    def __init__(self, database: Database, fresh_seconds: float = FRESH_SECONDS) -> None:
        self._database = database
        self._fresh_seconds = fresh_seconds
        self._by_key: dict[str, str] = {}
        self._read_at = float("-inf")

    async def spelled(self, topics: list[str]) -> list[str] | str:
        """The topics in the bank's own spelling (duplicates dropped), or a message naming the
        unknown ones."""
        keys = [topic_key(topic) for topic in topics]
        stale = time.monotonic() - self._read_at > self._fresh_seconds
        if stale or any(key not in self._by_key for key in keys):
            await self._read()
        unknown = [
            topic for topic, key in zip(topics, keys, strict=True) if key not in self._by_key
        ]
        if unknown:
            return f"unknown topics: {', '.join(unknown)}"
        return list(dict.fromkeys(self._by_key[key] for key in keys))

    async def _read(self) -> None:
        async with self._database.session() as session:
            rows = await list_topics(session)
        self._by_key = {topic_key(topic): topic for topic, _level, _count in rows}
        self._read_at = time.monotonic()
