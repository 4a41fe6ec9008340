"""Discharging a child (any ending status but a transfer) ends the placement's pending reviews and
follow-ups, with the reason, audited in the discharge: they leave the alerts and the task list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.audit.models import AuditEvent
from cpims.care import queries
from cpims.care.actions import followup_record, placement_status_change, review_add
from cpims.care.actions.placements import PLACEMENT_ENDED
from cpims.care.models import FollowUp, Review
from cpims.care.tests.conftest import code, days

pytestmark = pytest.mark.django_db


def test_discharge_ends_pending_reviews(cast: Any, placement: Any) -> None:
    officer = cast.nairobi_officer
    held = review_add(actor=officer, placement=placement, kind="care_plan", held_on=days(-20))
    overdue = review_add(actor=officer, placement=placement, kind="care_plan", due_on=days(-2))
    later = review_add(actor=officer, placement=placement, kind="case_conference", due_on=days(10))
    assert queries.overdue_reviews(officer).count() == 1

    placement_status_change(
        actor=officer,
        placement=placement,
        status="discharged",
        on=days(-1),
        discharge_type=code("discharge_type_id", "TDEX"),
        follow_up_due=days(20),
    )

    for review in (overdue, later):
        review.refresh_from_db()
        assert (review.ended_on, review.end_reason, review.held_on) == (days(-1), PLACEMENT_ENDED, None)
    held.refresh_from_db()
    assert held.ended_on is None
    assert queries.overdue_reviews(officer).count() == 0
    assert not [t for t in queries.care_tasks(officer) if t.kind == "care_review"]
    # The follow-up planned by the discharge itself stays pending: it is what comes next.
    followup = FollowUp.objects.get(placement=placement)
    assert followup.ended_on is None
    event = AuditEvent.objects.filter(action="placement.status").latest("id")
    assert event.details["reviews_ended"] == 2 and event.details["followups_ended"] == 0
    # An ended review is not the one a later "held" record completes.
    assert Review.objects.filter(placement=placement, held_on__isnull=True, ended_on__isnull=True).count() == 0


def test_death_after_discharge_leaves_nothing_pending(cast: Any, placement: Any) -> None:
    officer = cast.nairobi_officer
    review_add(actor=officer, placement=placement, kind="care_plan", due_on=days(5))
    placement_status_change(actor=officer, placement=placement, status="died", on=days(-1))
    assert Review.objects.filter(placement=placement, ended_on__isnull=True, held_on__isnull=True).count() == 0
    with pytest.raises(ValidationError):  # follow-ups come after a discharge only
        followup_record(actor=officer, placement=placement, due_on=days(3))
