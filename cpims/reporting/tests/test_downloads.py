"""Background downloads: started (audited), built by the task as the owner, progress polled,
fetched by the owner only (audited); failures recorded, never raised."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.reporting import downloads, exports
from cpims.reporting.models import Download
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db
PARAMS = {"period": "2025/26", "area": "", "bands": "dcs", "format": "csv"}


@pytest.fixture(autouse=True)
def _media(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_a_download_is_built_and_fetched_by_its_owner(client: Any, cast: Any, login: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
    download = downloads.download_start(actor=cast.nairobi_officer, kind="caseload_export", params=PARAMS)
    assert download.status == Download.Status.DONE
    assert download.progress == 100
    assert download.filename.endswith(".csv")
    assert AuditEvent.objects.filter(action="download.start", object_id=str(download.public_id)).exists()
    login(client, cast.nairobi_officer)
    page = client.get(reverse("reporting:download_detail", kwargs={"public_id": download.public_id}))
    assert reverse("reporting:download_file", kwargs={"public_id": download.public_id}) in page.content.decode()
    response = client.get(reverse("reporting:download_file", kwargs={"public_id": download.public_id}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Case category" in body
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="download.file", actor=cast.nairobi_officer).exists()
    # The file lives under MEDIA_ROOT/private, with no URL of its own.
    assert download.file.path.startswith(str(download.file.storage.location))
    assert "/private" in str(download.file.storage.location)


def test_someone_elses_download_is_404(client: Any, cast: Any, login: Any) -> None:
    download = downloads.download_start(actor=cast.nairobi_officer, kind="caseload_export", params=PARAMS)
    login(client, cast.nairobi_coordinator)
    for name in ("reporting:download_detail", "reporting:download_file"):
        assert client.get(reverse(name, kwargs={"public_id": download.public_id})).status_code == 404
    assert client.get(reverse("api:reports-download", kwargs={"public_id": download.public_id})).status_code == 404


def test_progress_is_polled_with_htmx_until_ready(client: Any, cast: Any, login: Any) -> None:
    download = Download.objects.create(owner=cast.nairobi_officer, kind="caseload_export", params=PARAMS, progress=40)
    login(client, cast.nairobi_officer)
    url = reverse("reporting:download_detail", kwargs={"public_id": download.public_id})
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'value="40"' in html
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<div id="download-status"')
    # Not ready: no file yet.
    assert client.get(reverse("reporting:download_file", kwargs={"public_id": download.public_id})).status_code == 404
    Download.objects.filter(pk=download.pk).update(status=Download.Status.FAILED, message="x")
    assert "every 2s" not in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_progress_is_reported_by_the_builder(cast: Any) -> None:
    seen: list[tuple[int, str]] = []

    def builder(download: Any, progress: Any) -> tuple[str, str, bytes]:
        progress(50, "half")
        seen.append((Download.objects.get(pk=download.pk).progress, Download.objects.get(pk=download.pk).message))
        return "x.txt", "text/plain", b"hello"

    downloads.register_download_kind("test_kind", builder, "Test")
    download = downloads.download_start(actor=cast.national_me, kind="test_kind", params={})
    assert seen == [(50, "half")]
    assert download.status == Download.Status.DONE
    assert download.size == 5


def test_a_failing_builder_marks_the_download_failed(cast: Any) -> None:
    def broken(download: Any, progress: Any) -> tuple[str, str, bytes]:
        raise RuntimeError("boom")

    downloads.register_download_kind("test_broken", broken, "Broken")
    download = downloads.download_start(actor=cast.national_me, kind="test_broken", params={})
    assert download.status == Download.Status.FAILED
    assert "boom" not in download.message


def test_the_builder_runs_as_the_owner_with_their_scope(cast: Any) -> None:
    # A Nairobi officer asking for Turkana's figures: refused inside the task (404 → failed).
    download = downloads.download_start(
        actor=cast.nairobi_officer, kind="caseload_export", params={**PARAMS, "area": "county-023"}
    )
    assert download.status == Download.Status.FAILED
    # A stakeholder may not export at all.
    download = downloads.download_start(actor=cast.stakeholder, kind="caseload_export", params=PARAMS)
    assert download.status == Download.Status.FAILED


def test_unknown_kinds_and_too_many_are_refused(cast: Any) -> None:
    with pytest.raises(ValidationError):
        downloads.download_start(actor=cast.national_me, kind="nope", params={})
    for _ in range(downloads.MAX_ACTIVE_PER_USER):
        Download.objects.create(owner=cast.national_me, kind="caseload_export")
    with pytest.raises(ValidationError):
        downloads.download_start(actor=cast.national_me, kind="caseload_export", params=PARAMS)


def test_a_big_case_list_export_goes_to_the_background(client: Any, cast: Any, login: Any, monkeypatch: Any) -> None:
    for i in range(3):
        case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10 + i))
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 2)
    login(client, cast.nairobi_officer)
    response = client.post(reverse("reporting:drilldown_export"), {"period": "2025/26", "format": "xlsx"})
    assert response.status_code == 302
    download = Download.objects.get(owner=cast.nairobi_officer)
    assert response["Location"] == reverse("reporting:download_detail", kwargs={"public_id": download.public_id})
    assert download.status == Download.Status.DONE
    assert download.filename.endswith(".xlsx")
    status = client.get(reverse("api:reports-download", kwargs={"public_id": download.public_id})).json()
    assert status["status"] == "done"
    assert status["file_url"].endswith("/file/")


def test_my_downloads_lists_only_mine(client: Any, cast: Any, login: Any) -> None:
    mine = downloads.download_start(actor=cast.nairobi_officer, kind="caseload_export", params=PARAMS)
    theirs = downloads.download_start(actor=cast.national_me, kind="caseload_export", params=PARAMS)
    login(client, cast.nairobi_officer)
    html = client.get(reverse("reporting:download_list")).content.decode()
    assert str(mine.public_id) in html
    assert str(theirs.public_id) not in html


def test_with_the_database_backend_the_worker_makes_the_file(cast: Any, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    # The production backend: the request only queues the task (django_tasks resets on the change).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    download = downloads.download_start(actor=cast.national_me, kind="caseload_export", params=PARAMS)
    assert download.status == Download.Status.QUEUED
    assert DBTaskResult.objects.filter(task_path__endswith="build_download").exists()
    assert downloads.run(download.pk) == "done"
    download.refresh_from_db()
    assert download.status == Download.Status.DONE
    assert downloads.run(download.pk) == "skipped"  # a second worker finds nothing to do
