"""placement_admit: admissions, the invariants (one active placement per child, no placement in
a closed institution, dates) and scope; bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from cpims.audit.models import AuditEvent
from cpims.care.actions import OrderInput, placement_admit
from cpims.care.models import Institution, Placement, Review, StatusChange
from cpims.care.tests.conftest import admit, code, days, make_child, open_case

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Placement.objects.count(), StatusChange.objects.count(), Review.objects.count()


def test_admit_records_placement_status_and_audit(cast: Any, child: Any, cci: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
    p = admit(
        cast.nairobi_officer,
        child,
        cci,
        case=case,
        order=OrderInput(court_name="Milimani Children Court", number="CC 12/2026", date=days(-40), period_months=6),
        first_review_due=days(10),
    )
    assert p.status == Placement.Status.RESIDENT and p.ended_on is None
    assert (p.county_id, p.sub_county_id, p.office_id) == (cci.county_id, cci.sub_county_id, case.office_id)
    from cpims.core.validation import add_months

    assert p.order_expires_on == add_months(days(-40), 6)
    assert list(p.status_changes.values_list("status", flat=True)) == ["resident"]
    assert p.reviews.get().due_on == days(10)
    event = AuditEvent.objects.get(action="placement.admit")
    assert event.object_id == str(p.public_id)
    assert "Amani" not in str(event.details)


def test_second_active_placement_is_refused_and_writes_nothing(cast: Any, placement: Any, rescue: Any) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, placement.child, rescue, admitted_on=days(-1))
    assert "already in care" in str(exc.value.message_dict["child"])
    assert _counts() == before


def test_admission_overlapping_an_ended_placement_is_refused(cast: Any, placement: Any, rescue: Any) -> None:
    from cpims.care.actions import placement_status_change

    placement_status_change(
        actor=cast.nairobi_officer,
        placement=placement,
        status="discharged",
        on=days(-5),
        discharge_type=code("discharge_type_id", "TDEX"),
    )
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, placement.child, rescue, admitted_on=days(-10))
    assert "cannot start before" in str(exc.value.message_dict["child"])
    again = admit(cast.nairobi_officer, placement.child, rescue, admitted_on=days(-5))  # same day is fine
    assert again.is_active


def test_database_refuses_two_active_placements(cast: Any, placement: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            child=placement.child,
            care_type=placement.care_type,
            institution=placement.institution,
            admitted_on=days(-1),
            status_on=days(-1),
            admission_type=placement.admission_type,
            admission_reason=placement.admission_reason,
        )


def test_database_refuses_an_end_before_admission(placement: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(
            status="discharged", ended_on=placement.admitted_on.replace(year=placement.admitted_on.year - 1)
        )


def test_placement_in_a_closed_institution_is_refused(cast: Any, child: Any, cci: Any) -> None:
    Institution.objects.filter(org_unit=cci).update(is_open=False, closed_on=days(-1))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, child, cci)
    assert "is closed" in str(exc.value.message_dict["institution"])
    assert _counts() == before


def test_inactive_unit_counts_as_closed(cast: Any, child: Any, cci: Any) -> None:
    cci.is_active = False
    cci.save()
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, child, cci)
    assert "is closed" in str(exc.value.message_dict["institution"])


@pytest.mark.parametrize(
    ("extra", "field", "text"),
    [
        (lambda: {"admitted_on": days(3)}, "admitted_on", "future"),
        (lambda: {"admission_type": code("admission_reason_id", "RACP")}, "admission_type", "DCS list"),
        (lambda: {"order": OrderInput(period_months=6)}, "order_date", "period counts"),
        (lambda: {"first_review_due": days(-60)}, "first_review_due", "before the admission"),
    ],
)
def test_bad_input_gets_a_clear_message(cast: Any, child: Any, cci: Any, extra: Any, field: str, text: str) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, child, cci, **extra())
    assert text in " ".join(exc.value.message_dict[field])
    assert _counts() == before


def test_institutional_care_needs_an_institution(cast: Any, child: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, child, None)
    assert "Choose the institution" in " ".join(exc.value.message_dict["institution"])


def test_family_care_needs_a_caregiver_and_no_institution(cast: Any, child: Any, cci: Any) -> None:
    foster = code("alternative_family_care_type_id", "AFFC")
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, child, None, care_type=foster)
    assert "caregiver_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        admit(cast.nairobi_officer, child, cci, care_type=foster, caregiver_name="Foster family")
    assert "institution" in exc.value.message_dict
    p = admit(cast.nairobi_officer, child, None, care_type=foster, caregiver_name="Foster family", location=None)
    assert p.institution_id is None and p.where == "Foster family"


def test_other_county_cannot_admit_a_child_it_cannot_see(cast: Any, child: Any, tcci: Any) -> None:
    with pytest.raises(Http404):
        admit(cast.turkana_officer, child, tcci)
    assert not Placement.objects.exists()


def test_read_only_user_cannot_admit_and_nothing_is_written(cast: Any, child: Any, cci: Any) -> None:
    with pytest.raises(PermissionDenied):
        admit(cast.national_me, child, cci)
    assert _counts() == (0, 0, 0)


def test_officer_cannot_admit_into_an_institution_outside_their_area(cast: Any, tcci: Any) -> None:
    # A child the Westlands office registered but who lives in Turkana, without a case, into a
    # Turkana CCI: neither the institution, the child's home nor a responsible office is in the
    # Westlands officer's area.
    from cpims.cases.tests.conftest import ward_in
    from cpims.registry.models import Person

    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Baraka")
    ward = ward_in(cast.turkana_central_office)
    Person.objects.filter(pk=child.pk).update(ward=ward, sub_county=ward.sub_county, county=ward.county)
    with pytest.raises(PermissionDenied):
        admit(cast.nairobi_officer, child, tcci)
    assert not Placement.objects.exists()


def test_home_office_may_place_its_child_elsewhere(cast: Any, child: Any, tcci: Any) -> None:
    p = admit(cast.nairobi_officer, child, tcci)
    assert p.county_id == tcci.county_id


def test_case_must_be_about_the_child(cast: Any, child: Any, cci: Any) -> None:
    other = open_case(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(ValidationError) as exc:
        placement_admit(
            actor=cast.nairobi_officer,
            child=child,
            case=other,
            care_type=code("alternative_family_care_type_id", "AFIC"),
            institution=cci,
            admitted_on=days(-1),
            admission_type=code("admission_type_id", "TANA"),
            admission_reason=code("admission_reason_id", "RACP"),
        )
    assert "case" in exc.value.message_dict


def test_institution_manager_admits_a_child_they_registered(cast: Any, cci: Any, manager: Any) -> None:
    child = make_child(manager, cci, first="Neema")
    p = admit(manager, child, cci)
    assert p.institution_id == cci.pk
