"""Periodic background work: which tasks run when (settings.CPIMS_SCHEDULE).

A job's schedule is an interval in seconds (aligned to the clock: every 5 minutes runs at :00,
:05, ...), ``"HH:MM"`` (daily at that time in Africa/Nairobi) or ``"monthly D,D HH:MM"`` (on those
days of the month). ``manage.py run_schedule`` (several may run, on several hosts) checks every
half minute; a job's latest slot is taken by inserting a ``ScheduledRun`` row, so each slot is
enqueued exactly once whoever gets there first, and a slot missed while every scheduler was down
is run once when one comes back (calendar slots within a day; later, the next slot is awaited).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from cpims.core.models import ScheduledRun

NAIROBI = ZoneInfo("Africa/Nairobi")
CALENDAR_GRACE = dt.timedelta(days=1)  # a daily or monthly run missed by longer waits for its next slot
KEEP_RUNS = dt.timedelta(days=35)
_DAILY = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONTHLY = re.compile(r"^monthly ([\d,]+) (\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Job:
    path: str  # dotted path of a django_tasks task
    when: int | str

    def slot(self, now: dt.datetime) -> dt.datetime | None:
        """The start of the latest slot at or before ``now`` that may still run, or None."""
        if isinstance(self.when, int):
            step = self.when
            return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)
        local = now.astimezone(NAIROBI)
        latest = _latest_calendar_slot(self.when, local)
        if latest is None or local - latest >= CALENDAR_GRACE:
            return None
        return latest.astimezone(dt.UTC)


def _latest_calendar_slot(when: str, local: dt.datetime) -> dt.datetime | None:
    daily, monthly = _DAILY.match(when), _MONTHLY.match(when)
    if daily:
        at = local.replace(hour=int(daily[1]), minute=int(daily[2]), second=0, microsecond=0)
        return at if at <= local else at - dt.timedelta(days=1)
    if monthly:
        days = sorted({int(d) for d in monthly[1].split(",") if d})
        hour, minute = int(monthly[2]), int(monthly[3])
        first = local.replace(day=1, hour=hour, minute=minute, second=0, microsecond=0)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        candidates = [m.replace(day=d) for m in (first, previous) for d in days if d <= 28]
        past = [c for c in candidates if c <= local]
        return max(past) if past else None
    raise ImproperlyConfigured(f"Unknown schedule {when!r}: use seconds, 'HH:MM' or 'monthly D,D HH:MM'.")


def jobs() -> list[Job]:
    schedule = [Job(path, when) for path, when in settings.CPIMS_SCHEDULE]
    for job in schedule:  # a typo stops the scheduler at start, not at the first slot
        job.slot(dt.datetime.now(dt.UTC))
    return schedule


def tick(schedule: list[Job], now: dt.datetime, enqueue: Callable[[str], None] | None = None) -> list[str]:
    """Enqueue every job whose latest slot nobody has taken yet; return their paths."""
    ran = []
    for job in schedule:
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            # The run row and the queued task commit together: a failed enqueue frees the slot.
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.path, slot=slot)
                (enqueue or _enqueue)(job.path)
        except IntegrityError:
            continue  # another scheduler took this slot
        ran.append(job.path)
    ScheduledRun.objects.filter(slot__lt=now - KEEP_RUNS).delete()
    return ran


def _enqueue(path: str) -> None:
    import_string(path).enqueue()
