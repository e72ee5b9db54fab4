"""``peerprep``: run the system, or one part of it, and do the chores around it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from observability.logs import configure_logging
from settings import Settings, SettingsError, get_settings, make_private
from storage import migrate as migrations
from storage import users
from storage.database import Database
from storage.errors import Conflict
from storage.models import Role
from storage.question_bank import seed as seed_bank
from workers import stack
from workers.ops import ops_app

app = typer.Typer(
    help="PeerPrep: practise technical interviews in pairs.",
    no_args_is_help=True,
    add_completion=False,
)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(ops_app, name="ops")

T = TypeVar("T")

Host = Annotated[
    str | None, typer.Option(help="Address the web tier binds.", envvar="PEERPREP_HOST")
]
Port = Annotated[int | None, typer.Option(help="Port of the web tier.", envvar="PEERPREP_PORT")]
DataDir = Annotated[
    Path | None,
    typer.Option(
        help="Where the SQLite database, documents, Temporal state and dev secret live.",
        envvar="PEERPREP_DATA_DIR",
    ),
]
TemporalAddress = Annotated[
    str | None,
    typer.Option(
        help="host:port of an existing Temporal cluster (then no dev server is started).",
        envvar="PEERPREP_TEMPORAL_ADDRESS",
    ),
]
TemporalPort = Annotated[
    int | None,
    typer.Option(
        help="gRPC port of the embedded Temporal server.", envvar="PEERPREP_TEMPORAL_PORT"
    ),
]
TemporalUiPort = Annotated[
    int | None,
    typer.Option(help="Port of the embedded Temporal Web UI.", envvar="PEERPREP_TEMPORAL_UI_PORT"),
]


def _settings(**overrides: Any) -> Settings:
    # Whatever a PeerPrep process creates (the SQLite file, LevelDB's files, Temporal's state,
    # the dev secret) is its owner's alone.
    os.umask(0o077)
    try:
        settings = get_settings(**overrides)
    except SettingsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    make_private(settings.data_dir)
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    # uvloop when the platform has it: the hot paths (a keystroke's relay, a match's events) are
    # socket I/O on this loop. uvicorn would pick it too, but here we own the loop, not uvicorn.
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(coroutine)
    except SettingsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # not built for every platform; the standard loop does the same work
        return None
    return uvloop.new_event_loop


@app.command()
def up(
    host: Host = None,
    port: Port = None,
    data_dir: DataDir = None,
    temporal_address: TemporalAddress = None,
    temporal_port: TemporalPort = None,
    temporal_ui_port: TemporalUiPort = None,
) -> None:
    """Run the whole system on embedded defaults: Temporal dev server, database, worker, web."""
    settings = _settings(
        host=host,
        port=port,
        data_dir=data_dir,
        temporal_address=temporal_address,
        temporal_port=temporal_port,
        temporal_ui_port=temporal_ui_port,
    )
    _run(stack.run_up(settings))


@app.command()
def web(
    host: Host = None,
    port: Port = None,
    data_dir: DataDir = None,
    temporal_address: TemporalAddress = None,
) -> None:
    """Run the web tier alone (REST API and Socket.IO) against an existing Temporal."""
    settings = _settings(host=host, port=port, data_dir=data_dir, temporal_address=temporal_address)
    _run(stack.run_web(settings))


@app.command()
def worker(data_dir: DataDir = None, temporal_address: TemporalAddress = None) -> None:
    """Run a Temporal worker alone (workflows and activities) against an existing Temporal."""
    settings = _settings(data_dir=data_dir, temporal_address=temporal_address)
    _run(stack.run_worker(settings))


@app.command()
def executor(data_dir: DataDir = None, temporal_address: TemporalAddress = None) -> None:
    """Run an executor alone: students' code in sandboxes, from the executors' task queue."""
    settings = _settings(data_dir=data_dir, temporal_address=temporal_address)
    _run(stack.run_executor(settings))


@app.command()
def migrate(
    data_dir: DataDir = None,
    seed_if_empty: Annotated[
        bool, typer.Option("--seed-if-empty", help="Load the question bank into an empty database.")
    ] = False,
) -> None:
    """Bring the database schema to the newest version."""
    settings = _settings(data_dir=data_dir)
    added = _run(stack.prepare_database(settings, seed_if_empty=seed_if_empty))
    typer.echo(
        "database is at the newest schema" + (f"; loaded {added} questions" if added else "")
    )


@app.command()
def seed(data_dir: DataDir = None) -> None:
    """Add the question bank's questions that are missing (by id or title)."""
    settings = _settings(data_dir=data_dir)
    migrations.upgrade(settings.resolved_database_url)

    async def load() -> int:
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                return await seed_bank(session)
        finally:
            await database.dispose()

    typer.echo(f"added {_run(load())} questions")


@users_app.command("create")
def create_user(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PEERPREP_NEW_USER_PASSWORD",
            help="The password (prompted for when not given).",
        ),
    ],
    username: Annotated[
        str | None, typer.Option(help="Defaults to the email's local part.")
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="Give the account the admin role.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Create an account; with --admin on an existing account, promote it."""
    from storage.passwords import Passwords  # only this command hashes

    settings = _settings(data_dir=data_dir)
    if len(password) < 8:
        typer.echo("error: the password must have at least 8 characters", err=True)
        raise typer.Exit(2)
    migrations.upgrade(settings.resolved_database_url)
    name = username or email.split("@", 1)[0]
    role = Role.ADMIN if admin else Role.USER

    async def create() -> str:
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                existing = await users.get_by_email(session, email)
                if existing is not None:
                    if admin:
                        await users.set_role(session, existing, Role.ADMIN)
                        return f"{existing.email} is now an admin"
                    return f"{existing.email} already exists; nothing changed"
                password_hash = await Passwords().hash(password)
                user = await users.create_user(
                    session, email=email, username=name, password_hash=password_hash, role=role
                )
                return f"created {role.value} {user.email} ({user.id})"
        finally:
            await database.dispose()

    try:
        typer.echo(_run(create()))
    except Conflict as conflict:
        typer.echo(f"error: {conflict.message}", err=True)
        raise typer.Exit(1) from None
