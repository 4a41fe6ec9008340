"""The justice actions: from arrest to committal and aftercare, linked to court and care."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from cpims.audit.models import AuditEvent
from cpims.care.models import Placement
from cpims.cases.tests.conftest import open_case
from cpims.core.edits import StaleEdit
from cpims.justice import actions
from cpims.justice.models import JusticeTrack, Remand
from cpims.justice.tests.conftest import committal_order, days, open_track, to_court

pytestmark = pytest.mark.django_db


def test_arrest_to_committal_and_aftercare(cast: Any, track: Any, units: Any) -> None:
    officer = cast.nairobi_officer
    track, plea = to_court(officer, track, units)
    assert track.route == "court" and track.plea_session == plea and track.bail == "refused"
    remand = actions.remand_start(
        actor=officer, track=track, institution=units.remand, started_on=plea.held_on, court_session=plea
    )
    actions.justice_report_add(
        actor=officer, track=track, kind="probation", submitted_on=days(-3), recommendation="Rehabilitation school"
    )
    order = committal_order(officer, track.case, units, expires=300)
    track.refresh_from_db()
    track = actions.justice_disposition_record(
        actor=officer,
        track=track,
        expected_version=track.version,
        disposition="committal_rehabilitation",
        decided_on=days(-2),
        court_order=order,
        institution=units.rehab,
    )
    # Linked, not copied: the court order, and a care placement opened through care's action.
    assert track.disposition_order == order and track.order_expires_on == days(300)
    placement = Placement.objects.get(pk=track.placement_id)
    assert placement.institution == units.rehab and placement.case == track.case and placement.ended_on is None
    assert placement.admission_reason.code == "RAOF" and placement.order_date == order.made_on
    remand.refresh_from_db()
    assert remand.ended_on == days(-2)  # the disposition ends the remand
    track = actions.justice_aftercare_start(
        actor=officer, track=track, expected_version=track.version, started_on=days(0), plan="Back to school"
    )
    assert track.aftercare_started_on == days(0)
    kinds = list(track.case.events.values_list("kind", flat=True))
    for kind in ("justice_open", "justice_route", "justice_court", "justice_remand_start", "justice_report"):
        assert kind in kinds
    assert AuditEvent.objects.filter(action="case.justice_disposition").count() == 1
    assert AuditEvent.objects.filter(action="placement.admit").count() == 1


def test_diversion(cast: Any, track: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.justice_route_set(
            actor=cast.nairobi_officer,
            track=track,
            expected_version=track.version,
            route="diversion",
            decided_on=days(0),
        )
    assert "diversion_notes" in exc.value.message_dict
    track = actions.justice_route_set(
        actor=cast.nairobi_officer,
        track=track,
        expected_version=track.version,
        route="diversion",
        decided_on=days(0),
        diversion_notes="Apology and community programme",
    )
    assert track.route == "diversion"


def test_only_for_a_child_in_conflict_with_the_law(cast: Any, units: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)  # neglect, physical abuse
    with pytest.raises(ValidationError):
        open_track(cast.nairobi_officer, case, units)
    assert not JusticeTrack.objects.exists()


def test_remand_needs_a_remand_home_and_one_at_a_time(cast: Any, track: Any, units: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.remand_start(actor=cast.nairobi_officer, track=track, institution=units.rehab, started_on=days(-5))
    assert "institution" in exc.value.message_dict
    actions.remand_start(actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(-5))
    with pytest.raises(ValidationError):
        actions.remand_start(actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(-4))
    assert Remand.objects.count() == 1


def test_disposition_order_must_match(cast: Any, track: Any, units: Any) -> None:
    track, _plea = to_court(cast.nairobi_officer, track, units)
    probation = committal_order(cast.nairobi_officer, track.case, units, code_="OLPR")
    with pytest.raises(ValidationError) as exc:
        actions.justice_disposition_record(
            actor=cast.nairobi_officer,
            track=track,
            expected_version=track.version,
            disposition="committal_borstal",
            decided_on=days(-1),
            court_order=probation,
            institution=units.borstal,
        )
    assert "court_order" in exc.value.message_dict
    assert not Placement.objects.exists()


def test_refused_admission_undoes_the_disposition(cast: Any, track: Any, units: Any) -> None:
    from cpims.care.models import Institution

    track, plea = to_court(cast.nairobi_officer, track, units)
    actions.remand_start(actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=plea.held_on)
    Institution.objects.create(org_unit=units.rehab, is_open=False, closed_on=days(-30))
    order = committal_order(cast.nairobi_officer, track.case, units)
    track.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.justice_disposition_record(
            actor=cast.nairobi_officer,
            track=track,
            expected_version=track.version,
            disposition="committal_rehabilitation",
            decided_on=days(-1),
            court_order=order,
            institution=units.rehab,
        )
    track.refresh_from_db()
    assert track.disposition == "" and not Placement.objects.exists()
    assert Remand.objects.get().ended_on is None


def test_stale_edit_refused(cast: Any, track: Any) -> None:
    old = track.version
    actions.justice_route_set(
        actor=cast.nairobi_officer, track=track, expected_version=old, route="court", decided_on=days(0)
    )
    with pytest.raises(StaleEdit):
        actions.justice_route_set(
            actor=cast.nairobi_coordinator,
            track=track,
            expected_version=old,
            route="diversion",
            decided_on=days(0),
            diversion_notes="x",
        )


@pytest.mark.parametrize("user", ["turkana_officer", "national_me", "partner"])
def test_outsiders_refused(cast: Any, track: Any, user: str) -> None:
    with pytest.raises(Http404):
        actions.justice_route_set(
            actor=getattr(cast, user), track=track, expected_version=None, route="court", decided_on=days(0)
        )
    track.refresh_from_db()
    assert track.route == ""
