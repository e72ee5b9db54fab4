"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import sqlite3
import warnings
from contextlib import closing
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SAWarning

from storage import migrate
from storage.database import sync_url
from storage.models import Base

EXPRESSION_INDEX = "uq_users_username_lower"


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection, warnings.catch_warnings():
            # SQLAlchemy cannot reflect an expression index from SQLite (it says so, and Alembic
            # skips it): there, that one index is checked by name instead.
            warnings.filterwarnings(
                "ignore", message=".*expression-based index", category=SAWarning
            )
            warnings.filterwarnings(
                "ignore", message=".*expression-based index", category=UserWarning
            )
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
            if connection.dialect.name == "sqlite":
                names = connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'index'")
                ).scalars()
                assert EXPRESSION_INDEX in set(names)
            assert diffs == []
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    migrate.upgrade(database_url)
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(migrate.alembic_config(database_url)).get_current_head()
        assert current == head
    finally:
        engine.dispose()


def test_a_migrated_sqlite_file_is_in_write_ahead_mode(tmp_path: Path) -> None:
    # Processes opening the file at once must not each switch it: the losers' writes failed.
    path = tmp_path / "fresh.db"
    migrate.upgrade(f"sqlite:///{path}")
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
