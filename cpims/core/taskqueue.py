"""The background-task queue: each task's time limit and retries, its health, and recovery of
tasks a dead worker left behind.

**Time limits and retries.** A task declares them where it is defined::

    @taskqueue.bounded(timeout=10 * 60, attempts=3, backoff=60)
    @task()
    def build_download(download_id: int) -> str: ...

(a task that declares nothing gets ``CPIMS_TASK_TIMEOUT_SECONDS`` and ``CPIMS_TASK_MAX_ATTEMPTS``).
In the worker (``db_worker``) a task still running at its time limit is interrupted
(``TaskTimeout``, a ``SIGALRM`` in the worker's main thread) and counts as failed. A failed task
with attempts left goes back to the queue, the same row, to run after a back-off (``backoff``
seconds, doubling each attempt, at most an hour); the row keeps the last error, so the queue page
shows why it is waiting. After its last attempt it stays failed, and an administrator may retry
it from the queue page. Nobody sleeps in the worker to wait: a waiting task costs a row.

A worker killed mid-task (a host restarted, the process ran out of memory) leaves its task
"running" forever: django_tasks_db does not notice. ``recover`` (a periodic job) finds tasks
running longer than ``CPIMS_TASK_TIMEOUT_SECONDS``: one with attempts left goes back to the queue
after a back-off (1, 2, 4 … minutes); one without is marked failed with the reason. The same
counts feed the readiness check, so a load balancer and an operator see a stuck queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BACKOFF = dt.timedelta(hours=1)


class TaskTimeout(Exception):
    """A task ran past its time limit and was interrupted."""


def timeout() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "CPIMS_TASK_TIMEOUT_SECONDS", 30 * 60))


def max_attempts() -> int:
    return int(getattr(settings, "CPIMS_TASK_MAX_ATTEMPTS", 3))


@dataclass(frozen=True)
class Policy:
    timeout: int  # seconds
    attempts: int  # runs in all, the first included
    backoff: int  # seconds before the second attempt; doubles each attempt

    def delay(self, attempt: int) -> dt.timedelta:
        """How long to wait after failed attempt number ``attempt`` (1, 2 …)."""
        return min(dt.timedelta(seconds=self.backoff * 2 ** max(attempt - 1, 0)), MAX_BACKOFF)


_POLICIES: dict[str, Policy] = {}


def bounded(*, timeout: int, attempts: int, backoff: int = 60) -> Callable[[T], T]:
    """Declare a task's time limit (seconds), its attempts in all and its first back-off."""
    if timeout < 1 or attempts < 1 or backoff < 0:
        raise ValueError("timeout and attempts must be positive, backoff not negative")

    def register(task: T) -> T:
        _POLICIES[task.module_path] = Policy(timeout=timeout, attempts=attempts, backoff=backoff)  # type: ignore[attr-defined]
        return task

    return register


def policy_for(task_path: str) -> Policy:
    return _POLICIES.get(task_path) or Policy(
        timeout=int(timeout().total_seconds()), attempts=max_attempts(), backoff=60
    )


def _in_worker(sender: Any) -> bool:
    """Only the database backend's worker is ours to time and retry (not the immediate backend
    of the tests, which runs a task inside the request that enqueued it)."""
    from django_tasks_db.backend import DatabaseBackend

    # The worker sends the backend itself with some signals and its class with others.
    return isinstance(sender, DatabaseBackend) or (isinstance(sender, type) and issubclass(sender, DatabaseBackend))


def _interrupt(signum: int, frame: Any) -> None:
    raise TaskTimeout("The task ran past its time limit and was interrupted.")


def start_timer(*, sender: Any, task_result: Any, **kwargs: Any) -> None:
    """``task_started``: arm the task's time limit (the worker's main thread only)."""
    if not _in_worker(sender) or threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGALRM, _interrupt)
    signal.alarm(policy_for(task_result.task.module_path).timeout)


def stop_timer_and_retry(*, sender: Any, task_result: Any, **kwargs: Any) -> None:
    """``task_finished``: disarm the time limit; put a failed task with attempts left back in the
    queue after its back-off."""
    if not _in_worker(sender):
        return
    if threading.current_thread() is threading.main_thread():
        signal.alarm(0)
    if task_result.status == TaskResultStatus.FAILED:
        schedule_retry(str(task_result.id))


def schedule_retry(result_id: str, now: dt.datetime | None = None) -> bool:
    """Re-queue a failed task if its policy allows another attempt; True if it did."""
    now = now or timezone.now()
    with transaction.atomic():
        row = DBTaskResult.objects.select_for_update().filter(pk=result_id, status=TaskResultStatus.FAILED).first()
        if row is None:
            return False
        policy, attempts = policy_for(row.task_path), len(row.worker_ids)
        if attempts >= policy.attempts:
            return False
        row.status = TaskResultStatus.READY
        row.run_after = now + policy.delay(attempts)
        row.started_at = row.finished_at = None
        row.save(update_fields=["status", "run_after", "started_at", "finished_at"])
    log.warning(
        "Task %s (%s) failed on attempt %d of %d; retried after %s.",
        result_id,
        row.task_path,
        attempts,
        policy.attempts,
        row.run_after.isoformat(),
    )
    return True


@dataclass(frozen=True)
class QueueState:
    waiting: int  # ready to run now
    oldest_wait_seconds: int  # how long the oldest of those has waited (0 when none)
    stuck: int  # running longer than the timeout
    failed_last_day: int


def state(now: dt.datetime | None = None) -> QueueState:
    """Four counts, four queries on indexed columns."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return QueueState(
        waiting=ready.count(),
        oldest_wait_seconds=int((now - oldest).total_seconds()) if oldest else 0,
        stuck=DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - timeout()).count(),
        failed_last_day=DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1)
        ).count(),
    )


def recover(now: dt.datetime | None = None) -> tuple[int, int]:
    """Re-queue or fail the tasks stuck in "running" (past their own time limit, or the global
    one). Returns (re-queued, failed)."""
    now = now or timezone.now()
    requeued = failed = 0
    shortest = min([timeout()] + [dt.timedelta(seconds=p.timeout) for p in _POLICIES.values()])
    with transaction.atomic():
        candidates = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING, started_at__lt=now - shortest
        )
        for result in candidates:
            policy = policy_for(result.task_path)
            limit = dt.timedelta(seconds=policy.timeout)
            if result.started_at is None or result.started_at >= now - limit:
                continue
            attempts = len(result.worker_ids)
            if attempts < policy.attempts:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.run_after = now + dt.timedelta(minutes=2 ** (attempts - 1 if attempts else 0))
                result.save(update_fields=["status", "started_at", "run_after"])
                requeued += 1
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "cpims.core.taskqueue.WorkerLost"
                result.traceback = (
                    f"The worker stopped while running this task ({attempts} attempts, each over "
                    f"{int(limit.total_seconds())} s); not retried again."
                )
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
    if requeued or failed:
        log.warning("Recovered stuck background tasks: %d re-queued, %d failed.", requeued, failed)
    return requeued, failed
