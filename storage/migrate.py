"""Schema migrations (Alembic) run programmatically: no alembic.ini to keep in step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.database import sync_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Percent signs in passwords would otherwise be read as interpolation by configparser.
    url = sync_url(database_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the database to the newest schema; a no-op when it is already there."""
    path = sync_url(database_url).database if database_url.startswith("sqlite") else None
    if path and path != ":memory:":
        # SQLite creates the file but not its folder.
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")
    if path and path != ":memory:":
        _write_ahead(path)


def _write_ahead(path: str) -> None:
    """Put the SQLite file in WAL mode, which it keeps, before any process opens it.

    Switching needs the file to itself: processes that each switched it on their first
    connection raced, and the losers' first write failed at once with "database is locked".
    """
    connection = sqlite3.connect(path, timeout=10)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
