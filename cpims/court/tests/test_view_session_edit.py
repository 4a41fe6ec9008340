"""court:session_edit — correct a session; a stale save is refused with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.court.actions import court_session_update
from cpims.court.tests.conftest import days, outcome

pytestmark = pytest.mark.django_db


def url(session: Any) -> str:
    return reverse("court:session_edit", kwargs={"public_id": session.public_id})


def form(session: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "session_type": session.session_type_id,
        "held_on": session.held_on.isoformat(),
        "court": session.court_id or "",
        "court_name": session.court_name,
        "outcome": session.outcome_id or "",
        "next_date": session.next_date.isoformat() if session.next_date else "",
        "notes": session.notes,
        "version": session.version,
    }
    data.update(changes)
    return data


def test_officer_edits(client: Any, login: Any, cast: Any, session: Any) -> None:
    login(client, cast.nairobi_officer)
    page = client.get(url(session))
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    response = client.post(url(session), form(session, next_date=days(20).isoformat()))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.next_date == days(20) and session.version == 2


def test_stale_save_is_refused(client: Any, login: Any, cast: Any, session: Any) -> None:
    login(client, cast.nairobi_officer)
    stale = form(session, notes="My notes")
    court_session_update(
        actor=cast.nairobi_coordinator,
        session=session,
        expected_version=1,
        session_type=session.session_type,
        held_on=session.held_on,
        court=session.court,
        outcome=outcome("CRUL"),
        next_date=session.next_date,
        notes=session.notes,
    )
    response = client.post(url(session), stale)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Someone else changed this court session" in body and "nairobi_coordinator" in body
    session.refresh_from_db()
    assert session.notes != "My notes" and session.version == 2


@pytest.mark.parametrize(("user", "status"), [("turkana_coordinator", 404), ("partner", 404), ("national_me", 403)])
def test_scope(client: Any, login: Any, cast: Any, session: Any, user: str, status: int) -> None:
    login(client, getattr(cast, user))
    assert client.get(url(session)).status_code == status
    assert client.post(url(session), form(session, notes="x")).status_code == status
    session.refresh_from_db()
    assert session.version == 1
