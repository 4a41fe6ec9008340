"""Referrals and transfers on the task list (cases task registry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases.tasks import tasks_for
from cpims.referrals import actions
from cpims.referrals.models import Referral


def _kinds(user: Any) -> list[str]:
    return [t.kind for t in tasks_for(user) if t.source == "referrals"]


def test_referral_awaiting_answer_on_the_receivers_list(cast: Any, referral: Any) -> None:
    tasks = [t for t in tasks_for(cast.partner) if t.source == "referrals"]
    assert [t.kind for t in tasks] == ["referral"]
    assert tasks[0].due_on == referral.answer_due_on and tasks[0].case_number == referral.case.case_number
    assert tasks[0].url == reverse("referrals:detail", kwargs={"public_id": referral.public_id})
    assert _kinds(cast.nairobi_officer) == []  # not overdue yet
    assert _kinds(cast.turkana_officer) == []
    actions.referral_accept(actor=cast.partner, referral=referral)
    assert _kinds(cast.partner) == ["referral_open"]
    actions.referral_complete(actor=cast.partner, referral=referral, notes="Done")
    assert _kinds(cast.partner) == []


def test_overdue_answer_on_the_senders_list(cast: Any, referral: Any) -> None:
    Referral.objects.filter(pk=referral.pk).update(answer_due_on=timezone.localdate() - dt.timedelta(days=1))
    tasks = [t for t in tasks_for(cast.nairobi_officer, mine_only=True) if t.source == "referrals"]
    assert [t.kind for t in tasks] == ["referral_overdue"] and tasks[0].overdue
    # The coordinator sees it in the office view, not as their own.
    assert _kinds(cast.nairobi_coordinator) == ["referral_overdue"]
    assert [t for t in tasks_for(cast.nairobi_coordinator, mine_only=True) if t.source == "referrals"] == []
    assert _kinds(cast.turkana_officer) == []


def test_pending_transfer_on_the_receiving_office_list(cast: Any, westlands_case: Any) -> None:
    transfer = actions.transfer_request(
        actor=cast.nairobi_officer, case=westlands_case, to_office=cast.turkana_central_office, reason="Moved"
    )
    assert _kinds(cast.turkana_officer) == ["transfer"]
    assert _kinds(cast.turkana_coordinator) == []
    assert _kinds(cast.nairobi_officer) == []
    actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    assert _kinds(cast.turkana_officer) == []


def test_task_page_shows_referrals(client: Any, cast: Any, login: Any, referral: Any) -> None:
    login(client, cast.partner)
    response = client.get(reverse("cases:task_list"))
    assert response.status_code == 200 and b"Referral awaiting your answer" in response.content
