"""court:session_create — record a session for a case: officers in scope save; bad input is 400
with field errors and writes nothing; outsiders 404, read-only 403; a closed case is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.court.models import CourtSession
from cpims.court.tests.conftest import advance, days, outcome, session_type

pytestmark = pytest.mark.django_db


def url(case: Any) -> str:
    return reverse("court:session_create", kwargs={"public_id": case.public_id})


def form(court: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "session_type": session_type().pk,
        "held_on": days(-1).isoformat(),
        "court": court.pk,
        "court_name": "",
        "outcome": outcome().pk,
        "next_date": days(14).isoformat(),
        "notes": "Mention for the probation report.",
    }
    data.update(changes)
    return data


def test_officer_records_a_session(client: Any, login: Any, cast: Any, westlands_case: Any, court: Any) -> None:
    login(client, cast.nairobi_officer)
    page = client.get(url(westlands_case))
    assert page.status_code == 200 and court.name in page.content.decode()
    response = client.post(url(westlands_case), form(court))
    assert response.status_code == 302
    assert response["Location"] == reverse("court:case_court", kwargs={"public_id": westlands_case.public_id})
    session = CourtSession.objects.get()
    assert session.next_date == days(14) and session.recorded_by == cast.nairobi_officer
    follow = client.get(response["Location"])
    assert "Mention for the probation report." in follow.content.decode()


def test_next_date_before_session_is_400(client: Any, login: Any, cast: Any, westlands_case: Any, court: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(url(westlands_case), form(court, next_date=days(-2).isoformat()))
    assert response.status_code == 400
    assert "The next court date must come after the date of the session." in response.content.decode()
    assert not CourtSession.objects.exists()


def test_missing_fields_are_400(client: Any, login: Any, cast: Any, westlands_case: Any, court: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(url(westlands_case), form(court, session_type="", held_on="not a date"))
    assert response.status_code == 400 and not CourtSession.objects.exists()


@pytest.mark.parametrize(
    ("user", "status"), [("turkana_officer", 404), ("partner", 404), ("stakeholder", 404), ("national_me", 403)]
)
def test_scope(client: Any, login: Any, cast: Any, westlands_case: Any, court: Any, user: str, status: int) -> None:
    login(client, getattr(cast, user))
    assert client.get(url(westlands_case)).status_code == status
    assert client.post(url(westlands_case), form(court)).status_code == status
    assert not CourtSession.objects.exists()


def test_closed_case_is_refused(client: Any, login: Any, cast: Any, westlands_case: Any, court: Any) -> None:
    advance(westlands_case, cast, "closed")
    login(client, cast.nairobi_officer)
    response = client.post(url(westlands_case), form(court))
    assert response.status_code == 400 and "reopen it" in response.content.decode()
    assert not CourtSession.objects.exists()


def test_anonymous_goes_to_login(client: Any, cast: Any, westlands_case: Any) -> None:
    response = client.get(url(westlands_case))
    assert response.status_code == 302 and "login" in response["Location"]
