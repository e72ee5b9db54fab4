"""The one settings object of PeerPrep.

Every value comes from the environment (``PEERPREP_*``) or from CLI flags passed in as overrides.
Nothing here runs at import time: entry points call :func:`get_settings`.
"""

from __future__ import annotations

import math
import os
import secrets
import string
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from limits import parse
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Secrets that ship in examples and docs: accepting one outside development would let anyone
# mint tokens. The last one is the Supabase local-development default.
PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "secret",
        "jwt-secret",
        "your-secret",
        "your-super-secret-jwt-token-with-at-least-32-characters-long",
        "super-secret-jwt-token-with-at-least-32-characters-long",
        # .env.example's
        "replace-with-openssl-rand-base64-48",
        "replace-with-openssl-rand-hex-24",
        "replace-with-openssl-rand-hex-32",
    }
)
MIN_SECRET_LENGTH = 32
# 32 random bytes: `openssl rand -base64 48` gives 384 bits, `openssl rand -hex 32` 256.
MIN_SECRET_BITS = 256
# Below this many bits per character the text repeats itself ("aaaa…", "abab…").
MIN_SECRET_BITS_PER_CHAR = 3.0


def secret_bits(value: str) -> float:
    """A generous estimate of a secret's entropy: its length times the bits of the smallest
    alphabet its characters come from (hex, alphanumeric, base64, printable), or nothing when its
    characters repeat themselves too much to be random."""
    if not value:
        return 0.0
    counts = Counter(value)
    spread = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    if spread < MIN_SECRET_BITS_PER_CHAR:
        return 0.0
    for alphabet in (
        string.digits + "abcdef",
        string.digits + "ABCDEF",
        string.ascii_letters + string.digits,
        string.ascii_letters + string.digits + "+/=-_",
    ):
        if set(value) <= set(alphabet):
            return len(value) * math.log2(len(alphabet))
    return len(value) * math.log2(95)


