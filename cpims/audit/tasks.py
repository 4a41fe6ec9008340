"""Background work of the audit app (settings.CPIMS_SCHEDULE)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


@bounded(timeout=10 * 60, attempts=3, backoff=300)
@task()
def maintain_partitions() -> str:
    """The coming months' audit partitions, and months past retention dropped (PostgreSQL)."""
    from django.core.management import call_command

    call_command("audit_partitions", verbosity=0)
    return "ok"
