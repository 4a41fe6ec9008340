"""Closing a case ends its pending follow-ups (with the reason, audited in the closing action):
they leave the task list and the dashboards' overdue count, and cannot be recorded afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases import actions
from cpims.cases.actions.followups import CASE_CLOSED
from cpims.cases.models import FollowUp
from cpims.cases.queries import followup_tasks
from cpims.cases.tests.conftest import advance
from cpims.cases.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


def test_closing_a_case_ends_its_pending_followups(cast: Any, westlands_case: Any) -> None:
    officer = cast.nairobi_officer
    today = timezone.localdate()
    case = advance(westlands_case, cast, "services")
    overdue = actions.followup_add(actor=officer, case=case, due_on=today - dt.timedelta(days=3), purpose="Visit")
    later = actions.followup_add(actor=officer, case=case, due_on=today + dt.timedelta(days=3), purpose="Later")
    done = actions.followup_add(actor=officer, case=case, due_on=today - dt.timedelta(days=9), purpose="Done")
    actions.followup_complete(actor=officer, followup=done, outcome="Seen at home")
    assert len([t for t in followup_tasks(officer) if t.kind == "followup"]) == 2

    case = advance(case, cast, "closed")

    rows = {f.pk: f for f in FollowUp.objects.filter(case=case)}
    for item in (overdue, later):
        assert rows[item.pk].ended_on == case.closed_on == today
        assert rows[item.pk].end_reason == CASE_CLOSED
        assert rows[item.pk].done_on is None
    assert rows[done.pk].ended_on is None and rows[done.pk].done_on is not None
    event = AuditEvent.objects.filter(action="case.approve_closure", object_id=str(case.public_id)).get()
    assert event.details["followups_ended"] == 2
    assert [t for t in followup_tasks(officer) if t.kind == "followup"] == []
    with pytest.raises(TransitionRefused):
        actions.followup_complete(actor=officer, followup=rows[overdue.pk], outcome="Too late")


def test_reopening_does_not_revive_ended_followups(cast: Any, westlands_case: Any) -> None:
    officer = cast.nairobi_officer
    case = advance(westlands_case, cast, "services")
    actions.followup_add(actor=officer, case=case, due_on=timezone.localdate() - dt.timedelta(days=1), purpose="Visit")
    case = advance(case, cast, "closed")
    actions.case_reopen(actor=cast.nairobi_coordinator, case=case, reason="New information")
    pending = FollowUp.objects.filter(case=case, done_on__isnull=True, ended_on__isnull=True)
    assert pending.count() == 0
    assert [t for t in followup_tasks(officer) if t.kind == "followup"] == []
