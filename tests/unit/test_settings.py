"""Settings come from the environment, fail loudly with the key named, and guard the secret."""

from __future__ import annotations

import secrets
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from settings import SettingsError, get_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("PEERPREP_JWT_SECRET", "SUPABASE_JWT_SECRET", "PEERPREP_ENV", "PEERPREP_PORT"):
        monkeypatch.delenv(key, raising=False)


def test_invalid_value_names_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERPREP_PORT", "not-a-port")
    with pytest.raises(SettingsError, match="PEERPREP_PORT"):
        get_settings()


def test_unknown_database_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PEERPREP_DATABASE_URL"):
        get_settings(data_dir=tmp_path, database_url="mysql://localhost/x")


def test_development_secret_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = get_settings(data_dir=tmp_path).require_jwt_secret()
    second = get_settings(data_dir=tmp_path).require_jwt_secret()
    assert first == second
    assert len(first) >= 32
    mode = stat.S_IMODE((tmp_path / "jwt-secret").stat().st_mode)
    assert mode == 0o600


def test_supabase_secret_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUPABASE_JWT_SECRET", "s" * 40)
    assert get_settings(data_dir=tmp_path).require_jwt_secret() == "s" * 40
    assert not (tmp_path / "jwt-secret").exists()


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "changeme",
        "super-secret-jwt-token-with-at-least-32-characters-long",
        "short",
        "replace-with-openssl-rand-base64-48",
        "a" * 64,
        "0123456789abcdef0123456789abcdef",
    ],
)
def test_production_refuses_a_missing_or_placeholder_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, secret: str | None
) -> None:
    monkeypatch.setenv("PEERPREP_ENV", "production")
    if secret is not None:
        monkeypatch.setenv("PEERPREP_JWT_SECRET", secret)
    settings = get_settings(data_dir=tmp_path)
    with pytest.raises(SettingsError, match="PEERPREP_JWT_SECRET"):
        settings.require_jwt_secret()
    assert not (tmp_path / "jwt-secret").exists()


def test_database_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'peerprep.db').resolve()}"


def test_cors_origins_read_as_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PEERPREP_CORS_ORIGINS", "http://a.example, http://b.example")
    settings = get_settings(data_dir=tmp_path)
    assert settings.cors_origins == ["http://a.example", "http://b.example"]


@pytest.mark.parametrize("make", [lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(48)])
def test_production_accepts_a_random_secret_of_32_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, make: Callable[[], str]
) -> None:
    value = make()
    monkeypatch.setenv("PEERPREP_ENV", "production")
    monkeypatch.setenv("PEERPREP_JWT_SECRET", value)
    assert get_settings(data_dir=tmp_path).require_jwt_secret() == value


@pytest.mark.parametrize("token", ["replace-with-openssl-rand-hex-32", "short", "o" * 40])
def test_production_refuses_a_placeholder_or_weak_operator_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, token: str
) -> None:
    monkeypatch.setenv("PEERPREP_ENV", "production")
    monkeypatch.setenv("PEERPREP_OPERATOR_TOKEN", token)
    with pytest.raises(SettingsError, match="PEERPREP_OPERATOR_TOKEN"):
        get_settings(data_dir=tmp_path)
