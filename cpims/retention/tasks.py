"""The retention job (settings.CPIMS_SCHEDULE, daily)."""

from __future__ import annotations

from django_tasks import task

from cpims.core.taskqueue import bounded


@bounded(timeout=30 * 60, attempts=2, backoff=600)
@task()
def apply_retention() -> str:
    """A real run when one is allowed (a reviewed dry run, schedule unchanged since), else a dry run
    for an administrator to review. Returns the run's public id."""
    from cpims.retention import actions

    dry = actions.real_run_refusal() is not None
    return str(actions.run(actor=None, dry_run=dry).public_id)


@bounded(timeout=30 * 60, attempts=1)  # started by hand: the administrator decides
@task()
def run_now(user_id: int, dry_run: bool) -> str:
    """A run started from the runs page, as the administrator who started it."""
    from cpims.accounts.models import User
    from cpims.core.history import acting_as
    from cpims.retention import actions

    actor = User.objects.get(pk=user_id)
    with acting_as(actor):
        return str(actions.run(actor=actor, dry_run=dry_run).public_id)
