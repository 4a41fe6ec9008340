"""Background work of the dhis2 app (django_tasks; tests run it immediately)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


# One attempt per run: a push DHIS2 did not take re-queues itself after its back-off (the server's
# max_attempts and retry_backoff_seconds, see actions.push_run); the limit covers one request.
@bounded(timeout=15 * 60, attempts=1)
@task()
def push_task(log_id: int) -> str:
    """Run one queued push; returns its final status."""
    from cpims.integrations.dhis2.actions import push_run
    from cpims.integrations.dhis2.models import PushLog

    log = PushLog.objects.select_related("server", "actor").get(pk=log_id)
    return push_run(log=log).status
