"""The CTiP track through its stages, and what the actions refuse."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cpims.audit.models import AuditEvent
from cpims.core.edits import StaleEdit
from cpims.ctip import actions
from cpims.ctip.models import CtipTrack
from cpims.ctip.tests.conftest import code, ctip_case, days, identify, partner

pytestmark = pytest.mark.django_db


def test_a_trafficked_child_goes_through_every_stage(cast: Any, westlands_ctip_case: Any) -> None:
    officer = cast.nairobi_officer
    track = identify(officer, westlands_ctip_case)
    assert track.stage == CtipTrack.Stage.IDENTIFIED
    assert {c.code for c in track.means.all()} == {"TMDC"}

    actions.ctip_assistance_add(actor=officer, track=track, kind="shelter", given_on=days(-9))
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.ASSISTED

    actions.ctip_referral_add(
        actor=officer, track=track, to_unit=partner(), referred_on=days(-9), reason="Repatriation to Uganda"
    )
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.ASSISTED  # a referral is not a stage

    # A family not found yet does not move the track on; found does.
    actions.ctip_tracing_add(
        actor=officer, track=track, traced_on=days(-8), outcome="not_found", country=code("ctip_country", "UG")
    )
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.ASSISTED
    actions.ctip_tracing_add(
        actor=officer,
        track=track,
        traced_on=days(-7),
        outcome="found",
        country=code("ctip_country", "UG"),
        assessment="suitable",
    )
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.TRACED

    actions.ctip_return_add(
        actor=officer,
        track=track,
        kind="repatriation",
        travelled_on=days(-5),
        country=code("ctip_country", "UG"),
        travel_document="emergency",
        escort="Escort Testname",
        receiving_agency=partner("CTIP-UG"),
    )
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.RETURNED

    track = actions.ctip_plan_update(
        actor=officer,
        track=track,
        expected_version=track.version,
        reintegration_plan="School and family support",
        plan_agreed_on=days(-5),
    )
    actions.ctip_followup_add(actor=officer, track=track, visited_on=days(-1), status="settled")
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.REINTEGRATION

    # A later step never moves the stage back.
    actions.ctip_assistance_add(actor=officer, track=track, kind="legal", given_on=days(0))
    track.refresh_from_db()
    assert track.stage == CtipTrack.Stage.REINTEGRATION

    written = set(
        AuditEvent.objects.filter(object_type="ctip.ctiptrack", object_id=str(track.public_id)).values_list(
            "action", flat=True
        )
    )
    assert written == {
        "ctip.identify",
        "ctip.assistance_add",
        "ctip.referral_add",
        "ctip.tracing_add",
        "ctip.return_add",
        "ctip.plan_edit",
        "ctip.followup_add",
    }


def test_prosecution_links_a_court_session_of_the_case_only(cast: Any, westlands_track: Any) -> None:
    from cpims.court import actions as court_actions

    officer = cast.nairobi_officer
    session = court_actions.court_session_record(
        actor=officer,
        case=westlands_track.case,
        session_type=code("courtsession_type_id", "STPL"),
        held_on=days(-2),
        court_name="Scope Test Court",
        plea=code("plea_type_id", "PLNG"),
    )
    other_case = ctip_case(officer, cast.westlands_office)
    other = court_actions.court_session_record(
        actor=officer,
        case=other_case,
        session_type=code("courtsession_type_id", "STHR"),
        held_on=days(-2),
        court_name="Scope Test Court",
    )
    with pytest.raises(ValidationError) as refused:
        actions.ctip_prosecution_update(actor=officer, track=westlands_track, expected_version=1, court_session=other)
    assert "court_session" in refused.value.message_dict
    track = actions.ctip_prosecution_update(
        actor=officer,
        track=westlands_track,
        expected_version=1,
        police_ob_number="OB/1/2026",
        court_case_number="CR 12/2026",
        court_session=session,
    )
    assert (track.police_ob_number, track.court_session_id, track.version) == ("OB/1/2026", session.pk, 2)


def test_only_a_trafficking_or_smuggling_case_has_a_track(cast: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    plain = open_case(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(ValidationError):
        identify(cast.nairobi_officer, plain)
    assert not CtipTrack.objects.exists()


def test_one_track_per_case(cast: Any, westlands_track: Any) -> None:
    with pytest.raises(ValidationError):
        identify(cast.nairobi_officer, westlands_track.case)


def test_identification_problems_are_refused_together(cast: Any, westlands_ctip_case: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        identify(
            cast.nairobi_officer,
            westlands_ctip_case,
            identified_on=days(1),
            nationality=code("ctip_purpose_id", "TPLB"),  # a code of another list
            purpose=None,
            means=[code("ctip_purpose_id", "TPSE")],
        )
    assert set(refused.value.message_dict) == {"identified_on", "nationality", "purpose", "means"}
    assert not CtipTrack.objects.exists()


def test_steps_cannot_be_dated_before_identification_or_in_the_future(cast: Any, westlands_track: Any) -> None:
    for given_on in (days(-11), days(1)):
        with pytest.raises(ValidationError) as refused:
            actions.ctip_assistance_add(
                actor=cast.nairobi_officer, track=westlands_track, kind="medical", given_on=given_on
            )
        assert "given_on" in refused.value.message_dict


def test_a_repatriation_goes_abroad_and_a_return_stays_in_kenya(cast: Any, westlands_track: Any) -> None:
    for kind, country in (("repatriation", "KE"), ("return", "UG")):
        with pytest.raises(ValidationError) as refused:
            actions.ctip_return_add(
                actor=cast.nairobi_officer,
                track=westlands_track,
                kind=kind,
                travelled_on=days(-1),
                country=code("ctip_country", country),
                travel_document="none",
            )
        assert "country" in refused.value.message_dict


def test_a_stale_edit_is_refused(cast: Any, westlands_track: Any) -> None:
    actions.ctip_plan_update(
        actor=cast.nairobi_officer,
        track=westlands_track,
        expected_version=1,
        reintegration_plan="First plan",
        plan_agreed_on=days(-1),
    )
    with pytest.raises(StaleEdit):
        actions.ctip_plan_update(
            actor=cast.nairobi_coordinator,
            track=westlands_track,
            expected_version=1,
            reintegration_plan="Second plan",
            plan_agreed_on=days(-1),
        )
    westlands_track.refresh_from_db()
    assert westlands_track.reintegration_plan == "First plan"


def test_identification_cannot_move_after_later_steps(cast: Any, westlands_track: Any) -> None:
    actions.ctip_assistance_add(actor=cast.nairobi_officer, track=westlands_track, kind="shelter", given_on=days(-9))
    t = westlands_track
    with pytest.raises(ValidationError) as refused:
        actions.ctip_identification_update(
            actor=cast.nairobi_officer,
            track=t,
            expected_version=t.version,
            identified_on=days(-5),
            trafficking_type=t.trafficking_type,
            nationality=t.nationality,
            country_of_origin=t.country_of_origin,
            purpose=t.purpose,
        )
    assert "identified_on" in refused.value.message_dict


def test_who_may_write(cast: Any, westlands_track: Any) -> None:
    def add(user: Any) -> Any:
        return actions.ctip_assistance_add(actor=user, track=westlands_track, kind="medical", given_on=days(-1))

    with pytest.raises(Http404):
        add(cast.turkana_officer)  # another county
    with pytest.raises(PermissionDenied):
        add(cast.national_me)  # reads cases, no sensitive sections, no case work
    with pytest.raises(Http404):
        add(cast.partner)  # an NGO without a referral
    assert add(cast.nairobi_coordinator).pk


def test_a_closed_case_refuses_changes(cast: Any, westlands_track: Any) -> None:
    from cpims.cases.models import Case

    Case.objects.filter(pk=westlands_track.case_id).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError):
        actions.ctip_followup_add(actor=cast.nairobi_officer, track=westlands_track, visited_on=days(-1), status="lost")
