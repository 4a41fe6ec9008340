"""court_session_record: allowed for officers over the case, refused for others; bad input and a
closed case are refused with clear messages and nothing written; audited and on the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cpims.audit.models import AuditEvent
from cpims.cases.models import CaseEvent
from cpims.court.actions import court_session_record
from cpims.court.models import CourtSession
from cpims.court.tests.conftest import advance, days, outcome, plea, record_session, session_type

pytestmark = pytest.mark.django_db


def test_officer_records_a_session(cast: Any, westlands_case: Any, court: Any) -> None:
    session = record_session(cast.nairobi_officer, westlands_case, court=court)
    assert session.case == westlands_case and session.court == court and session.version == 1
    assert session.recorded_by == cast.nairobi_officer and session.next_date == days(10)
    event = CaseEvent.objects.get(case=westlands_case, kind="court_session_add")
    assert event.details["session"] == str(session.public_id) and event.details["outcome"] == "CADJ"
    assert (
        AuditEvent.objects.filter(action="case.court_session_add", object_id=str(westlands_case.public_id)).count() == 1
    )


def test_coordinator_may_record_with_a_free_text_court(cast: Any, westlands_case: Any) -> None:
    session = record_session(cast.nairobi_coordinator, westlands_case, court=None, court_name="Kibera Law Courts")
    assert session.court is None and session.court_label == "Kibera Law Courts"


def test_plea_at_a_plea_session(cast: Any, westlands_case: Any, court: Any) -> None:
    session = record_session(cast.nairobi_officer, westlands_case, session_type=session_type("STPL"), plea=plea())
    assert session.plea.code == "PLNG"


@pytest.mark.parametrize("user", ["turkana_officer", "turkana_coordinator", "partner", "stakeholder", "admin"])
def test_outsiders_get_404(cast: Any, westlands_case: Any, court: Any, user: str) -> None:
    with pytest.raises(Http404):
        record_session(getattr(cast, user), westlands_case, court=court)
    assert not CourtSession.objects.exists() and not CaseEvent.objects.filter(kind__startswith="court").exists()


def test_read_only_national_me_gets_403(cast: Any, westlands_case: Any, court: Any) -> None:
    with pytest.raises(PermissionDenied):
        record_session(cast.national_me, westlands_case, court=court)
    assert not CourtSession.objects.exists()


BAD_INPUT = {
    "next date on the session date": (lambda c: {"held_on": days(-1), "next_date": days(-1)}, "next_date"),
    "next date before the session": (lambda c: {"held_on": days(-1), "next_date": days(-3)}, "next_date"),
    "session in the future": (lambda c: {"held_on": days(1), "next_date": days(5)}, "held_on"),
    "type from another list": (lambda c: {"session_type": outcome()}, "session_type"),
    "outcome from another list": (lambda c: {"outcome": plea()}, "outcome"),
    "plea at a hearing": (lambda c: {"plea": plea()}, "plea"),
    "no court": (lambda c: {"court": None, "court_name": "  "}, "court"),
    "an office is not a court": (lambda c: {"court": c.westlands_office}, "court"),
    "adjourned without a next date": (lambda c: {"next_date": None}, "next_date"),
}


@pytest.mark.parametrize("case_name", BAD_INPUT)
def test_bad_input_is_refused(cast: Any, westlands_case: Any, court: Any, case_name: str) -> None:
    changes, field = BAD_INPUT[case_name]
    with pytest.raises(ValidationError) as err:
        record_session(cast.nairobi_officer, westlands_case, **{"court": court, **changes(cast)})
    assert field in err.value.message_dict
    assert not CourtSession.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="case.court").exists()


def test_a_closed_case_is_refused(cast: Any, westlands_case: Any, court: Any) -> None:
    case = advance(westlands_case, cast, "closed")
    with pytest.raises(ValidationError) as err:
        court_session_record(
            actor=cast.nairobi_officer, case=case, session_type=session_type(), held_on=days(-1), court=court
        )
    assert "closed" in str(err.value)
    assert not CourtSession.objects.exists()
