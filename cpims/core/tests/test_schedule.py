"""Periodic jobs run at their slots (clock-aligned intervals, Nairobi calendar times), each slot
once however many schedulers run, and a slot missed while all were down runs once on return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils.module_loading import import_string

from cpims.core import schedule
from cpims.core.models import ScheduledRun

EAT = schedule.NAIROBI


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=EAT)


def test_intervals_align_to_the_clock() -> None:
    job = schedule.Job("a", 5 * 60)
    assert job.slot(at(2026, 11, 25, 8, 7, 31)) == at(2026, 11, 25, 8, 5)
    assert job.slot(at(2026, 11, 25, 8, 10)) == at(2026, 11, 25, 8, 10)


def test_daily_at_a_nairobi_time() -> None:
    job = schedule.Job("a", "08:00")
    assert job.slot(at(2026, 11, 25, 7, 59)) == at(2026, 11, 24, 8, 0)  # yesterday's, still within a day
    assert job.slot(at(2026, 11, 25, 8, 0)) == at(2026, 11, 25, 8, 0)
    assert job.slot(at(2026, 11, 25, 23, 0)) == at(2026, 11, 25, 8, 0)
    # 08:00 Nairobi is 05:00 UTC.
    assert job.slot(dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)) == at(2026, 11, 25, 8, 0)


def test_monthly_days_and_the_grace_for_a_missed_slot() -> None:
    job = schedule.Job("a", "monthly 2,5 08:00")
    assert job.slot(at(2026, 12, 2, 8, 0)) == at(2026, 12, 2, 8, 0)
    assert job.slot(at(2026, 12, 3, 7, 59)) == at(2026, 12, 2, 8, 0)  # missed by under a day: runs late
    assert job.slot(at(2026, 12, 3, 8, 0)) is None  # a day late: wait for the 5th
    assert job.slot(at(2026, 12, 5, 8, 0)) == at(2026, 12, 5, 8, 0)
    assert job.slot(at(2027, 1, 1, 9, 0)) is None
    assert job.slot(at(2027, 1, 2, 8, 30)) == at(2027, 1, 2, 8, 0)  # across the turn of the year


def test_a_bad_schedule_stops_the_scheduler_at_start(settings: Any) -> None:
    settings.CPIMS_SCHEDULE = [("cpims.reporting.tasks.refresh_facts", "every tuesday")]
    with pytest.raises(ImproperlyConfigured):
        schedule.jobs()


def test_each_slot_runs_once_however_many_schedulers(db: Any) -> None:
    jobs = [schedule.Job("a", 5 * 60), schedule.Job("b", "08:00")]
    seen: list[str] = []
    now = at(2026, 11, 25, 8, 1)
    # Two schedulers (two hosts) tick at the same moment: one enqueues each job.
    assert schedule.tick(jobs, now, seen.append) == ["a", "b"]
    assert schedule.tick(jobs, now, seen.append) == []
    assert schedule.tick(jobs, at(2026, 11, 25, 8, 4), seen.append) == []
    assert schedule.tick(jobs, at(2026, 11, 25, 8, 5), seen.append) == ["a"]
    assert schedule.tick(jobs, at(2026, 11, 26, 8, 0), seen.append) == ["a", "b"]
    assert seen == ["a", "b", "a", "a", "b"]
    assert ScheduledRun.objects.count() == 5


def test_a_failed_enqueue_frees_the_slot(db: Any) -> None:
    jobs = [schedule.Job("a", 5 * 60)]

    def broken(path: str) -> None:
        raise RuntimeError("queue down")

    with pytest.raises(RuntimeError):
        schedule.tick(jobs, at(2026, 11, 25, 8, 1), broken)
    assert not ScheduledRun.objects.exists()
    assert schedule.tick(jobs, at(2026, 11, 25, 8, 2), lambda p: None) == ["a"]


def test_old_runs_are_pruned(db: Any) -> None:
    jobs = [schedule.Job("a", 5 * 60)]
    schedule.tick(jobs, at(2026, 10, 1, 8, 0), lambda p: None)
    schedule.tick(jobs, at(2026, 11, 25, 8, 0), lambda p: None)
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [at(2026, 11, 25, 8, 0)]


def test_every_scheduled_task_exists_and_is_enqueued(db: Any, reference: Any, capsys: Any) -> None:
    call_command("run_schedule", "--once")
    out = capsys.readouterr().out
    now = dt.datetime.now(dt.UTC)
    for path, when in schedule.settings.CPIMS_SCHEDULE:
        assert hasattr(import_string(path), "enqueue")
        if schedule.Job(path, when).slot(now) is not None:
            assert f"enqueued {path}" in out
