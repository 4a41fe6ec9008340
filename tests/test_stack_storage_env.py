"""The storage backend is chosen by the environment (CPIMS_STORAGE), strictly, at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SHOW = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from cpims.core.files import private_storage
print(json.dumps({
    "default": settings.STORAGES["default"]["BACKEND"],
    "private": settings.STORAGES["private"]["BACKEND"],
    "private_options": {k: v for k, v in settings.STORAGES["private"].get("OPTIONS", {}).items() if "key" not in k},
    "private_class": type(storages["private"]).__name__,
    "lazy_class": private_storage().__class__.__name__,
    "url_seconds": settings.CPIMS_FILE_URL_SECONDS,
}, default=str))
"""


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CPIMS_", "AWS_"))}
    base.update({"CPIMS_ENV": "test", "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "cpims.settings", **env})
    return subprocess.run(  # noqa: S603 - this interpreter, our own fixed script
        [sys.executable, "-c", SHOW], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


def test_filesystem_is_the_default() -> None:
    done = _settings()
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["default"] == "django.core.files.storage.FileSystemStorage"
    assert shown["private"] == "cpims.core.files.PrivateFileSystemStorage"
    assert shown["private_class"] == "PrivateFileSystemStorage"
    assert shown["url_seconds"] == 300


def test_s3_from_the_environment() -> None:
    done = _settings(
        CPIMS_STORAGE="s3",
        CPIMS_S3_BUCKET="cpims-private",
        CPIMS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        CPIMS_S3_ACCESS_KEY_ID="app",
        CPIMS_S3_SECRET_ACCESS_KEY="not-a-real-secret",
        CPIMS_FILE_URL_SECONDS="120",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["default"] == shown["private"] == "storages.backends.s3.S3Storage"
    assert shown["private_class"] == "S3Storage"
    options = shown["private_options"]
    assert options["bucket_name"] == "cpims-private" and options["location"] == "private"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["querystring_expire"] == 120 == shown["url_seconds"]
    assert "not-a-real-secret" not in done.stdout


def test_s3_needs_a_bucket() -> None:
    done = _settings(CPIMS_STORAGE="s3")
    assert done.returncode != 0 and "CPIMS_S3_BUCKET is required" in done.stderr


def test_unknown_backend_stops_start_up() -> None:
    done = _settings(CPIMS_STORAGE="ftp")
    assert done.returncode != 0 and "CPIMS_STORAGE must be filesystem or s3" in done.stderr
