"""Engines and sessions for the application database (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


def _backend(url: URL) -> str:
    name = url.get_backend_name()
    return "postgresql" if name in {"postgres", "postgresql"} else name


def async_url(raw: str) -> URL:
    """The URL with the asyncio driver we use for its backend."""
    url = make_url(raw.replace("postgres://", "postgresql://", 1))
    return url.set(drivername=_ASYNC_DRIVERS[_backend(url)])


def sync_url(raw: str) -> URL:
    """The URL with a blocking driver, for migrations and command-line tools."""
    url = make_url(raw.replace("postgres://", "postgresql://", 1))
    return url.set(drivername=_SYNC_DRIVERS[_backend(url)])


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write (migrations put the file in WAL, so this is
    # a no-op there); the busy timeout turns brief lock contention between the web tier
    # and the worker into a wait instead of an error.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(raw: str) -> AsyncEngine:
    """An async engine for ``raw`` (any sqlite:// or postgresql:// URL)."""
    url = async_url(raw)
    if _backend(url) == "sqlite":
        # Writes begin IMMEDIATE: a deferred transaction that must upgrade its lock while
        # another connection writes fails at once with "database is locked", busy timeout or
        # not (seen with several processes appending to one room's documents).
        engine = create_async_engine(
            url, connect_args={"timeout": 10, "isolation_level": "IMMEDIATE"}
        )
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """The engine and session factory of one process."""

    def __init__(self, raw_url: str) -> None:
        self.url = raw_url
        self.engine = create_engine(raw_url)
        self.sessions = create_sessionmaker(self.engine)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
