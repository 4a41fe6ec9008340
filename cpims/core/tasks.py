"""Background tasks of the core app (django_tasks)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


@bounded(timeout=5 * 60, attempts=1)  # runs every 5 minutes anyway
@task()
def recover_stuck_tasks() -> list[int]:
    """Re-queue (or fail, after the last attempt) tasks left "running" by a worker that died."""
    from cpims.core.taskqueue import recover

    return list(recover())
