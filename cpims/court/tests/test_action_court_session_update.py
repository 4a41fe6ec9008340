"""court_session_update: corrections are versioned; a stale save is refused with what changed;
bad input, outsiders and read-only users are refused and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cpims.cases.actions import StaleEdit
from cpims.cases.models import CaseEvent
from cpims.court.actions import court_session_update
from cpims.court.models import CourtSession
from cpims.court.tests.conftest import days, outcome, session_type

pytestmark = pytest.mark.django_db


def fields(session: Any, **changes: Any) -> dict[str, Any]:
    values = {
        "session_type": session.session_type,
        "held_on": session.held_on,
        "court": session.court,
        "court_name": session.court_name,
        "plea": session.plea,
        "outcome": session.outcome,
        "next_date": session.next_date,
        "notes": session.notes,
    }
    values.update(changes)
    return values


def test_officer_corrects_the_next_date(cast: Any, session: Any) -> None:
    updated = court_session_update(
        actor=cast.nairobi_officer, session=session, expected_version=1, **fields(session, next_date=days(12))
    )
    assert updated.version == 2 and updated.next_date == days(12)
    event = CaseEvent.objects.get(kind="court_session_edit")
    assert event.details["changed"] == ["next_date"]


def test_nothing_changed_writes_nothing(cast: Any, session: Any) -> None:
    same = court_session_update(actor=cast.nairobi_officer, session=session, expected_version=1, **fields(session))
    assert same.version == 1 and not CaseEvent.objects.filter(kind="court_session_edit").exists()


def test_stale_save_is_refused_with_what_changed(cast: Any, session: Any) -> None:
    court_session_update(
        actor=cast.nairobi_coordinator, session=session, expected_version=1, **fields(session, outcome=outcome("CRUL"))
    )
    with pytest.raises(StaleEdit) as err:
        court_session_update(
            actor=cast.nairobi_officer, session=session, expected_version=1, **fields(session, notes="Mine")
        )
    message = " ".join(err.value.messages)
    assert "nairobi_coordinator" in message and "outcome" in message
    session.refresh_from_db()
    assert session.version == 2 and session.notes != "Mine" and session.outcome.code == "CRUL"


def test_bad_input_writes_nothing(cast: Any, session: Any) -> None:
    with pytest.raises(ValidationError) as err:
        court_session_update(
            actor=cast.nairobi_officer,
            session=session,
            expected_version=1,
            **fields(session, next_date=session.held_on, session_type=outcome()),
        )
    assert set(err.value.message_dict) == {"next_date", "session_type"}
    assert CourtSession.objects.get().version == 1


def test_outsider_404_and_read_only_403(cast: Any, session: Any) -> None:
    with pytest.raises(Http404):
        court_session_update(actor=cast.turkana_officer, session=session, expected_version=1, **fields(session))
    with pytest.raises(PermissionDenied):
        court_session_update(actor=cast.national_me, session=session, expected_version=1, **fields(session, notes="x"))
    assert CourtSession.objects.get().version == 1


def test_plea_type_change(cast: Any, session: Any) -> None:
    updated = court_session_update(
        actor=cast.nairobi_officer,
        session=session,
        expected_version=None,
        **fields(session, session_type=session_type("STMN"), outcome=None, next_date=None),
    )
    assert updated.session_type.code == "STMN" and updated.next_date is None
