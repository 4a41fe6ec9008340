"""The container and host deployment files, checked statically (images cannot be pulled or built
here): compose.yaml's services, health checks, pinned images and no secrets; the Dockerfile's
stages, user and hash-checked install; the systemd units; deploy/env.example; `make stack`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE = ROOT / "compose.yaml"
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY\b|_KEY_ID\b|DSN", re.IGNORECASE)
PLACEHOLDER = "CHANGE-ME"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def test_compose_runs_the_whole_topology(compose: dict[str, Any]) -> None:
    services = _services(compose)
    assert {"web", "worker", "scheduler", "postgres", "redis", "minio"} <= set(services)
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()  # web runs the image's gunicorn CMD
    assert "command" not in services["web"]
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_schedule"]
    assert services["migrate"]["restart"] == "no"


def test_every_long_running_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        if service.get("restart") == "no":
            continue  # one-off jobs (migrate, minio-init)
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"


def test_app_services_wait_for_what_they_need(compose: dict[str, Any]) -> None:
    services = _services(compose)
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    web = services["web"]["depends_on"]
    assert web["migrate"]["condition"] == "service_completed_successfully"
    assert web["redis"]["condition"] == "service_healthy"
    assert web["minio-init"]["condition"] == "service_completed_successfully"
    for name in ("web", "worker", "scheduler", "migrate"):
        env = services[name]["environment"]
        assert env["CPIMS_ENV"] == "production" and env["CPIMS_STORAGE"] == "s3", name
        assert env["SECRET_KEY_FILE"].startswith("/run/secrets/"), name
        assert "SECRET_KEY" not in env, name
        assert services[name]["env_file"] == "${CPIMS_ENV_FILE:-deploy/cpims.env}", name


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        image = service["image"]
        repo, _, tag = image.rpartition(":")
        assert repo and tag, f"{name}: {image} has no tag"
        assert tag != "latest" and not tag.startswith("$"), f"{name}: {image} is not pinned"
        if not image.startswith("cpims-kenya:"):  # our own image is built from the Dockerfile
            assert re.search(r"\d", tag), f"{name}: {image} names no release"


def test_no_secret_in_compose(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        env = service.get("environment") or {}
        assert isinstance(env, dict), f"{name}: environment as a mapping"
        for key, value in env.items():
            if SECRET_WORDS.search(key) and not key.endswith("_FILE"):
                assert str(value).startswith("${"), f"{name}: {key} holds a value"
    # No credentials in any URL either (a password goes in the git-ignored env file).
    assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", COMPOSE.read_text())
    assert compose["secrets"]["secret_key"]["file"] == "deploy/secrets/secret_key"
    ignored = (ROOT / ".gitignore").read_text()
    assert "deploy/cpims.env" in ignored and "deploy/secrets/" in ignored


def test_env_example_has_placeholders_only() -> None:
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert "SECRET_KEY" not in values  # a file (SECRET_KEY_FILE), never a line here
    for key, value in values.items():
        if SECRET_WORDS.search(key) and not key.endswith(("_ACCESS_KEY_ID", "_USER")):
            assert value == PLACEHOLDER, f"{key} must be {PLACEHOLDER} in the example"
        if key == "DATABASE_URL":
            assert f":{PLACEHOLDER}@" in value
    # Every variable compose.yaml's services need from the file is in the example.
    for needed in ("POSTGRES_PASSWORD", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL", "CPIMS_S3_BUCKET"):
        assert needed in values
    for needed in ("CPIMS_S3_ACCESS_KEY_ID", "CPIMS_S3_SECRET_ACCESS_KEY", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"):
        assert needed in values


def test_dockerfile_is_multi_stage_non_root_and_hash_checked() -> None:
    text = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+) AS (\w+)", text, re.MULTILINE)
    assert [stage for _, stage in froms] == ["build", "app"]
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in text
    assert "--require-hashes" in text and "requirements/base.txt" in text
    assert "collectstatic --noinput" in text
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users and not users[-1].startswith(("root", "0"))
    assert re.search(r"^CMD .*gunicorn cpims\.wsgi:application", text, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK", text, re.MULTILINE)
    assert "SECRET_KEY=" not in text.replace('SECRET_KEY="$(python -c', "")  # only a throwaway at build
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".venv", "var", "deploy/secrets", "deploy/*.env", ".git"} <= set(ignored)  # no secret in the image


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("cpims-web.service", "gunicorn cpims.wsgi:application"),
        ("cpims-worker.service", "manage.py db_worker"),
        ("cpims-scheduler.service", "manage.py run_schedule"),
    ],
)
def test_systemd_units(unit: str, command: str) -> None:
    text = (ROOT / "deploy" / "systemd" / unit).read_text()
    sections = re.findall(r"^\[(\w+)\]", text, re.MULTILINE)
    assert sections == ["Unit", "Service", "Install"]
    assert command in text
    for line in ("User=cpims", "EnvironmentFile=/etc/cpims/cpims.env", "NoNewPrivileges=true", "ProtectSystem=strict"):
        assert line in text.splitlines(), f"{unit}: {line}"
    assert "SECRET_KEY_FILE=%d/secret_key" in text


def test_make_stack_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^stack: install-dev\n\tVENV_BIN=\$\(BIN\) scripts/stack\.sh$", makefile, re.MULTILINE)
    script = (ROOT / "scripts" / "stack.sh").read_text()
    for piece in ("8001 8002", "db_worker", "run_schedule", "moto_server", "CPIMS_STORAGE=s3", "/stack"):
        assert piece in script
    assert "sleep 0.2" in script and "sleep 1" not in script  # polls readiness, bounded
    bash = shutil.which("bash")
    assert bash
    assert subprocess.run([bash, "-n", str(ROOT / "scripts" / "stack.sh")], check=False).returncode == 0  # noqa: S603


def test_docker_compose_config() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine: `docker compose config` not run")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, check=False)  # noqa: S603
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin here: `docker compose config` not run")
    done = subprocess.run(  # noqa: S603 - the docker client, fixed arguments
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"],
        cwd=ROOT,
        env={"CPIMS_ENV_FILE": "deploy/env.example", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
