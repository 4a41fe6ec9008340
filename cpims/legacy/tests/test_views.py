"""The legacy import pages (runs, report, CSV, starting a run) and the scope of what it imported."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from cpims.cases.models import Case
from cpims.legacy import actions
from cpims.legacy.models import ImportRun, LegacyMap
from cpims.registry.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def _import(url: str) -> ImportRun:
    options = actions.Options(url=url, batch_size=50)
    return actions.import_run(actor=None, run=actions.import_start(actor=None, options=options), options=options)


def test_imported_child_and_case_are_reachable_only_in_scope(
    legacy_db: dict[str, Any], cast: Any, status_as: Any
) -> None:
    _import(legacy_db["url"])
    case = Case.objects.get(pk=LegacyMap.objects.get(legacy_id=legacy_db["cases"]["four"]).object_pk)
    child = case.child
    assert isinstance(child, Person)
    child_url = reverse("registry:child_detail", kwargs={"public_id": child.public_id})
    case_url = reverse("cases:case_detail", kwargs={"public_id": case.public_id})
    for url in (child_url, case_url):
        assert status_as(cast.nairobi_officer, url) == 200
        assert status_as(cast.nairobi_coordinator, url) == 200
        assert status_as(cast.turkana_officer, url) == 404
        assert status_as(cast.turkana_coordinator, url) == 404


def test_report_pages_are_for_the_system_administrator(
    legacy_db: dict[str, Any], cast: Any, status_as: Any, client: Any
) -> None:
    run = _import(legacy_db["url"])
    pages = [
        reverse("legacy:runs"),
        reverse("legacy:run", kwargs={"public_id": run.public_id}),
        reverse("legacy:run_csv", kwargs={"public_id": run.public_id}),
    ]
    for url in pages:
        assert status_as(cast.admin, url) == 200
        for user in (cast.nairobi_coordinator, cast.national_me, cast.nairobi_officer, cast.stakeholder):
            assert status_as(user, url) == 403
    status_as(cast.admin, pages[0])
    page = client.get(pages[1]).content.decode()
    assert "unknown sex code SXXX" in page and "reg_person" in page
    csv_text = client.get(pages[2]).content.decode()
    assert "reject,reg_person" in csv_text and "counts,ovc_case_record" in csv_text
    assert (
        status_as(cast.admin, reverse("legacy:run", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"}))
        == 404
    )


def test_start_from_the_page_queues_a_run(cast: Any, status_as: Any) -> None:
    url = reverse("legacy:runs")
    with mock.patch("cpims.legacy.tasks.run_import") as task:
        assert status_as(cast.admin, url, post={"url": "postgres://legacy.example/cpims", "dry_run": "on"}) == 302
    run = ImportRun.objects.get()
    assert run.dry_run and run.status == ImportRun.Status.QUEUED
    assert task.enqueue.call_count == 1
    assert status_as(cast.admin, url, post={"url": "mysql://x"}) == 200  # refused by the form, not a 500
    assert status_as(cast.nairobi_coordinator, url, post={"url": "postgres://legacy.example/cpims"}) == 403
    assert ImportRun.objects.count() == 1


def test_command_writes_the_report(legacy_db: dict[str, Any], tmp_path: Any, settings: Any, capsys: Any) -> None:
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("import_legacy_cpims", "--from-url", legacy_db["url"], "--dry-run")
    out = capsys.readouterr().out
    assert "Report:" in out and "reg_person: read 7" in out
    assert list((tmp_path / "legacy").glob("*.html")) and list((tmp_path / "legacy").glob("*.csv"))
    assert Person.objects.count() == 0
