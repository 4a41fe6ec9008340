"""Status changes, discharge, transfer (one action closing one placement and opening the next),
reviews and post-discharge follow-ups."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.care.actions import followup_record, placement_status_change, placement_transfer, review_add
from cpims.care.models import FollowUp, Institution, Placement, Review, StatusChange
from cpims.care.tests.conftest import admit, code, days, make_institution, manager_of
from cpims.cases.actions import StaleEdit

pytestmark = pytest.mark.django_db


def discharge(actor: Any, p: Any, on: Any = None, **extra: Any) -> Any:
    return placement_status_change(
        actor=actor,
        placement=p,
        status=extra.pop("status", "discharged"),
        on=on or days(-1),
        discharge_type=extra.pop("discharge_type", code("discharge_type_id", "TDEX")),
        **extra,
    )


def test_discharge_before_admission_is_refused_and_writes_nothing(cast: Any, placement: Any) -> None:
    before = StatusChange.objects.count()
    with pytest.raises(ValidationError) as exc:
        discharge(cast.nairobi_officer, placement, on=days(-31))
    assert "cannot be before the admission" in " ".join(exc.value.message_dict["on"])
    placement.refresh_from_db()
    assert placement.ended_on is None and placement.status == "resident" and placement.version == 1
    assert StatusChange.objects.count() == before


def test_discharge_ends_the_placement(cast: Any, placement: Any) -> None:
    p = discharge(cast.nairobi_officer, placement, on=days(-30), follow_up_due=days(14))
    assert (p.status, p.ended_on, p.discharge_type.code) == ("discharged", days(-30), "TDEX")
    assert FollowUp.objects.get(placement=p).due_on == days(14)
    with pytest.raises(ValidationError, match="ended"):
        discharge(cast.nairobi_officer, p)


def test_discharge_needs_a_type_and_reintegration_defaults_to_it(cast: Any, placement: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        discharge(cast.nairobi_officer, placement, discharge_type=None)
    assert "discharge_type" in exc.value.message_dict
    p = discharge(cast.nairobi_officer, placement, status="reintegrated", discharge_type=None)
    assert p.status == "reintegrated" and p.discharge_type.code == "DREN"


def test_leave_escape_and_return_are_dated_rows(cast: Any, placement: Any) -> None:
    officer = cast.nairobi_officer
    p = placement_status_change(actor=officer, placement=placement, status="on_leave", on=days(-20))
    p = placement_status_change(actor=officer, placement=p, status="resident", on=days(-15))
    p = placement_status_change(actor=officer, placement=p, status="escaped", on=days(-10))
    assert p.is_active and p.status == "escaped"
    with pytest.raises(ValidationError) as exc:  # before the current status
        placement_status_change(actor=officer, placement=p, status="resident", on=days(-12))
    assert "on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # not allowed from escaped
        placement_status_change(actor=officer, placement=p, status="on_leave", on=days(-5))
    assert "status" in exc.value.message_dict
    p = placement_status_change(actor=officer, placement=p, status="resident", on=days(-5))
    assert list(p.status_changes.values_list("status", "on")) == [
        ("resident", days(-30)),
        ("on_leave", days(-20)),
        ("resident", days(-15)),
        ("escaped", days(-10)),
        ("resident", days(-5)),
    ]


def test_stale_status_change_is_refused(cast: Any, placement: Any) -> None:
    placement_status_change(actor=cast.nairobi_officer, placement=placement, status="on_leave", on=days(-2))
    with pytest.raises(StaleEdit, match="Someone else changed"):
        placement_status_change(
            actor=cast.nairobi_officer, placement=placement, status="escaped", on=days(-1), expected_version=1
        )


def test_read_only_and_other_county_cannot_change(cast: Any, placement: Any) -> None:
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        discharge(cast.national_me, placement)
    with pytest.raises(Http404):
        discharge(cast.turkana_officer, placement)


def test_transfer_closes_one_placement_and_opens_the_next(cast: Any, rescue: Any, cci: Any, child: Any) -> None:
    from cpims.care.actions import OrderInput

    first = admit(
        cast.nairobi_officer,
        child,
        rescue,
        care_type=code("alternative_family_care_type_id", "AFPS"),
        order=OrderInput(court_name="Test Court", number="CO 1", date=days(-31), period_months=12),
        first_review_due=days(5),
    )
    nxt = placement_transfer(actor=cast.nairobi_officer, placement=first, to_institution=cci, on=days(-10))
    first.refresh_from_db()
    assert (first.status, first.ended_on) == ("transferred", days(-10))
    assert nxt.previous_id == first.pk and nxt.institution_id == cci.pk and nxt.admitted_on == days(-10)
    assert nxt.admission_type.code == "TRIN" and nxt.care_type.code == "AFPS"
    assert (nxt.order_number, nxt.order_expires_on) == ("CO 1", first.order_expires_on)
    # The pending review moved to the new placement; exactly one active placement.
    assert Review.objects.get(held_on__isnull=True).placement_id == nxt.pk
    assert Placement.objects.filter(child=child, ended_on__isnull=True).get() == nxt


def test_transfer_to_a_closed_institution_writes_nothing(cast: Any, placement: Any) -> None:
    other = make_institution(cast.westlands_office, "CCI-TEST-CLOSED", "Closed Home")
    Institution.objects.filter(org_unit=other).update(is_open=False, closed_on=days(-1))
    with pytest.raises(ValidationError) as exc:
        placement_transfer(actor=cast.nairobi_officer, placement=placement, to_institution=other, on=days(-1))
    assert "is closed" in " ".join(exc.value.message_dict["to_institution"])
    placement.refresh_from_db()
    assert placement.is_active and Placement.objects.count() == 1


def test_institution_manager_transfers_out_and_loses_sight(cast: Any, placement: Any, rescue: Any) -> None:
    from cpims.care import queries

    manager = manager_of(placement.institution)
    nxt = placement_transfer(actor=manager, placement=placement, to_institution=rescue, on=days(-1))
    assert nxt.institution_id == rescue.pk
    assert not queries.placements_visible_to(manager).filter(pk=nxt.pk).exists()
    assert queries.placements_visible_to(manager).filter(pk=placement.pk).exists()  # their own record stays


def test_reviews_schedule_and_hold(cast: Any, placement: Any) -> None:
    officer = cast.nairobi_officer
    review_add(actor=officer, placement=placement, kind="care_plan", due_on=days(3))
    held = review_add(
        actor=officer, placement=placement, kind="care_plan", held_on=days(-1), next_due_on=days(90), notes="Going well"
    )
    assert held.due_on == days(3) and held.held_on == days(-1)
    assert Review.objects.filter(placement=placement, held_on__isnull=True).get().due_on == days(90)
    with pytest.raises(ValidationError) as exc:
        review_add(actor=officer, placement=placement, kind="case_conference", held_on=days(-40))
    assert "held_on" in exc.value.message_dict


def test_followups_only_after_discharge(cast: Any, placement: Any) -> None:
    officer = cast.nairobi_officer
    with pytest.raises(ValidationError):
        followup_record(actor=officer, placement=placement, visited_on=days(0), outcome="settled")
    p = discharge(officer, placement, status="reintegrated", on=days(-5), follow_up_due=days(-1))
    with pytest.raises(ValidationError) as exc:
        followup_record(actor=officer, placement=p, visited_on=days(-6), outcome="settled")
    assert "visited_on" in exc.value.message_dict
    f = followup_record(actor=officer, placement=p, visited_on=days(0), outcome="settled", due_on=days(30))
    assert f.due_on == days(-1) and f.visited_on == days(0)  # the planned visit was completed
    assert FollowUp.objects.filter(placement=p, visited_on__isnull=True).get().due_on == days(30)
