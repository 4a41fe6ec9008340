"""Periodic background work: which tasks run how often (settings.CPIMS_SCHEDULE).

``manage.py run_schedule`` (started by ``make run`` beside the worker) enqueues each task when it
falls due; the worker runs it. Each task is idempotent (reminders once per unit and day, facts
catch-up from a watermark), so a restart that runs everything once more does no harm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Job:
    path: str  # dotted path of a django_tasks task
    every: dt.timedelta
    last_run: dt.datetime | None = field(default=None)

    def due(self, now: dt.datetime) -> bool:
        return self.last_run is None or now - self.last_run >= self.every


def jobs() -> list[Job]:
    return [Job(path, dt.timedelta(seconds=seconds)) for path, seconds in settings.CPIMS_SCHEDULE]


def tick(schedule: list[Job], now: dt.datetime, enqueue: Callable[[str], None] | None = None) -> list[str]:
    """Enqueue every job that is due at ``now``; return their paths."""
    ran = []
    for job in schedule:
        if job.due(now):
            (enqueue or _enqueue)(job.path)
            job.last_run = now
            ran.append(job.path)
    return ran


def _enqueue(path: str) -> None:
    import_string(path).enqueue()
