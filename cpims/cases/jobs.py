"""Periodic work of the cases app (settings.CPIMS_SCHEDULE)."""

from __future__ import annotations

from django_tasks import task

from cpims.cases.actions.access import case_access_end_expired
from cpims.core.taskqueue import bounded


@bounded(timeout=5 * 60, attempts=3, backoff=60)
@task()
def end_expired_access() -> int:
    """Write the end of case access past its expiry into the record and the audit. Reads never
    wait for this job: an expired grant already gives nothing (``CaseAccess.objects.active``)."""
    return case_access_end_expired()
