"""Tasks a dead worker left "running" are re-queued with back-off, then failed with the reason;
/readyz reports the database, the cache and whether the task queue moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cpims.core import taskqueue


def _task(status: str, *, started_minutes_ago: int | None = None, attempts: int = 0, **extra: Any) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=extra.pop("task_path", "cpims.tests.a_task_without_a_policy"),
        backend_name="default",
        run_after=extra.pop("run_after", now),
        started_at=now - dt.timedelta(minutes=started_minutes_ago) if started_minutes_ago is not None else None,
        worker_ids=[f"w{i}" for i in range(attempts)],
        **extra,
    )


def test_a_task_left_running_goes_back_to_the_queue_then_fails(db: Any, settings: Any) -> None:
    settings.CPIMS_TASK_TIMEOUT_SECONDS = 30 * 60
    settings.CPIMS_TASK_MAX_ATTEMPTS = 3
    fresh = _task(TaskResultStatus.RUNNING, started_minutes_ago=29, attempts=1)
    first = _task(TaskResultStatus.RUNNING, started_minutes_ago=31, attempts=1)
    second = _task(TaskResultStatus.RUNNING, started_minutes_ago=31, attempts=2)
    last = _task(TaskResultStatus.RUNNING, started_minutes_ago=31, attempts=3)
    now = timezone.now()
    assert taskqueue.recover(now) == (2, 1)
    for row in (fresh, first, second, last):
        row.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING  # within its time: left alone
    assert first.status == TaskResultStatus.READY and first.started_at is None
    assert first.run_after == now + dt.timedelta(minutes=1)
    assert second.run_after == now + dt.timedelta(minutes=2)  # back-off doubles
    assert last.status == TaskResultStatus.FAILED and "3 attempts" in last.traceback
    assert taskqueue.recover(now) == (0, 0)


def _ready(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    return response.status_code, response.json()


def test_readyz_is_ok_when_everything_answers(db: Any) -> None:
    status, body = _ready(Client())
    assert status == 200 and body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["cache"] == "ok"
    assert body["checks"]["task_queue"]["waiting"] == 0


def test_readyz_fails_on_a_queue_that_does_not_move(db: Any, settings: Any) -> None:
    settings.CPIMS_QUEUE_LAG_LIMIT_SECONDS = 600
    waiting = _task(TaskResultStatus.READY)
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=timezone.now() - dt.timedelta(minutes=11))
    status, body = _ready(Client())
    assert status == 503 and body["checks"]["task_queue"]["status"] == "failed"
    assert body["checks"]["task_queue"]["waiting"] == 1
    assert body["checks"]["task_queue"]["oldest_wait_seconds"] >= 660
    DBTaskResult.objects.all().delete()
    _task(TaskResultStatus.RUNNING, started_minutes_ago=31, attempts=1)
    status, body = _ready(Client())
    assert status == 503 and body["checks"]["task_queue"]["stuck"] == 1


def test_a_task_queued_for_later_is_not_lag(db: Any) -> None:
    _task(TaskResultStatus.READY, run_after=timezone.now() + dt.timedelta(hours=1))
    assert _ready(Client())[0] == 200


def test_livez_touches_nothing(db: Any, client: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert client.get("/livez").json() == {"status": "ok"}
