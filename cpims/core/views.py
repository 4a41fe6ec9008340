from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from cpims.core import files, taskqueue


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers. Reveals nothing but "ok"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """The process answers (restart it if not). Touches nothing else."""
    return JsonResponse({"status": "ok"})


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    key, value = f"readyz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, 30)
    ok = cache.get(key) == value
    cache.delete(key)
    return ok


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database and the cache answer, and the task queue moves (its oldest
    waiting task is younger than CPIMS_QUEUE_LAG_LIMIT_SECONDS and no task is stuck "running").
    503 names what failed. Counts only: no record, user or task content."""
    checks: dict[str, Any] = {}
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            checks[name] = "ok" if check() else "failed"
        except Exception:
            checks[name] = "failed"
    queue: dict[str, Any] = {"status": "failed"}
    if checks["database"] == "ok":
        q = taskqueue.state()
        limit = getattr(settings, "CPIMS_QUEUE_LAG_LIMIT_SECONDS", 600)
        moving = q.oldest_wait_seconds <= limit and q.stuck == 0
        queue = {
            "status": "ok" if moving else "failed",
            "waiting": q.waiting,
            "oldest_wait_seconds": q.oldest_wait_seconds,
            "stuck": q.stuck,
            "failed_last_day": q.failed_last_day,
        }
    checks["task_queue"] = queue
    ready = checks["database"] == "ok" and checks["cache"] == "ok" and queue["status"] == "ok"
    return JsonResponse({"status": "ok" if ready else "failed", "checks": checks}, status=200 if ready else 503)


@login_required
@require_GET
def private_file(request: HttpRequest, token: str) -> FileResponse:
    """A signed file URL (cpims.core.files): signature, user and scope checked, then streamed."""
    return files.stream(files.resolve_signed(request.user, token, request=request))
