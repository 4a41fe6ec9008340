"""A burst of saves enqueues one facts refresh: a refresh no worker has started yet folds in the
later changes too. Once a worker has started it, the next change enqueues another."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cpims.reporting import facts

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _save(case_id: int) -> None:
    with transaction.atomic():  # each save its own transaction; the refresh is enqueued on commit
        facts.queue_case(case_id)


@pytest.mark.django_db(transaction=True)
def test_one_waiting_refresh_for_many_saves(settings: Any) -> None:
    settings.TASKS = DB_TASKS
    for case_id in (1, 2, 3):
        _save(case_id)
    waiting = DBTaskResult.objects.filter(task_path="cpims.reporting.tasks.refresh_facts")
    assert waiting.count() == 1
    # A worker took it: it may already have read the queue, so the next change needs another.
    waiting.update(status=TaskResultStatus.RUNNING)
    _save(4)
    assert waiting.count() == 2
    assert waiting.filter(status=TaskResultStatus.READY).count() == 1
