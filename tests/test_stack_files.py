"""Private files in the shared storage (cpims/core/files.py): signed file URLs, streamed through
the scope check, on the filesystem default and on S3 (moto's in-process mock, and moto's server
with a file written by another process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.core import files
from cpims.reporting.models import Download

ROOT = Path(settings.BASE_DIR)
BUCKET = "cpims-test"
CONTENT = b"county,cases\nNairobi,12\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _s3_storages(endpoint: str | None = None) -> dict[str, Any]:
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "default_acl": None,
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    backend = "storages.backends.s3.S3Storage"
    return {
        "default": {"BACKEND": backend, "OPTIONS": {**options, "location": "media"}},
        "private": {"BACKEND": backend, "OPTIONS": {**options, "location": "private"}},
        "staticfiles": settings.STORAGES["staticfiles"],
    }


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """The filesystem default, in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
        "private": {"BACKEND": "cpims.core.files.PrivateFileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def s3_mock(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """S3 through moto's in-process mock, the storages switched to it."""
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = _s3_storages()
        yield client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """moto's S3 server on a free port, started for this module and polled until it answers."""
    port = _free_port()
    server = Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(  # noqa: S603 - moto's own server from this virtualenv, fixed arguments
        [str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310 - http on loopback
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto_server did not start")
                time.sleep(0.1)  # poll interval while waiting for the port to answer
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _download(owner: Any, content: bytes = CONTENT) -> Download:
    download = Download.objects.create(
        owner=owner, kind="caseload_csv", status=Download.Status.DONE, filename="caseload.csv", content_type="text/csv"
    )
    download.file.save("caseload.csv", ContentFile(content), save=True)
    return download


def _signed(user: Any, download: Download) -> str:
    return files.signed_file_url(user=user, kind="download", ref=str(download.public_id))


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- signed URLs on the filesystem default ------------------------------------------------------


def test_owner_fetches_a_signed_download_url(client: Any, cast: Any, login: Any, media: Path) -> None:
    download = _download(cast.nairobi_officer)
    assert (media / "private" / str(download.file.name)).is_file()
    url = _signed(cast.nairobi_officer, download)
    login(client, cast.nairobi_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert _body(response) == CONTENT
    assert response["Content-Type"] == "text/csv"
    assert response["Cache-Control"] == "no-store"
    assert 'attachment; filename="caseload.csv"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="download.file", actor=cast.nairobi_officer).count() == 1


def test_another_countys_officer_gets_404(client: Any, cast: Any, login: Any, media: Path) -> None:
    download = _download(cast.nairobi_officer)
    login(client, cast.turkana_officer)
    # The Nairobi officer's link, forwarded: made for someone else.
    assert client.get(_signed(cast.nairobi_officer, download)).status_code == 404
    # A link of their own to the same file: the scope check at fetch time refuses it.
    assert client.get(_signed(cast.turkana_officer, download)).status_code == 404
    # The scoped view itself.
    direct = reverse("reporting:download_file", kwargs={"public_id": download.public_id})
    assert client.get(direct).status_code == 404
    assert not AuditEvent.objects.filter(action="download.file").exists()


def test_expired_signature_is_refused(
    client: Any, cast: Any, login: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    download = _download(cast.nairobi_officer)
    made = time.time() - settings.CPIMS_FILE_URL_SECONDS - 5
    with monkeypatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: made)
        url = _signed(cast.nairobi_officer, download)
    login(client, cast.nairobi_officer)
    assert client.get(url).status_code == 403


def test_altered_or_foreign_token_is_404(client: Any, cast: Any, login: Any, media: Path) -> None:
    download = _download(cast.nairobi_officer)
    url = _signed(cast.nairobi_officer, download)
    token = url.rstrip("/").rsplit("/", 1)[1]
    login(client, cast.nairobi_officer)
    tampered = reverse("core:private_file", kwargs={"token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")})
    assert client.get(tampered).status_code == 404
    assert client.get(reverse("core:private_file", kwargs={"token": "not-a-token"})).status_code == 404
    # A token signed with the right key but for a kind nobody registered.
    unknown = signing.dumps({"k": "nothing", "r": "x", "u": cast.nairobi_officer.pk}, salt="cpims.core.files")
    assert client.get(reverse("core:private_file", kwargs={"token": unknown})).status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Any, cast: Any, media: Path) -> None:
    download = _download(cast.nairobi_officer)
    response = client.get(_signed(cast.nairobi_officer, download))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signed_photo_url_follows_the_childs_scope(client: Any, cast: Any, login: Any, media: Path) -> None:
    from cpims.registry.actions import consent_give, photo_set
    from cpims.registry.tests.conftest import People

    child = People(cast).nairobi_child()
    consent_give(
        actor=cast.nairobi_officer, person=child, purpose="photo", given_by="guardian", given_on=timezone.localdate()
    )
    photo_set(actor=cast.nairobi_officer, person=child, photo=SimpleUploadedFile("p.png", PNG))
    ref = str(child.public_id)
    login(client, cast.nairobi_coordinator)  # the county coordinator sees Westlands' children
    response = client.get(files.signed_file_url(user=cast.nairobi_coordinator, kind="photo", ref=ref))
    assert response.status_code == 200 and _body(response) == PNG
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"] == "inline"
    login(client, cast.turkana_coordinator)
    assert client.get(files.signed_file_url(user=cast.turkana_coordinator, kind="photo", ref=ref)).status_code == 404


def test_unknown_kind_cannot_be_signed(cast: Any) -> None:
    with pytest.raises(ValueError):
        files.signed_file_url(user=cast.nairobi_officer, kind="nothing", ref="x")


# --- S3 ---------------------------------------------------------------------------------------------


def test_download_written_to_s3_is_streamed_through_the_scope_check(
    client: Any, cast: Any, login: Any, s3_mock: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path  # nothing may land on disk
    download = _download(cast.nairobi_officer)
    keys = [o["Key"] for o in s3_mock.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"private/{download.file.name}"]
    assert list(tmp_path.iterdir()) == []
    login(client, cast.nairobi_officer)
    assert _body(client.get(_signed(cast.nairobi_officer, download))) == CONTENT
    direct = reverse("reporting:download_file", kwargs={"public_id": download.public_id})
    assert _body(client.get(direct)) == CONTENT
    login(client, cast.turkana_officer)
    assert client.get(direct).status_code == 404
    assert client.get(_signed(cast.turkana_officer, download)).status_code == 404


def test_photo_upload_goes_to_the_private_bucket(client: Any, cast: Any, login: Any, s3_mock: Any) -> None:
    from cpims.registry.actions import consent_give
    from cpims.registry.tests.conftest import People

    child = People(cast).nairobi_child()
    consent_give(
        actor=cast.nairobi_officer, person=child, purpose="photo", given_by="guardian", given_on=timezone.localdate()
    )
    login(client, cast.nairobi_officer)
    upload = reverse("registry:photo_upload", kwargs={"public_id": child.public_id})
    assert client.post(upload, {"photo": SimpleUploadedFile("p.png", PNG, content_type="image/png")}).status_code == 302
    (key,) = [o["Key"] for o in s3_mock.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert key.startswith("media/registry/photos/")
    # No public read: the object's ACL grants its owner only.
    grants = s3_mock.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("AllUsers" not in str(g.get("Grantee", {})) for g in grants)
    photo = reverse("registry:photo", kwargs={"public_id": child.public_id})
    assert _body(client.get(photo)) == PNG


def _stack_env(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CPIMS_", "AWS_"))}
    env.update(
        {
            "CPIMS_ENV": "test",
            "DATABASE_URL": "",
            "CPIMS_STORAGE": "s3",
            "CPIMS_S3_BUCKET": BUCKET,
            "CPIMS_S3_ENDPOINT_URL": endpoint,
            "CPIMS_S3_ACCESS_KEY_ID": "testing",
            "CPIMS_S3_SECRET_ACCESS_KEY": "testing",
            "DJANGO_SETTINGS_MODULE": "cpims.settings",
        }
    )
    return env


WRITE = """
import django
django.setup()
from django.core.files.base import ContentFile
from cpims.core.files import private_storage
print(private_storage().save("downloads/handoff/caseload.csv", ContentFile(b"county,cases\\nNairobi,12\\n")))
"""


def test_file_written_by_one_process_is_served_by_another(
    client: Any, cast: Any, login: Any, moto_server: str, settings: Any
) -> None:
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    s3.create_bucket(Bucket=BUCKET)
    # Another process (a worker, say) writes the file through the shared storage.
    env = _stack_env(moto_server)
    done = subprocess.run(  # noqa: S603 - this interpreter, our own fixed script
        [sys.executable, "-c", WRITE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    name = done.stdout.strip().splitlines()[-1]
    # This process (a web process) reads and serves it.
    settings.STORAGES = _s3_storages(moto_server)
    assert files.private_storage().open(name).read() == CONTENT
    download = Download.objects.create(
        owner=cast.nairobi_officer, kind="caseload_csv", status=Download.Status.DONE, filename="caseload.csv", file=name
    )
    login(client, cast.nairobi_officer)
    assert _body(client.get(_signed(cast.nairobi_officer, download))) == CONTENT
    login(client, cast.turkana_officer)
    assert client.get(_signed(cast.turkana_officer, download)).status_code == 404


# --- the API: /api/v1/files/<token>/ with an API token -------------------------------------------


def _bearer(cast: Any, user: Any) -> dict[str, str]:
    from cpims.api.actions import token_issue

    _token, secret = token_issue(actor=cast.admin, user=user, name="stack files test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_client_fetches_the_signed_url_from_the_download_status(client: Any, cast: Any, media: Path) -> None:
    download = _download(cast.nairobi_officer)
    officer = _bearer(cast, cast.nairobi_officer)
    status = client.get(reverse("api:reports-download", kwargs={"public_id": download.public_id}), **officer).json()
    assert status["signed_url"].startswith("/api/v1/files/")
    response = client.get(status["signed_url"], **officer)
    assert response.status_code == 200 and _body(response) == CONTENT
    assert AuditEvent.objects.filter(action="download.file", actor=cast.nairobi_officer).count() == 1
    # Another county's officer, with the same link or one of their own: 404.
    turkana = _bearer(cast, cast.turkana_officer)
    assert client.get(status["signed_url"], **turkana).status_code == 404
    own = files.signed_file_url(user=cast.turkana_officer, kind="download", ref=str(download.public_id), api=True)
    assert client.get(own, **turkana).status_code == 404
    # Without credentials: refused before anything is looked up.
    assert client.get(status["signed_url"]).status_code in (401, 403)


def test_api_expired_signature_is_refused(client: Any, cast: Any, media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    download = _download(cast.nairobi_officer)
    made = time.time() - settings.CPIMS_FILE_URL_SECONDS - 5
    with monkeypatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: made)
        url = files.signed_file_url(user=cast.nairobi_officer, kind="download", ref=str(download.public_id), api=True)
    assert client.get(url, **_bearer(cast, cast.nairobi_officer)).status_code == 403


def test_api_file_endpoint_is_in_the_schema(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/files/{token}/"]["get"]
    assert operation["operationId"] == "files_fetch"
    assert set(operation["responses"]) >= {"200", "403", "404"}
