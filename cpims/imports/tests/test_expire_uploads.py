"""The retention rule for uploads: checked but never imported for CPIMS_IMPORT_KEEP_DAYS, they are
discarded and their files deleted by the daily task (settings.CPIMS_SCHEDULE)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.imports import actions, tasks
from cpims.imports.models import ImportBatch
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "area_level", "area_code"]


def _upload(user: Any, code: str, age_days: int) -> ImportBatch:
    rows = [[code, "Retention Home", "cci", "sub_county", "274"]]
    batch, _report = actions.import_upload(actor=user, kind="orgunits", upload=xlsx(HEADERS, rows))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(days=age_days))
    return batch


def test_old_unimported_uploads_are_deleted_others_kept(
    cast: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CPIMS_IMPORT_KEEP_DAYS = 7
    old = _upload(cast.nairobi_coordinator, "CCI-R-1", 8)
    recent = _upload(cast.nairobi_coordinator, "CCI-R-2", 6)
    imported = _upload(cast.nairobi_coordinator, "CCI-R-3", 30)
    actions.import_run(actor=cast.nairobi_coordinator, batch=imported)

    with django_capture_on_commit_callbacks(execute=True):  # the files are deleted after the commit
        assert tasks.expire_unimported_uploads.call() == 1
    for batch in (old, recent, imported):
        batch.refresh_from_db()
    assert old.status == ImportBatch.Status.DISCARDED and not default_storage.exists(old.stored_file)
    assert recent.status == ImportBatch.Status.CHECKED and default_storage.exists(recent.stored_file)
    assert imported.status == ImportBatch.Status.IMPORTED
    event = AuditEvent.objects.get(action=actions.EXPIRE)
    assert event.actor_id is None and event.details == {"count": 1, "days": 7}
    assert tasks.expire_unimported_uploads.call() == 0  # nothing due: no event
    assert AuditEvent.objects.filter(action=actions.EXPIRE).count() == 1


def test_the_days_are_a_setting(cast: Any, settings: Any) -> None:
    settings.CPIMS_IMPORT_KEEP_DAYS = 2
    batch = _upload(cast.nairobi_coordinator, "CCI-R-4", 3)
    assert actions.import_expire() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED


def test_the_task_is_scheduled_daily() -> None:
    assert ("cpims.imports.tasks.expire_unimported_uploads", "02:45") in settings.CPIMS_SCHEDULE