SECRET_FILE_NAME = "jwt-secret"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the environment variable."""


class Settings(BaseSettings):
    """Configuration for every PeerPrep process (web, worker, the all-in-one stack, the CLI)."""

    model_config = SettingsConfigDict(
        env_prefix="PEERPREP_",
        extra="ignore",
        validate_default=True,
        populate_by_name=True,
    )

    env: Environment = Environment.DEVELOPMENT
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Path(".peerprep")
    log_level: str = "info"
    # "json": one JSON object per line (timestamp, level, logger, message, ids), for collectors.
    log_format: Literal["text", "json"] = "text"
    # Where ``peerprep worker`` serves PeerPrep's /metrics; unset: nowhere. (The web tier serves
    # its own at /metrics on its port, the worker's too under ``peerprep up``.)
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # Where the Temporal SDK's own exporter serves its metrics (any process with a worker or a
    # Temporal client); unset: not exported.
    temporal_metrics_port: int | None = Field(default=None, ge=1, le=65535)

    database_url: str | None = None
    redis_url: str | None = None
    # The pub/sub channel of Socket.IO's fan-out: deployments sharing one Redis need their own
    # (Redis pub/sub ignores the database number in the URL).
    redis_channel: str = Field(default="peerprep", min_length=1, max_length=200)

    temporal_address: str | None = None
    temporal_port: int = Field(default=7233, ge=1, le=65535)
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535)
    temporal_namespace: str = "default"
    task_queue: str = "peerprep"

    jwt_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("PEERPREP_JWT_SECRET", "SUPABASE_JWT_SECRET", "jwt_secret"),
    )
    jwt_audience: str = "authenticated"
    jwt_issuer: str | None = None
    # Bearer token of operators for /metrics and /health/deep (admins' own tokens work too).
    operator_token: SecretStr | None = None
    # How often the web tier checks its dependencies for /health.
    health_check_seconds: float = Field(default=5.0, gt=0, le=300)
    jwt_ttl_seconds: int = Field(default=12 * 3600, ge=60, le=30 * 24 * 3600)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    # Matching: every timeout of the match workflows, in seconds.
    matchmaker_id: str = Field(default="matchmaker", min_length=1, max_length=200)
    match_timeout_seconds: float = Field(default=120.0, gt=0, le=24 * 3600)
    match_relax_topics_seconds: float = Field(default=30.0, gt=0)
    match_relax_difficulty_seconds: float = Field(default=60.0, gt=0)
    match_disconnect_grace_seconds: float = Field(default=30.0, ge=0)
    match_recent_pair_seconds: float = Field(default=600.0, ge=0)
    # The matchmaker continues as new once its history holds this many events.
    matchmaker_history_limit: int = Field(default=2_000, ge=20, le=50_000)

    # A stopping worker lets in-flight activities run this long before it cancels them.
    worker_shutdown_grace_seconds: float = Field(default=5.0, ge=0, le=600)

    # Code execution (see docs/execution.md): the executors' task queue, their sandboxes in
    # flight (each with its own uid, from exec_first_uid up), where their runs' folders go, and
    # the limits of one run; a question's CPU limit is its own, times the language's factor.
    exec_task_queue: str = Field(default="peerprep-exec", min_length=1, max_length=200)
    exec_slots: int = Field(default=2, ge=1, le=256)
    exec_first_uid: int = Field(default=60_000, ge=1_000, le=4_000_000_000)
    exec_work_dir: Path = Path("/tmp/peerprep-exec")
    exec_memory_mb: int = Field(default=256, ge=32, le=16_384)
    exec_output_kb: int = Field(default=64, ge=1, le=16_384)
    exec_processes: int = Field(default=64, ge=8, le=4_096)
    exec_open_files: int = Field(default=128, ge=16, le=65_536)
    exec_file_mb: int = Field(default=16, ge=1, le=16_384)
    exec_tmp_mb: int = Field(default=16, ge=1, le=16_384)
    exec_compile_seconds: float = Field(default=10.0, gt=0, le=600)
    exec_compile_memory_mb: int = Field(default=768, ge=64, le=16_384)
    # A cgroup v2 group whose subtree delegates memory, pids and cpu; unset: the host's own
    # cgroup v2 group, or v1 hierarchies.
    exec_cgroup_root: str = ""
    # A run no executor takes within this is answered Busy; one running longer is retried.
    exec_queue_seconds: float = Field(default=3.0, gt=0, le=600)
    exec_run_timeout_seconds: float = Field(default=60.0, gt=0, le=3_600)
    # Whether ``peerprep up`` runs an executor in its process tree.
    exec_in_up: bool = True
    # Whether a room's document starts with the starter code of its question (and follows the
    # language while nobody has typed).
    starter_code: bool = True

    # Collaboration sessions.
    session_idle_seconds: float = Field(default=600.0, gt=0)
    session_max_seconds: float = Field(default=7200.0, gt=0)
    # A web process renews its sockets' presence every third of this; a session forgets sockets
    # not renewed within it (a web process that died). 0: no lease.
    session_presence_lease_seconds: float = Field(default=90.0, ge=0)
    # A session continues as new once its history holds this many events.
    session_history_limit: int = Field(default=2_000, ge=20, le=50_000)
    # Documents: "leveldb" (the default: a folder under the data dir, owned by one process) or
    # "sql" (the application database, shared by every web process: needed past one process).
    document_store: Literal["leveldb", "sql"] = "leveldb"
    documents_dir: Path | None = None
    max_update_bytes: int = Field(default=1024 * 1024, ge=1024, le=16 * 1024 * 1024)
    # What one update may hold (documents.update_guard): new items, clients with new items, and
    # deleted ranges; and the most text a room's document may hold, in UTF-8 bytes.
    max_update_items: int = Field(default=1_000, ge=1, le=1_000_000)
    max_update_clients: int = Field(default=4, ge=1, le=1_000)
    max_update_deletes: int = Field(default=20_000, ge=1, le=1_000_000)
    # Concurrent edits (in clock units: characters, deleted ones too) that one update's items
    # may be placed among; yrs walks all of them (documents.item_order).
    max_update_concurrent: int = Field(default=8_192, ge=16, le=16 * 1024 * 1024)
    max_document_bytes: int = Field(default=256 * 1024, ge=1024, le=64 * 1024 * 1024)
    document_unload_seconds: float = Field(default=60.0, gt=0)
    history_burst_idle_seconds: float = Field(default=1.0, gt=0)
    history_burst_max_seconds: float = Field(default=5.0, gt=0)

    # Rate limits, in the ``limits`` notation ("60/second", "5 per 10 seconds"): see
    # docs/limits.md. Per user and room:
    limit_collab_updates: str = "60/second"
    # Event-loop milliseconds one user's updates may take to integrate in one room.
    limit_collab_apply_ms: str = "250 per 10 seconds"
    limit_collab_awareness: str = "60/second"
    limit_collab_chat: str = "5 per 5 seconds"
    limit_collab_language: str = "10/minute"
    limit_code_runs: str = "12/minute"
    # Per user: match joins and cancels, and attempt reports.
    limit_match_requests: str = "20/minute"
    limit_attempt_reports: str = "200/day"
    # Per client address, and per account for logins.
    limit_signups: str = "20/hour"
    limit_logins_per_address: str = "30/minute"
    limit_logins_per_account: str = "10/minute"
    # A completed attempt earns its points only if its room lasted this long (and the member
    # edited the code); a question's points go to a user once.
    points_min_session_seconds: float = Field(default=300.0, ge=0)
    # Sockets one user may hold open on one web process, per namespace.
    max_sockets_per_user: int = Field(default=8, ge=1, le=1_000)
    # Password hashes checked at once by one web process (each holds a core for ~50 ms).
    max_concurrent_password_checks: int = Field(default=4, ge=1, le=256)

    # The built browser client (index.html and its assets); unset: client/dist of the checkout.
    client_dir: Path | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        # A comma-separated list reads better in an environment file than JSON.
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator(
        "limit_collab_updates",
        "limit_collab_apply_ms",
        "limit_collab_awareness",
        "limit_collab_chat",
        "limit_collab_language",
        "limit_match_requests",
        "limit_attempt_reports",
        "limit_signups",
        "limit_logins_per_address",
        "limit_logins_per_account",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse(value)
        except ValueError:
            raise ValueError('must be a rate such as "60/second" or "5 per 10 seconds"') from None
        return value

    @field_validator("operator_token", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: Any) -> Any:
        # The compose file passes an unset variable through as "".
        return None if value == "" else value

    @model_validator(mode="after")
    def _strong_operator_token(self) -> Settings:
        token = self.operator_token.get_secret_value() if self.operator_token else None
        if (
            token is not None
            and not self.development
            and (token.strip().lower() in PLACEHOLDER_SECRETS or secret_bits(token) < 128)
        ):
            raise ValueError(
                "PEERPREP_OPERATOR_TOKEN must be a random token of at least 16 bytes "
                "(such as `openssl rand -hex 32`) when PEERPREP_ENV is not development"
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @property
    def development(self) -> bool:
        return self.env is Environment.DEVELOPMENT

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'peerprep.db').resolve()}"

    @property
    def resolved_documents_dir(self) -> Path:
        return (self.documents_dir or self.data_dir / "documents").resolve()

    @property
    def embedded_temporal(self) -> bool:
        """True when ``peerprep up`` should run its own Temporal dev server."""
        return self.temporal_address is None

    @property
    def resolved_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def temporal_ui_url(self) -> str | None:
        if not self.embedded_temporal:
            return None
        return f"http://127.0.0.1:{self.temporal_ui_port}"

    @property
    def allowed_origins(self) -> list[str] | str:
        """Browser origins allowed to call the API and open sockets.

        Any origin in development (tokens travel in headers, not cookies); in production only
        the configured ones.
        """
        if self.cors_origins:
            return self.cors_origins
        return "*" if self.development else []

    @property
    def token_issuer(self) -> str:
        """The ``iss`` claim of the tokens we issue."""
        return self.jwt_issuer or "peerprep"

    def require_jwt_secret(self) -> str:
        """The signing secret, refusing weak ones outside development."""
        value = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if not self.development and (
            value.strip().lower() in PLACEHOLDER_SECRETS
            or len(value) < MIN_SECRET_LENGTH
            or secret_bits(value) < MIN_SECRET_BITS
        ):
            raise SettingsError(
                "PEERPREP_JWT_SECRET (or SUPABASE_JWT_SECRET) must be a random secret of at least "
                f"{MIN_SECRET_BITS // 8} bytes (such as `openssl rand -base64 48`) when "
                "PEERPREP_ENV is not development; placeholders and short or repetitive text are "
                "refused"
            )
        if not value:
            raise SettingsError("PEERPREP_JWT_SECRET (or SUPABASE_JWT_SECRET) is not set")
        return value


def make_private(data_dir: Path) -> None:
    """Create the data directory readable by its owner only, or make an existing one so."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)


def _development_secret(data_dir: Path) -> str:
    """Read, or create once, the development signing secret kept beside the data (mode 0600)."""
    path = data_dir / SECRET_FILE_NAME
    if path.exists():
        return path.read_text().strip()
    make_private(data_dir)
    value = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together must agree on one secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = "_".join(str(part) for part in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        # A check of several settings names its variable in the message itself.
        lines.append(f"PEERPREP_{key}: {message}" if key else message)
    return "invalid settings: " + "; ".join(lines)


def get_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment plus explicit overrides (CLI flags).

    In development with no secret configured, one is generated and kept in the data dir.
    Raises :class:`SettingsError` with the offending variable named.
    """
    clean = {key: value for key, value in overrides.items() if value is not None}
    try:
        settings = Settings(**clean)
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
    if settings.jwt_secret is None and settings.development:
        settings.jwt_secret = SecretStr(_development_secret(settings.data_dir))
    return settings
