"""Background work of the imports app (settings.CPIMS_SCHEDULE, daily)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


@bounded(timeout=10 * 60, attempts=2, backoff=300)
@task()
def expire_unimported_uploads() -> int:
    """Delete uploads checked but never imported after ``CPIMS_IMPORT_KEEP_DAYS`` (the retention rule
    for import files; the retention app's rules are a fixed set with no registration point)."""
    from cpims.imports import actions

    return actions.import_expire()
