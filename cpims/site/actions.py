"""Writes of the site app: retrying a failed background task (system administrators)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.audit.actions import audit_record


def task_retry(*, actor: Any, result: DBTaskResult, request: HttpRequest | None = None) -> DBTaskResult:
    """Put a failed task back in the queue to run now, with its attempts counted afresh; audited
    with the task, the attempts it had made and the error it failed with."""
    scope.require_perm(actor, P.TASK_MANAGE)
    with transaction.atomic(durable=True):
        row = DBTaskResult.objects.select_for_update().filter(pk=result.pk, status=TaskResultStatus.FAILED).first()
        if row is None:
            raise ValidationError(_("This task is no longer failed: someone retried it already."))
        details = {
            "task": row.task_path,
            "attempts": len(row.worker_ids),
            "error": row.exception_class_path[:200],
        }
        row.status = TaskResultStatus.READY
        row.run_after = timezone.now()
        row.started_at = row.finished_at = None
        row.worker_ids = []
        row.save(update_fields=["status", "run_after", "started_at", "finished_at", "worker_ids"])
        audit_record(
            actor=actor,
            action="task.retry",
            object_type="tasks.taskresult",
            object_id=str(row.pk),
            object_label=row.task_path.rsplit(".", 1)[-1][:200],
            request=request,
            details=details,
        )
    return row
