"""Discarding an upload checked but not imported: the uploader only, audited, the file deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.geo.models import OrgUnit
from cpims.imports import actions
from cpims.imports.models import ImportBatch
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "area_level", "area_code"]
ROWS = [["CCI-D-1", "Discard Home", "cci", "sub_county", "274"]]


def _upload(user: Any) -> ImportBatch:
    batch, _report = actions.import_upload(actor=user, kind="orgunits", upload=xlsx(HEADERS, ROWS))
    return batch


def test_discard_deletes_the_file_and_is_audited(
    cast: Any, client: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    batch = _upload(cast.nairobi_coordinator)
    assert default_storage.exists(batch.stored_file)
    login(client, cast.nairobi_coordinator)
    assert 'id="discard-upload"' in client.get(reverse("imports:batch", args=[batch.public_id])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the file is deleted after the commit
        response = client.post(reverse("imports:discard", args=[batch.public_id]), follow=True)
    assert "The file was discarded" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert not default_storage.exists(batch.stored_file)
    event = AuditEvent.objects.get(action=actions.DISCARD)
    assert event.actor_id == cast.nairobi_coordinator.pk and event.details == {"kind": "orgunits"}
    page = client.get(reverse("imports:batch", args=[batch.public_id])).content.decode()
    assert 'id="import-discarded"' in page and 'id="discard-upload"' not in page
    # A discarded file cannot be imported, nor discarded again: a message, never a 500.
    assert client.post(reverse("imports:confirm", args=[batch.public_id])).status_code == 302
    again = client.post(reverse("imports:discard", args=[batch.public_id]), follow=True)
    assert again.status_code == 200 and "Only a file checked" in again.content.decode()
    assert not OrgUnit.objects.filter(code="CCI-D-1").exists()
    assert AuditEvent.objects.filter(action=actions.DISCARD).count() == 1


def test_an_imported_file_cannot_be_discarded(cast: Any, client: Any, login: Any) -> None:
    batch = _upload(cast.nairobi_coordinator)
    actions.import_run(actor=cast.nairobi_coordinator, batch=batch)
    login(client, cast.nairobi_coordinator)
    client.post(reverse("imports:discard", args=[batch.public_id]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED


def test_kiswahili_button(cast: Any, client: Any, login: Any) -> None:
    batch = _upload(cast.nairobi_coordinator)
    login(client, cast.nairobi_coordinator)
    client.post(reverse("set_language"), {"language": "sw", "next": "/"})
    page = client.get(reverse("imports:batch", args=[batch.public_id])).content.decode()
    assert "Tupa faili hii" in page and "baada ya siku 7" in page


def test_scope(cast: Any, status_as: Any) -> None:
    batch = _upload(cast.nairobi_coordinator)
    url = reverse("imports:discard", args=[batch.public_id])
    assert status_as(cast.turkana_coordinator, url, post={}) == 404
    assert status_as(cast.stakeholder, url, post={}) == 403
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert status_as(cast.nairobi_coordinator, url, post={}) == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
