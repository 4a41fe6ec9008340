"""Reads of the site app: the background task queue as system administrators see it.

The queue is national (tasks carry ids, not areas): the page needs ``task.manage`` (403 without).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.core import taskqueue

RECENT = dt.timedelta(days=7)
SHOWN = 50


@dataclass(frozen=True)
class TaskRow:
    id: str
    name: str  # the task's dotted path: code, never data
    attempts: int
    max_attempts: int
    enqueued_at: dt.datetime
    run_after: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str  # the exception class and the last line of its message, cut short


@dataclass(frozen=True)
class QueuePage:
    state: taskqueue.QueueState
    running: list[TaskRow]
    retrying: list[TaskRow]  # failed, back in the queue after their back-off
    failures: list[TaskRow]  # failed for good in the last 7 days, newest first


def _reason(result: DBTaskResult) -> str:
    if not result.exception_class_path:
        return ""
    lines = [line for line in (result.traceback or "").strip().splitlines() if line.strip()]
    return (lines[-1] if lines else result.exception_class_path).strip()[:300]


def _row(result: DBTaskResult) -> TaskRow:
    return TaskRow(
        id=str(result.pk),
        name=result.task_path,
        attempts=len(result.worker_ids),
        max_attempts=taskqueue.policy_for(result.task_path).attempts,
        enqueued_at=result.enqueued_at,
        run_after=result.run_after,
        started_at=result.started_at,
        finished_at=result.finished_at,
        error=_reason(result),
    )


def _rows(queryset: Any) -> list[TaskRow]:
    columns = (
        "id",
        "task_path",
        "worker_ids",
        "enqueued_at",
        "run_after",
        "started_at",
        "finished_at",
        "exception_class_path",
        "traceback",
    )
    return [_row(result) for result in queryset.only(*columns)[:SHOWN]]


def task_queue_for(user: Any, now: dt.datetime | None = None) -> QueuePage:
    """The queue's counts, what runs, what waits to be retried and what failed lately."""
    scope.require_perm(user, P.TASK_MANAGE)
    now = now or timezone.now()
    tasks = DBTaskResult.objects.order_by()
    return QueuePage(
        state=taskqueue.state(now),
        running=_rows(tasks.filter(status=TaskResultStatus.RUNNING).order_by("started_at")),
        retrying=_rows(
            tasks.filter(status=TaskResultStatus.READY).exclude(exception_class_path="").order_by("run_after")
        ),
        failures=_rows(
            tasks.filter(status=TaskResultStatus.FAILED, finished_at__gte=now - RECENT).order_by("-finished_at")
        ),
    )


def failed_task_for(user: Any, result_id: uuid.UUID | str) -> DBTaskResult:
    """One failed task, for a retry: 403 without ``task.manage``, 404 when it is not (or no longer)
    a failed task."""
    scope.require_perm(user, P.TASK_MANAGE)
    try:
        key = uuid.UUID(str(result_id))
    except ValueError:
        raise Http404 from None
    result = DBTaskResult.objects.filter(pk=key, status=TaskResultStatus.FAILED).first()
    if result is None:
        raise Http404
    return result
