"""Each task's time limit and retries: in the worker (database backend), a failed task with
attempts left goes back to the queue after a doubling back-off, then stays failed; a task past
its time limit is interrupted and counts as a failed attempt."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from cpims.core import taskqueue

pytestmark = pytest.mark.django_db


@taskqueue.bounded(timeout=60, attempts=3, backoff=30)
@task()
def always_fails() -> None:
    raise RuntimeError("the remote end said no")


@taskqueue.bounded(timeout=1, attempts=1)
@task()
def runs_forever() -> None:
    while True:  # interrupted by the time limit
        time.sleep(0.05)


@task()
def no_policy() -> None:
    raise RuntimeError("no policy declared")


@pytest.fixture
def db_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_once(result_id: str, worker_id: str) -> DBTaskResult:
    """What one worker loop does with a ready task: claim it, run it, record the outcome."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    row = DBTaskResult.objects.get(pk=result_id)
    row.claim(worker_id)
    worker.run_task(row)
    row.refresh_from_db()
    return row


def test_a_failed_task_is_retried_with_doubling_back_off_then_stays_failed(db_backend: None) -> None:
    result = always_fails.enqueue()
    before = timezone.now()

    row = _run_once(result.id, "w1")
    assert row.status == TaskResultStatus.READY  # back in the queue, the same row
    assert row.exception_class_path == "builtins.RuntimeError"  # the reason stays for the queue page
    assert before + dt.timedelta(seconds=30) <= row.run_after <= timezone.now() + dt.timedelta(seconds=30)
    assert not DBTaskResult.objects.ready().filter(pk=row.pk).exists()  # not before its back-off

    row = _run_once(result.id, "w2")
    assert row.status == TaskResultStatus.READY
    assert row.run_after >= timezone.now() + dt.timedelta(seconds=55)  # 30 s, then 60 s

    row = _run_once(result.id, "w3")
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 3  # attempts spent


def test_a_task_past_its_time_limit_is_interrupted(db_backend: None) -> None:
    result = runs_forever.enqueue()
    started = time.monotonic()
    row = _run_once(result.id, "w1")
    assert time.monotonic() - started < 10
    assert row.status == TaskResultStatus.FAILED  # one attempt only
    assert row.exception_class_path == "cpims.core.taskqueue.TaskTimeout"


def test_a_task_without_a_policy_gets_the_settings_defaults(db_backend: None, settings: Any) -> None:
    settings.CPIMS_TASK_MAX_ATTEMPTS = 2
    settings.CPIMS_TASK_TIMEOUT_SECONDS = 120
    policy = taskqueue.policy_for(no_policy.module_path)
    assert (policy.timeout, policy.attempts) == (120, 2)
    result = no_policy.enqueue()
    assert _run_once(result.id, "w1").status == TaskResultStatus.READY
    assert _run_once(result.id, "w2").status == TaskResultStatus.FAILED


def test_back_off_doubles_up_to_an_hour() -> None:
    policy = taskqueue.Policy(timeout=60, attempts=10, backoff=60)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert policy.delay(9) == dt.timedelta(hours=1)


def test_the_project_tasks_declare_their_limits() -> None:
    from cpims.cases.jobs import end_expired_access
    from cpims.integrations.dhis2.tasks import push_task
    from cpims.reporting.tasks import build_download, refresh_facts
    from cpims.retention.tasks import run_now

    for each in (end_expired_access, push_task, build_download, refresh_facts):
        assert each.module_path in taskqueue._POLICIES
    assert taskqueue.policy_for(run_now.module_path).attempts == 1  # started by hand, not retried


def test_the_immediate_backend_is_left_alone() -> None:
    # Tests and the immediate backend run a task inside the request: no timer, no retry.
    result = always_fails.enqueue()
    assert result.status == TaskResultStatus.FAILED
