"""Background work of the reporting app (run by ``manage.py db_worker``; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


@bounded(timeout=15 * 60, attempts=2, backoff=60)
@task()
def refresh_facts() -> int:
    """Fold queued record changes into the caseload facts (enqueued after every change that
    commits; the timestamp sweep runs at most every facts.SWEEP_EVERY)."""
    from cpims.core.dbrouters import primary
    from cpims.reporting import facts

    with primary():  # reads its own writes: never from a replica
        return facts.catch_up(sweep=True)


@bounded(timeout=10 * 60, attempts=3, backoff=30)
@task()
def build_download(download_id: int) -> str:
    """Make the file of one Download (see cpims.reporting.downloads)."""
    from cpims.reporting import downloads

    return downloads.run(download_id)


@bounded(timeout=10 * 60, attempts=2, backoff=300)
@task()
def purge_old_downloads(days: int = 7) -> int:
    """Delete downloads (and files) older than ``days`` (for the daily schedule)."""
    import datetime as dt

    from django.utils import timezone

    from cpims.reporting.models import Download

    count = 0
    for download in Download.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=days)).iterator():
        if download.file:
            download.file.delete(save=False)
        download.delete()
        count += 1
    return count
