"""Reminders for overdue returns: email to the unit's submitters, once a day, audited; tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.core.management import call_command

from cpims.audit.models import AuditEvent
from cpims.returns.models import ReturnReminder
from cpims.returns.reminders import send_reminders
from cpims.returns.tests.conftest import last_month, submitted


def _westlands_mails() -> list[Any]:
    return [m for m in mail.outbox if "nairobi_officer@example.org" in m.to]


def test_overdue_units_are_reminded_once_a_day(cast: Any) -> None:
    cast.nairobi_officer.email = "nairobi_officer@example.org"
    cast.nairobi_officer.save(update_fields=["email"])
    today = last_month().end + dt.timedelta(days=6)  # past the 5th of the next month
    sent = send_reminders(today=today)
    assert sent > 0
    assert len(_westlands_mails()) >= 1
    assert "overdue" in _westlands_mails()[0].subject.lower()
    reminders = ReturnReminder.objects.filter(org_unit=cast.westlands_office, sent_on=today)
    assert reminders.count() >= 1
    audits = AuditEvent.objects.filter(action="return.reminder", object_id=str(cast.westlands_office.public_id))
    assert audits.count() == reminders.count()

    before = len(mail.outbox)
    assert send_reminders(today=today) == 0  # idempotent the same day
    assert len(mail.outbox) == before
    assert send_reminders(today=today + dt.timedelta(days=1)) > 0  # and again the next day


def test_a_received_return_is_not_chased(cast: Any) -> None:
    submitted(cast)
    today = last_month().end + dt.timedelta(days=6)
    send_reminders(today=today)
    month = last_month().start
    assert not ReturnReminder.objects.filter(org_unit=cast.westlands_office, month=month).exists()


def test_command_and_task(cast: Any) -> None:
    from cpims.returns.tasks import send_return_reminders

    call_command("send_return_reminders", "--today", (last_month().end + dt.timedelta(days=6)).isoformat())
    result = send_return_reminders.enqueue()  # the immediate backend runs it now
    from django_tasks import TaskResultStatus

    assert result.status == TaskResultStatus.SUCCESSFUL


def test_overdue_returns_are_tasks_of_the_units_staff(cast: Any) -> None:
    from cpims.cases.tasks import tasks_for

    titles = [t.title for t in tasks_for(cast.nairobi_officer) if t.kind == "return_overdue"]
    assert any(last_month().label in t and "Westlands" in t for t in titles)
    assert not [t for t in tasks_for(cast.turkana_officer) if t.kind == "return_overdue" and "Westlands" in t.title]


def test_submitted_returns_are_review_tasks_of_the_county(cast: Any) -> None:
    from cpims.cases.tasks import tasks_for

    submitted(cast)
    assert [t for t in tasks_for(cast.nairobi_coordinator) if t.kind == "return_review"]
    assert not [t for t in tasks_for(cast.turkana_coordinator) if t.kind == "return_review"]
