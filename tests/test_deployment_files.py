"""The deployment files agree with each other and with the settings.

No container engine runs here; Debian's docker-compose (v1) validates the compose file offline.
None of these tests touch the database.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "Dockerfile"
SETTINGS = REPO / "config" / "settings.py"

SERVICES = {"postgres", "redis", "web", "worker", "beat"}
APP_SERVICES = {"web", "worker", "beat"}
# Variables the compose file interpolates: taken from the .env under test, never the caller's.
INTERPOLATED = {"SECRET_KEY", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "HTTPS"}


def _docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        message = "docker-compose is not on PATH (Debian package docker-compose)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must have it to validate docker-compose.yml")
        pytest.skip(message)
    return path


def _compose_env() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in INTERPOLATED and not key.startswith("COMPOSE_")
    }


def _env_example_keys() -> list[str]:
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE)


@pytest.fixture
def compose_dir(tmp_path: Path) -> Path:
    """A copy of the compose file and build context with .env made from .env.example."""
    for name in ("docker-compose.yml", "Dockerfile", ".dockerignore"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    return tmp_path


def _run_config(compose_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_docker_compose(), "config", "-q"],
        cwd=compose_dir,
        env=_compose_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_file_validates_with_env_example(compose_dir: Path) -> None:
    result = _run_config(compose_dir)
    assert result.returncode == 0, result.stderr


def test_compose_file_refuses_to_run_without_secret_key(compose_dir: Path) -> None:
    env_file = compose_dir / ".env"
    lines = env_file.read_text().splitlines()
    env_file.write_text("\n".join(line for line in lines if not line.startswith("SECRET_KEY=")))
    result = _run_config(compose_dir)
    assert result.returncode != 0
    assert "set SECRET_KEY in .env" in result.stderr


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_compose_has_the_five_services(compose: dict) -> None:
    assert set(compose["services"]) == SERVICES


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_is_health_checked_or_waits_for_healthy_services(
    compose: dict, name: str
) -> None:
    service = compose["services"][name]
    healthcheck = service.get("healthcheck", {})
    has_healthcheck = bool(healthcheck.get("test")) and not healthcheck.get("disable", False)
    depends_on = service.get("depends_on", {})
    waits_for_healthy = (
        isinstance(depends_on, dict)
        and bool(depends_on)
        and all(
            (condition or {}).get("condition") == "service_healthy"
            for condition in depends_on.values()
        )
    )
    assert has_healthcheck or waits_for_healthy


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_takes_its_configuration_from_env(compose: dict, name: str) -> None:
    service = compose["services"][name]
    env_file = service["env_file"]
    assert ".env" in ([env_file] if isinstance(env_file, str) else env_file)
    environment = service["environment"]
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["HTTPS"] == "${HTTPS:-true}"
    assert environment["STATIC_MANIFEST"] == "true"
    assert service["restart"] == "unless-stopped"


def test_postgres_and_redis_keep_data_in_named_volumes(compose: dict) -> None:
    named = set(compose.get("volumes") or {})
    for service, target in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        mounts = [v.split(":") for v in compose["services"][service]["volumes"]]
        assert any(source in named and dest == target for source, dest, *_ in mounts), service
        assert compose["services"][service]["healthcheck"]["test"]


def test_every_variable_the_settings_read_is_in_env_example() -> None:
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", SETTINGS.read_text()))
    # Guard against a regex that silently matches nothing.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AXES_IP_HEADERS"} <= read
    missing = read - set(_env_example_keys())
    assert not missing, f"missing from .env.example: {sorted(missing)}"


def test_env_example_is_production_like_and_commented() -> None:
    keys = _env_example_keys()
    assert len(keys) == len(set(keys)), "duplicate keys in .env.example"
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(keys)
    lines = ENV_EXAMPLE.read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if re.match(r"[A-Z][A-Z0-9_]*=", line))
    assert values["DEBUG"] == "false"
    assert values["HTTPS"] == "true"
    assert len(values["SECRET_KEY"]) >= 50
    uncommented = [
        line
        for previous, line in zip(["", *lines], lines, strict=False)
        if re.match(r"[A-Z][A-Z0-9_]*=", line) and not previous.startswith("# ")
    ]
    assert not uncommented, f"no comment line above: {uncommented}"


def test_dockerfile_builds_assets_separately_and_runs_unprivileged() -> None:
    text = DOCKERFILE.read_text()
    assert "FROM node:20-bookworm-slim AS assets" in text
    assert "FROM python:3.11-slim-bookworm" in text
    assert "uv sync --frozen --no-dev --no-install-project" in text
    assert "collectstatic --noinput" in text
    assert "\nUSER app\n" in text
    assert "HEALTHCHECK" in text
    assert "/healthz" in text
