"""Running an import in the background (django_tasks), started from the runs page."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django_tasks import task

from cpims.accounts.models import User
from cpims.legacy import actions
from cpims.legacy.models import ImportRun


def import_enqueue(*, actor: User, options: actions.Options, request: HttpRequest | None = None) -> ImportRun:
    """Record the run and queue it; the worker runs it as ``actor``."""
    from cpims.legacy.queries import require_import

    require_import(actor)
    run = actions.import_start(actor=actor, options=options)
    transaction.on_commit(
        lambda: run_import.enqueue(
            run.pk,
            actor.pk,
            options.url,
            options.dry_run,
            options.since.isoformat() if options.since else "",
            options.county_code,
        )
    )
    return run


@task()
def run_import(run_id: int, user_id: int, url: str, dry_run: bool, since: str, county_code: str) -> str:
    import datetime as dt

    from cpims.core.history import acting_as
    from cpims.legacy.report import write_reports

    actor = User.objects.get(pk=user_id)
    options = actions.Options(
        url=url, dry_run=dry_run, since=dt.date.fromisoformat(since) if since else None, county_code=county_code
    )
    with acting_as(actor):  # history rows written by the worker name who started the import
        run = actions.import_run(actor=actor, run=ImportRun.objects.get(pk=run_id), options=options)
    write_reports(run)
    return str(run.public_id)
