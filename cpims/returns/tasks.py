"""Background tasks of the returns app (django_tasks)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


@bounded(timeout=10 * 60, attempts=3, backoff=300)  # idempotent per unit, month and day
@task()
def send_return_reminders() -> int:
    """Email reminders for overdue monthly returns (idempotent per unit, month and day)."""
    from cpims.returns.reminders import send_reminders

    return send_reminders()
