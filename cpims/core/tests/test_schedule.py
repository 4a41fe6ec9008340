import datetime as dt

from django.core.management import call_command

from cpims.core import schedule


def test_jobs_fall_due_by_their_interval():
    jobs = [schedule.Job("a", dt.timedelta(minutes=5)), schedule.Job("b", dt.timedelta(days=1))]
    start = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    seen: list[str] = []
    assert schedule.tick(jobs, start, seen.append) == ["a", "b"]
    assert schedule.tick(jobs, start + dt.timedelta(minutes=4), seen.append) == []
    assert schedule.tick(jobs, start + dt.timedelta(minutes=5), seen.append) == ["a"]
    assert schedule.tick(jobs, start + dt.timedelta(days=1), seen.append) == ["a", "b"]


def test_every_scheduled_task_exists_and_runs_once(db, reference, capsys):
    call_command("run_schedule", "--once")
    out = capsys.readouterr().out
    for path, _seconds in schedule.settings.CPIMS_SCHEDULE:
        assert f"enqueued {path}" in out
