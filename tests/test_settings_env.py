"""Settings are read strictly from the environment, and production mode passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cpims.core import env

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize("raw", ["true", "1", "yes", "ON"])
def test_env_bool_true(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", False) is True


@pytest.mark.parametrize("raw", ["false", "0", "no", "Off"])
def test_env_bool_false(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", True) is False


@pytest.mark.parametrize("raw", ["ture", "2", "enabled", "y"])
def test_env_bool_rejects_anything_else(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env.env_bool("X_FLAG", False)


def test_env_int_rejects_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_NUM", "thirty")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("X_NUM", 1)


def test_secret_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.delenv("X_SECRET", raising=False)
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.env_secret("X_SECRET") == "s3cret-from-file"
    monkeypatch.setenv("X_SECRET", "direct")
    with pytest.raises(ImproperlyConfigured):
        env.env_secret("X_SECRET")


def _manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CPIMS_", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    clean.update(extra_env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "CPIMS_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-the-deploy-check-only",
    "DATABASE_URL": "postgres://cpims@127.0.0.1:5432/cpims",
    "ALLOWED_HOSTS": "cpims.example.go.ke",
    "SITE_URL": "https://cpims.example.go.ke",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_check_deploy_is_clean_in_production_mode() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
        ("DATABASE_URL", "DATABASE_URL"),
        ("SITE_URL", "SITE_URL"),
        ("EMAIL_BACKEND", "EMAIL_BACKEND"),
    ],
)
def test_production_refuses_to_start_without(missing: str, message: str) -> None:
    env_vars = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", **env_vars)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_debug_and_demo() -> None:
    assert _manage("check", DEBUG="true", **PRODUCTION_ENV).returncode != 0
    assert _manage("check", CPIMS_DEMO="true", **PRODUCTION_ENV).returncode != 0
    assert _manage("check", CPIMS_REQUIRE_2FA="false", **PRODUCTION_ENV).returncode != 0


def test_a_typo_in_a_boolean_stops_the_process() -> None:
    result = _manage("check", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_may_keep_the_console_for_mail_only_when_told() -> None:
    env_vars = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_BACKEND"}
    assert _manage("check", CPIMS_ALLOW_CONSOLE_EMAIL="true", **env_vars).returncode == 0
