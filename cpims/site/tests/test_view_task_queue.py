"""The background task queue page (system administrators): counts, running, retrying, recent
failures with their reasons, and the audited retry button; everyone else gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/admin/tasks/"


def _task(status: str, **extra: Any) -> DBTaskResult:
    now = timezone.now()
    values: dict[str, Any] = {
        "args_kwargs": {"args": [7], "kwargs": {}},
        "task_path": "cpims.reporting.tasks.build_download",
        "backend_name": "default",
        "run_after": now,
        "worker_ids": ["w1"],
    }
    values.update(extra)
    return DBTaskResult.objects.create(status=status, **values)


def _failed(**extra: Any) -> DBTaskResult:
    values: dict[str, Any] = {
        "finished_at": timezone.now(),
        "worker_ids": ["w1", "w2", "w3"],
        "exception_class_path": "builtins.ConnectionError",
        "traceback": "Traceback (most recent call last):\n  ...\nConnectionError: storage not reachable\n",
    }
    values.update(extra)
    return _task(TaskResultStatus.FAILED, **values)


def test_url() -> None:
    assert reverse("site:task_queue") == URL


@pytest.mark.parametrize(
    "who", ["national_me", "nairobi_coordinator", "nairobi_officer", "turkana_officer", "partner", "stakeholder"]
)
def test_only_system_administrators_see_the_queue(cast: Any, status_as: Any, who: str) -> None:
    failed = _failed()
    assert status_as(cast.users()[who], URL) == 403
    assert status_as(cast.users()[who], f"/admin/tasks/{failed.pk}/retry/", post={}) == 403
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.FAILED


def test_anonymous_is_sent_to_sign_in(client: Any, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_page_shows_depth_running_retrying_and_failures(cast: Any, client: Any, login: Any) -> None:
    now = timezone.now()
    waiting = _task(TaskResultStatus.READY, worker_ids=[])
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - dt.timedelta(minutes=3))
    _task(TaskResultStatus.RUNNING, started_at=now, task_path="cpims.reporting.tasks.refresh_facts")
    _task(
        TaskResultStatus.READY,
        run_after=now + dt.timedelta(minutes=5),
        exception_class_path="cpims.core.taskqueue.TaskTimeout",
        traceback="cpims.core.taskqueue.TaskTimeout: The task ran past its time limit and was interrupted.",
        task_path="cpims.returns.tasks.send_return_reminders",
    )
    _failed()
    _failed(finished_at=now - dt.timedelta(days=8), task_path="cpims.cases.jobs.end_expired_access")  # too old
    login(client, cast.admin)
    response = client.get(URL)
    assert response.status_code == 200
    queue = response.context["queue"]
    assert queue.state.waiting == 1 and queue.state.oldest_wait_seconds >= 180
    assert [t.name for t in queue.running] == ["cpims.reporting.tasks.refresh_facts"]
    assert [t.name for t in queue.retrying] == ["cpims.returns.tasks.send_return_reminders"]
    assert [t.name for t in queue.failures] == ["cpims.reporting.tasks.build_download"]
    body = response.content.decode()
    assert "ConnectionError: storage not reachable" in body
    assert "time limit" in body
    assert "end_expired_access" not in body


def test_the_page_is_translated(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Kazi za chinichini" in body


def test_retry_puts_the_task_back_in_the_queue_and_is_audited(cast: Any, client: Any, login: Any) -> None:
    failed = _failed()
    login(client, cast.admin)
    response = client.post(f"/admin/tasks/{failed.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == URL
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.READY and failed.worker_ids == []
    assert failed.run_after <= timezone.now()
    event = AuditEvent.objects.get(action="task.retry")
    assert event.actor == cast.admin and event.object_id == str(failed.pk)
    assert event.details == {
        "task": "cpims.reporting.tasks.build_download",
        "attempts": 3,
        "error": "builtins.ConnectionError",
    }
    # A second click (the task is no longer failed) finds nothing to retry.
    assert client.post(f"/admin/tasks/{failed.pk}/retry/").status_code == 404
    assert AuditEvent.objects.filter(action="task.retry").count() == 1


def test_retry_of_an_unknown_or_malformed_id_is_404(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)
    assert client.post("/admin/tasks/00000000-0000-0000-0000-000000000000/retry/").status_code == 404
    assert client.post("/admin/tasks/not-a-uuid/retry/").status_code == 404
    assert client.get(f"/admin/tasks/{_failed().pk}/retry/").status_code == 405
