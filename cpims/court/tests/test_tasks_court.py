"""Court tasks on the cases task list: pending court dates within two weeks (or missed) and
summonses past their date with nothing recorded. Dates are Nairobi dates (UTC+3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tasks import tasks_for
from cpims.court.actions import summons_issue, summons_mark
from cpims.court.queries import court_tasks
from cpims.court.tests.conftest import record_session

pytestmark = pytest.mark.django_db


def court_only(user: Any) -> list[Any]:
    return [t for t in tasks_for(user) if t.source == "court"]


@pytest.fixture
def nairobi_clock(monkeypatch: Any) -> Any:
    """Set the clock to a UTC instant; returns the Nairobi date it falls on."""

    def set_clock(utc: dt.datetime) -> dt.date:
        monkeypatch.setattr(timezone, "now", lambda: utc)
        return timezone.localdate()

    return set_clock


def test_registered_with_the_cases_task_list(cast: Any, session: Any) -> None:
    tasks = court_only(cast.nairobi_officer)
    assert [(t.kind, t.due_on, t.case_number, t.mine) for t in tasks] == [
        ("court", session.next_date, session.case.case_number, True)
    ]
    assert tasks[0].url == f"/court/cases/{session.case.public_id}/"
    # The coordinator sees it for the office, not as their own.
    assert [t.mine for t in court_only(cast.nairobi_coordinator)] == [False]
    for user in ("turkana_officer", "partner", "stakeholder", "national_me"):  # national_me: read-only
        assert court_only(getattr(cast, user)) == []


def test_horizon_and_midnight_in_nairobi(cast: Any, westlands_case: Any, court: Any, nairobi_clock: Any) -> None:
    today = timezone.localdate()
    # 21:30 UTC is 00:30 the next day in Nairobi.
    nairobi_today = nairobi_clock(dt.datetime.combine(today, dt.time(21, 30), tzinfo=dt.UTC))
    assert nairobi_today == today + dt.timedelta(days=1)
    session = record_session(
        cast.nairobi_officer, westlands_case, held_on=today - dt.timedelta(days=3), next_date=today
    )
    [task] = court_tasks(cast.nairobi_officer)
    assert task.due_on == today and task.overdue and "missed" in task.title
    # At 20:59 UTC it is still 23:59 of ``today`` in Nairobi: due today, not overdue.
    nairobi_clock(dt.datetime.combine(today, dt.time(20, 59), tzinfo=dt.UTC))
    [task] = court_tasks(cast.nairobi_officer)
    assert not task.overdue and "missed" not in task.title
    session.delete()


def test_fourteen_day_horizon(cast: Any, westlands_case: Any, court: Any, turkana_case: Any) -> None:
    today = timezone.localdate()
    record_session(cast.nairobi_officer, westlands_case, held_on=today, next_date=today + dt.timedelta(days=14))
    record_session(cast.turkana_officer, turkana_case, held_on=today, next_date=today + dt.timedelta(days=15))
    assert [t.due_on for t in court_tasks(cast.nairobi_officer)] == [today + dt.timedelta(days=14)]
    assert court_tasks(cast.turkana_officer) == []


def test_unhonoured_summons_past_due(cast: Any, westlands_case: Any) -> None:
    today = timezone.localdate()
    due_today = summons_issue(
        actor=cast.nairobi_officer, case=westlands_case, person_role="Mother", issued_on=today, due_on=today
    )
    past = summons_issue(
        actor=cast.nairobi_officer,
        case=westlands_case,
        person_role="Witness",
        issued_on=today - dt.timedelta(days=5),
        due_on=today - dt.timedelta(days=1),
    )
    tasks = [t for t in court_tasks(cast.nairobi_officer) if t.kind == "summons"]
    assert [t.due_on for t in tasks] == [past.due_on] and "Witness" in tasks[0].title
    summons_mark(actor=cast.nairobi_officer, summons=past, honoured=False)
    assert [t for t in court_tasks(cast.nairobi_officer) if t.kind == "summons"] == []
    assert due_today.status == "pending"
